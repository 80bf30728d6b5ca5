// Collecting every problem of an input file before failing, so a user fixes them all in one go.
// The schema check runs first; normalisers and rules then run on the same (possibly invalid) data
// and use `ok(path)` to skip values the schema already complained about, so nothing is reported
// twice and no rule trips over a value of the wrong type.
import { InputError, type Problem } from "../util/errors";
import { formatPath, posOf, type YamlSource } from "./yaml";

export type Path = readonly (string | number)[];

export class ProblemList {
  readonly problems: Problem[];
  /** Paths (formatted) the schema or a rule found wrong, and every ancestor of one: sets, so a file with thousands of problems stays linear. */
  private readonly flagged = new Set<string>();
  private readonly aboveFlagged = new Set<string>();

  constructor(
    readonly source: YamlSource,
    schemaProblems: readonly Problem[],
  ) {
    this.problems = [...schemaProblems];
    for (const p of schemaProblems) this.flag(p.pos.path);
  }

  private flag(path: string): void {
    this.flagged.add(path);
    for (const a of ancestors(path)) this.aboveFlagged.add(a);
  }

  add(path: Path, message: string, key = false): void {
    this.problems.push({ pos: posOf(this.source, path, key), message });
  }

  /** Marks a value as unusable without a message of its own (its problem was reported elsewhere): rules skip it. */
  skip(path: Path): void {
    this.flag(formatPath(path));
  }

  /** True when the schema found nothing wrong at any of these paths or their ancestors. */
  ok(...paths: Path[]): boolean {
    if (this.flagged.has("(root)")) return false;
    return paths.every((p) => {
      const text = formatPath(p);
      return !this.flagged.has(text) && !ancestors(text).some((a) => this.flagged.has(a));
    });
  }

  /** Throws one InputError carrying every problem, in file order. */
  throwIfAny(what: string): void {
    if (this.problems.length === 0) return;
    const seen = new Set<string>();
    const unique = this.problems.filter((p) => {
      const id = `${p.pos.line}:${p.pos.col}:${p.pos.path}:${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    unique.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    const n = unique.length;
    throw new InputError(`${this.source.file}: invalid ${what} (${n} problem${n === 1 ? "" : "s"})`, unique);
  }

  /** Like ok, and nothing was found below these paths either: the whole subtree is usable. */
  clean(...paths: Path[]): boolean {
    return this.ok(...paths) && paths.every((p) => !this.aboveFlagged.has(formatPath(p)));
  }
}

/** `titles[3].content` → `titles`, `titles[3]`: each prefix that ends where a `.` or `[` starts the next step. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) if (path[i] === "." || path[i] === "[") out.push(path.slice(0, i));
  return out;
}

// ---- defensive readers: the schema has reported wrong types already; these just avoid crashing.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

export function str(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : fallback;
}

export function optNum(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function optStr(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
