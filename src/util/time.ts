// Times and durations as users write them: ISO-8601 timestamps, offsets from the epoch (`+90m`),
// and plain durations (`45m`, `1h30m`, `2700` seconds).

import { LIMITS, grouped, spanName } from "./limits";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION_RE = /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/** `90m`, `1h30m`, `45s`, `2d` → seconds; null if it is not such a string. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const m = DURATION_RE.exec(t);
  if (!m) return null;
  const [, d, h, mi, s] = m;
  if (d === undefined && h === undefined && mi === undefined && s === undefined) return null;
  return (
    Number(d ?? 0) * UNIT_SECONDS.d! +
    Number(h ?? 0) * UNIT_SECONDS.h! +
    Number(mi ?? 0) * UNIT_SECONDS.m! +
    Number(s ?? 0)
  );
}

/** Milliseconds since 1970 of an ISO-8601 timestamp that names its zone; null otherwise. */
export function parseIso(text: string): number | null {
  // A zone is required: a bare local time would make the same file mean different plans on
  // machines in different time zones.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A point in time relative to the epoch: `+2h` (offset), an ISO timestamp, or a number of seconds.
 * Returns seconds after the epoch, or a message saying what was expected.
 */
export function parseTimePoint(value: unknown, epochMs: number): number | string {
  const t = timePointSeconds(value, epochMs);
  if (typeof t === "string" || Math.abs(t) <= LIMITS.timeSeconds) return t;
  if (Number.isNaN(t)) return `expected a time (seconds after the epoch, +2h or an ISO-8601 time), found ${describe(value)}`;
  const side = t > 0 ? "after" : "before";
  return `expected a time within ${spanName(LIMITS.timeSeconds)} of the epoch, found ${describe(value)} (${yearsOf(t)} years ${side} it)`;
}

const yearsOf = (seconds: number): string => grouped(Math.round(Math.abs(seconds) / (365.25 * 86400)));

function timePointSeconds(value: unknown, epochMs: number): number | string {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return `expected an ISO-8601 time or an offset like +2h, found ${describe(value)}`;
  if (value.startsWith("+")) {
    const d = parseDuration(value.slice(1));
    if (d === null) return `expected an offset like +90m or +1h30m, found "${value}"`;
    return d;
  }
  const ms = parseIso(value);
  if (ms === null) return `expected an ISO-8601 time with a zone (2026-11-24T18:00:00Z) or an offset like +2h, found "${value}"`;
  return (ms - epochMs) / 1000;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value}"`;
  return String(value);
}

/** Seconds → `1h02m03s` for people; with `decimals`, fractions of the last second (`5.3s`). */
export function formatDuration(seconds: number, decimals = 0): string {
  const sign = seconds < 0 ? "-" : "";
  const unit = 10 ** decimals;
  // Rounded once, in units of the last decimal shown, so 59.96 s at one decimal is 1m00.0s.
  const units = Math.round(Math.abs(seconds) * unit);
  let s = Math.floor(units / unit);
  const fraction = decimals > 0 ? `.${String(units % unit).padStart(decimals, "0")}` : "";
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${sign}${h}h${String(m).padStart(2, "0")}m${String(s).padStart(2, "0")}${fraction}s`;
  if (m > 0) return `${sign}${m}m${String(s).padStart(2, "0")}${fraction}s`;
  return `${sign}${s}${fraction}s`;
}
