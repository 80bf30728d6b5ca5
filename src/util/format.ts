// Numbers as people read them in tables and reports: one decimal of a percent, three of a frame rate.

/** 0.1234 → "12.3%". */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A change: −0.2 → "-20.0%", 0.05 → "+5.0%", null → "—" (not comparable). */
export const signedPct = (x: number | null): string => (x === null ? "—" : `${x > 0 ? "+" : ""}${pct(x)}`);

/** A frame rate: at most three decimals (24000/1001 → "23.976", 25 → "25"). */
export const fpsText = (fps: number): string => String(Math.round(fps * 1000) / 1000);
