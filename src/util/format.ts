// Shares as people read them in tables and reports: one decimal of a percent.

/** 0.1234 → "12.3%". */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A change: −0.2 → "-20.0%", 0.05 → "+5.0%", null → "—" (not comparable). */
export const signedPct = (x: number | null): string => (x === null ? "—" : `${x > 0 ? "+" : ""}${pct(x)}`);
