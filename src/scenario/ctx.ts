// A problem collector for one YAML source, with the parsers of times and durations that report
// what they expected at the value's position.
import { posOf, type YamlSource } from "../load/yaml";
import type { Problem } from "../util/errors";
import { describe, parseDuration, parseTimePoint } from "../util/time";
import type { Weighted } from "./types";
import { LIMITS, spanName } from "../util/limits";

export type Path = readonly (string | number)[];
export type Written = Record<string, unknown>;

/** Collects problems against one YAML source. */
export class Ctx {
  readonly problems: Problem[] = [];
  constructor(
    readonly source: YamlSource,
    readonly epochMs: number,
  ) {}

  problem(path: Path, message: string, key = false): void {
    this.problems.push({ pos: posOf(this.source, path, key), message });
  }

  /** Seconds of a duration (`45m` or a number); NaN after reporting a problem. */
  duration(value: unknown, path: Path): number {
    const d = typeof value === "number" ? value : parseDuration(String(value));
    if (d === null) this.problem(path, `expected a duration like 45m or 1h30m, or seconds, found ${describe(value)}`);
    else if (!(d <= LIMITS.timeSeconds)) this.problem(path, `expected a duration of at most ${spanName(LIMITS.timeSeconds)}, found ${describe(value)}`);
    return d ?? Number.NaN;
  }

  /** Seconds after the epoch of a time point (`+2h`, ISO, number); NaN after reporting a problem. */
  point(value: unknown, path: Path): number {
    const t = parseTimePoint(value, this.epochMs);
    if (typeof t === "string") {
      this.problem(path, t);
      return Number.NaN;
    }
    if (t < 0) this.problem(path, `expected a time at or after the epoch, found ${describe(value)} (${t}s before it)`);
    return t;
  }

  /** Reports min > max; both NaN-safe (a NaN already has its problem). */
  order(min: number, max: number, path: Path, what = "min"): void {
    if (min > max) this.problem([...path, what], `expected ${what} ≤ max, found ${what} ${min} > max ${max}`);
  }

  weights<T>(map: Written, path: Path, item: (key: string) => T | null): Weighted<T>[] {
    const out: Weighted<T>[] = [];
    for (const [key, weight] of Object.entries(map)) {
      const parsed = item(key);
      if (parsed !== null) out.push({ item: parsed, weight: Number(weight) });
    }
    if (Object.values(map).every((w) => Number(w) === 0)) {
      this.problem(path, "expected at least one weight above 0, found all weights 0");
    }
    return out;
  }
}
