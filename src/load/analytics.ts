// The value policy's settings and analytics events: from a workload's `policy:` and `events:`, or
// from an NDJSON file (`--events analytics.ndjson`, one JSON object per line). Problems in an
// NDJSON file are reported as `file:line:col path: message` like every other input.
import type { AnalyticsEvent, PolicyConfig } from "../model";
import { InputError, type Problem } from "../util/errors";
import { LIMITS, grouped, spanName } from "../util/limits";
import { parseDuration, parseTimePoint } from "../util/time";
import { DEFAULT_POLICY_CONFIG } from "../value/config";
import { type Path, type ProblemList, rec } from "./problems";
import { readUserFile } from "./read";
import { eventSchema } from "./schemas";
import { parseYaml, posOf, schemaAccepts, validateSchema } from "./yaml";

function span(v: unknown, fallback: number): number {
  if (typeof v === "number") return v;
  return (typeof v === "string" ? parseDuration(v) : null) ?? fallback;
}

const numberOr = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback);

/** Where the rules report: a workload's ProblemList, or a scenario's collector. */
export interface Reporter {
  add(path: Path, message: string): void;
  /** False when the schema already complained at one of these paths. */
  ok(...paths: Path[]): boolean;
}

/** Durations that must be positive (`0s` matches the grammar but would divide by zero) and within the time limit. */
function checkPositive(problems: Reporter, data: Record<string, unknown>, at: Path, keys: string[], values: number[]): void {
  keys.forEach((k, i) => {
    const v = values[i]!;
    if ((v > 0 && v <= LIMITS.timeSeconds) || !problems.ok([...at, k])) return;
    const range = v > 0 ? `at most ${spanName(LIMITS.timeSeconds)}` : "> 0 like 12h";
    problems.add([...at, k], `expected a duration ${range}, found ${JSON.stringify(data[k])}`);
  });
}

export function normalisePolicy(data: unknown, problems: Reporter, tiers: Record<string, number>): PolicyConfig {
  const p = rec(data);
  const v = rec(p.viral);
  const d = DEFAULT_POLICY_CONFIG;
  const viral = {
    promoteAbove: numberOr(v.promoteAbove, d.viral.promoteAbove),
    demoteBelow: numberOr(v.demoteBelow, d.viral.demoteBelow),
    demoteAfter: span(v.demoteAfter, d.viral.demoteAfter),
    smoothing: span(v.smoothing, d.viral.smoothing),
    promoteTo: typeof v.promoteTo === "string" ? v.promoteTo : d.viral.promoteTo,
  };
  const at: Path = ["policy", "viral"];
  if (!(viral.promoteTo in tiers) && problems.ok([...at, "promoteTo"])) {
    problems.add([...at, "promoteTo"], `expected a tier (${Object.keys(tiers).join(", ")}), found "${viral.promoteTo}"`);
  }
  // Hysteresis needs the demotion threshold at or below the promotion one, or a title would flap.
  if (viral.demoteBelow > viral.promoteAbove && problems.ok([...at, "demoteBelow"], [...at, "promoteAbove"])) {
    problems.add([...at, "demoteBelow"], `expected at most promoteAbove (${viral.promoteAbove}), found ${viral.demoteBelow}`);
  }
  const maxWait = span(p.maxWait, d.maxWait);
  const maxResponse = p.maxResponse === undefined ? d.maxResponse : span(p.maxResponse, 0);
  checkPositive(problems, p, ["policy"], ["maxWait"], [maxWait]);
  if (maxResponse !== null) checkPositive(problems, p, ["policy"], ["maxResponse"], [maxResponse]);
  checkPositive(problems, v, at, ["demoteAfter", "smoothing"], [viral.demoteAfter, viral.smoothing]);
  return { maxWait, maxResponse, viral };
}

const FIGURES = ["views", "expectedViews", "subscribers", "revenuePerView"] as const;

/** One event from its written form; a message instead when its time is not a time. */
function toEvent(raw: Record<string, unknown>, epochMs: number): AnalyticsEvent | string {
  const at = parseTimePoint(raw.at, epochMs);
  if (typeof at === "string") return at;
  if (at < 0) return `expected a time at or after the epoch, found ${JSON.stringify(raw.at)}`;
  const e: AnalyticsEvent = { at, title: String(raw.title) };
  for (const f of FIGURES) if (typeof raw[f] === "number") e[f] = raw[f];
  return e;
}

/** Stable sort by time, so events at the same instant apply in the order written. */
export function byTime(events: AnalyticsEvent[]): AnalyticsEvent[] {
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map((x) => x.e);
}

export function normaliseEvents(data: unknown, problems: ProblemList, epochMs: number): AnalyticsEvent[] {
  if (!Array.isArray(data)) return [];
  const out: AnalyticsEvent[] = [];
  data.forEach((raw, i) => {
    const path: Path = ["events", i];
    if (!problems.clean(path)) return;
    const e = toEvent(rec(raw), epochMs);
    if (typeof e === "string") problems.add([...path, "at"], e);
    else out.push(e);
  });
  return byTime(out);
}

/** Problems beyond this many are summarised: a feed with a systematic error repeats it on every line. */
const MAX_PROBLEMS = 100;

/** Moves a problem found in a one-line document to its line in the file. */
function onLine(p: Problem, line: number): Problem {
  return { pos: { ...p.pos, line }, message: p.message };
}

/**
 * One NDJSON line. JSON is YAML, so the line goes through the same parser and schema check as a
 * workload: the same "expected …, found …" messages, with the column of the offending value.
 */
export function parseEventLine(file: string, line: number, text: string, epochMs: number): AnalyticsEvent | Problem[] {
  const notJson: Problem[] = [{ pos: { file, line, col: 1, path: "(line)" }, message: `expected one JSON object per line, found ${JSON.stringify(text.slice(0, 40))}` }];
  // Strict JSON first (YAML would also take `at: 5` or a bare word), then YAML for positions.
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return notJson;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return notJson;
  const parsed = parseYaml(file, text);
  const problems = validateSchema(parsed.source, parsed.data, eventSchema);
  if (problems.length > 0) return problems.map((p) => onLine(p, line));
  const e = toEvent(rec(parsed.data), epochMs);
  return typeof e === "string" ? [onLine({ pos: posOf(parsed.source, ["at"]), message: e }, line)] : e;
}

/** True when a line is a good event: checked without positions, for lines past the problems shown. */
function goodLine(text: string, epochMs: number): boolean {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === "object" && json !== null && !Array.isArray(json) && schemaAccepts(json, eventSchema) && typeof toEvent(rec(json), epochMs) !== "string";
  } catch {
    return false;
  }
}

/** Events from NDJSON text; blank lines are skipped. Every bad line is reported, then one InputError. */
export function loadEventsText(file: string, text: string, epochMs: number): AnalyticsEvent[] {
  const events: AnalyticsEvent[] = [];
  const problems: Problem[] = [];
  // A byte-order mark (Windows tools write one) is not part of the first line's JSON.
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  // Counted before any line is parsed: a feed far over the limit is refused at once.
  const count = lines.reduce((n, l) => (l.trim() === "" ? n : n + 1), 0);
  if (count > LIMITS.events) {
    throw new InputError(`${file}: expected at most ${grouped(LIMITS.events)} analytics events, found ${grouped(count)} lines`);
  }
  let badLinesBeyond = 0;
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    // Past the problems shown the file is rejected: a bad line is only counted, not placed (placing
    // goes through yaml, and 200 lines of 36 KB each took 14 s).
    if (problems.length >= MAX_PROBLEMS) {
      if (!goodLine(raw, epochMs)) badLinesBeyond++;
      return;
    }
    const r = parseEventLine(file, i + 1, raw, epochMs);
    if (Array.isArray(r)) problems.push(...r);
    else events.push(r);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length - shown.length;
    const n = problems.length;
    const error = new InputError(`${file}: invalid analytics events (${n}${badLinesBeyond > 0 ? "+" : ""} problem${n === 1 ? "" : "s"})`, shown);
    const tail = [...(more > 0 ? [`${more} more problems`] : []), ...(badLinesBeyond > 0 ? [`${badLinesBeyond} more lines with problems`] : [])];
    if (tail.length > 0) error.withLines([`${file}: … and ${tail.join(" and ")}`]);
    throw error;
  }
  return byTime(events);
}

export function loadEventsFile(path: string, epochMs: number): AnalyticsEvent[] {
  return loadEventsText(path, readUserFile(path, "events"), epochMs);
}
