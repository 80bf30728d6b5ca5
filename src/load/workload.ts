// Loading a workload: parse → JSON Schema → normalise → rules. Every problem is collected and
// thrown as one InputError, so a user sees all of them at once.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Capacity, ContentClass, ContentProfile, HdrTransfer, PipelineStage, RecipeBook, Title, Workload } from "../model";
import { LIMITS, grouped, spanName } from "../util/limits";
import { formatDuration, parseDuration, parseIso, parseTimePoint } from "../util/time";
import { ProblemList, isRecord, list, num, optNum, optStr, rec, str, type Path } from "./problems";
import { workloadSchema } from "./schemas";
import { normaliseEvents, normalisePolicy } from "./analytics";
import { readUserFile } from "./read";
import { checkCapacity, checkPipelines, checkTitles } from "./workload-rules";
import { parseYaml, validateSchema } from "./yaml";

/** Tier weights every workload starts from; a workload's `tiers` are merged over them. */
export const DEFAULT_TIERS: Readonly<Record<string, number>> = Object.freeze({ premium: 8, partner: 4, standard: 2, ugc: 1 });

const DEFAULT_TIER = "standard";
const DEFAULT_COMPLEXITY = 0.5;

/** Says what is wrong with a title's source file (missing, a directory, unreadable), or null. */
export type SourceCheck = (path: string) => string | null;

/** The file system's answer: a source must be a regular file that exists. */
export function sourceOnDisk(path: string): string | null {
  try {
    return statSync(path).isFile() ? null : `expected a video file, found a directory or device at ${path}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `expected an existing source file, found no file at ${path}` : `cannot read source ${path}: ${(e as Error).message}`;
  }
}

export function loadWorkloadFile(path: string, book: RecipeBook): Workload {
  return loadWorkloadText(path, readUserFile(path, "workload"), book, sourceOnDisk);
}

/**
 * A workload parsed, normalised and checked as far as it can be before its source files are
 * measured: the rules that depend on content (recipes, HDR) run in `finishWorkload`.
 */
export interface WorkloadDraft {
  workload: Workload;
  problems: ProblemList;
  /** Per title (by index): the content keys written in the file (`duration`, `resolution`, `class`, …). */
  written: ReadonlySet<string>[];
}

export function draftWorkload(file: string, text: string): WorkloadDraft {
  const { source, data } = parseYaml(file, text);
  const problems = new ProblemList(source, validateSchema(source, data, workloadSchema));
  // Nothing to normalise when the document is not even a mapping (a list, a scalar, empty).
  if (!isRecord(data)) problems.throwIfAny("workload");
  const workload = normaliseWorkload(rec(data), problems, dirname(file));
  checkCapacity(workload, problems);
  checkPipelines(workload, problems);
  const written = list(rec(data).titles).map((t) => new Set(Object.keys(rec(rec(t).content))));
  return { workload, problems, written };
}

/**
 * Runs the content rules and throws every problem found. A title with a source that was not
 * measured (this synchronous path measures nothing) must have its content written out in full.
 */
export function finishWorkload(draft: WorkloadDraft, book: RecipeBook, measured: ReadonlySet<number> = new Set()): Workload {
  const { workload, problems, written } = draft;
  workload.titles.forEach((t, i) => {
    if (t.content.source !== null && !measured.has(i)) requireWritten(written[i] ?? new Set(), ["titles", i, "content"], problems);
  });
  checkTitles(workload, book, problems, measured);
  problems.throwIfAny("workload");
  return workload;
}

/** `checkSource` is how the caller vouches for source files; without one they are not checked. */
export function loadWorkloadText(file: string, text: string, book: RecipeBook, checkSource: SourceCheck | null = null): Workload {
  const draft = draftWorkload(file, text);
  if (checkSource) checkSources(draft.workload, draft.problems, checkSource);
  return finishWorkload(draft, book);
}

export function checkSources(workload: Workload, problems: ProblemList, checkSource: SourceCheck): void {
  workload.titles.forEach((t, i) => {
    const path: Path = ["titles", i, "content", "source"];
    if (t.content.source === null || !problems.ok(path)) return;
    const problem = checkSource(t.content.source);
    if (problem) problems.add(path, problem);
  });
}

function normaliseWorkload(data: Record<string, unknown>, problems: ProblemList, baseDir: string): Workload {
  const epoch = str(data.epoch, "");
  // The schema checked the epoch's form; a well-formed but impossible date (month 13) lands here.
  const epochMs = parseIso(epoch);
  if (epochMs === null && problems.ok(["epoch"])) problems.add(["epoch"], `expected a real calendar time, found "${epoch}"`);
  const env: TitleEnv = { problems, epochMs: epochMs ?? 0, baseDir };
  const tiers = { ...DEFAULT_TIERS, ...numbers(rec(data.tiers)) };
  return {
    epoch,
    capacity: normaliseCapacity(rec(data.capacity)),
    tiers,
    pipelines: normalisePipelines(rec(data.pipelines)),
    titles: list(data.titles).map((t, i) => normaliseTitle(rec(t), i, env)),
    policy: normalisePolicy(data.policy, problems, tiers),
    events: normaliseEvents(data.events, problems, epochMs ?? 0),
  };
}

function numbers(r: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v, 0)]));
}

/** Non-strings (already reported by the schema) become "" so list indexes still match the file. */
function strings(v: unknown): string[] {
  return list(v).map((x) => (typeof x === "string" ? x : ""));
}

function normaliseCapacity(c: Record<string, unknown>): Capacity {
  const pools = Object.entries(rec(c.pools)).map(([id, p]) => {
    // Shorthand `cpu: 64` means 64 slots and no memory limit.
    if (typeof p === "number") return { id, slots: p, memoryGiB: null };
    return { id, slots: num(rec(p).slots, 0), memoryGiB: optNum(rec(p).memoryGiB) };
  });
  return { pools, scratchGiB: optNum(c.scratchGiB) };
}

function normalisePipelines(p: Record<string, unknown>): Record<string, PipelineStage[]> {
  const out: Record<string, PipelineStage[]> = {};
  for (const [name, stages] of Object.entries(p)) {
    out[name] = list(stages).map((raw) => {
      const s = rec(raw);
      return {
        id: str(s.id, ""),
        kind: str(s.kind, "custom") as PipelineStage["kind"],
        after: strings(s.after),
        pool: optStr(s.pool),
        workPerSecond: num(s.workPerSecond, 0),
        slots: num(s.slots, 1),
      };
    });
  }
  return out;
}

interface TitleEnv {
  problems: ProblemList;
  epochMs: number;
  baseDir: string;
}

function normaliseTitle(t: Record<string, unknown>, i: number, env: TitleEnv): Title {
  const at: Path = ["titles", i];
  const arrival = t.arrival === undefined ? 0 : timePoint(t.arrival, [...at, "arrival"], env);
  const deadline = t.deadline === undefined ? null : timePoint(t.deadline, [...at, "deadline"], env);
  const value = rec(t.value);
  return {
    id: str(t.id, ""),
    arrival,
    tier: str(t.tier, DEFAULT_TIER),
    value: {
      expectedViews: num(value.expectedViews, 0),
      viewsSoFar: num(value.viewsSoFar, 0),
      subscribers: num(value.subscribers, 0),
      revenuePerView: num(value.revenuePerView, 0),
    },
    content: normaliseContent(rec(t.content), [...at, "content"], env),
    deliverables: strings(t.deliverables),
    deadline,
    work: optNum(t.work),
    pipeline: optStr(t.pipeline),
  };
}

function timePoint(value: unknown, path: Path, env: TitleEnv): number {
  if (!env.problems.ok(path, ["epoch"])) return 0;
  const r = parseTimePoint(value, env.epochMs);
  if (typeof r === "string") {
    env.problems.add(path, r);
    return 0;
  }
  return r;
}

const EXPECTED_DURATION = "seconds (a number > 0) or a duration like 45m, 1h30m, 90s";
const EXPECTED_FPS = "frames per second as a number (24, 29.97) or a fraction like 30000/1001";

/** Without a source to measure, duration, fps and the size must be written. */
function requireWritten(written: ReadonlySet<string>, at: Path, problems: ProblemList): void {
  const unless = "; without it the source file is measured only by vps plan, run, forecast and recipes explain";
  for (const [key, phrase] of [["duration", EXPECTED_DURATION], ["fps", EXPECTED_FPS]] as const) {
    if (!written.has(key) && problems.ok(at)) problems.add([...at, key], `expected a value for key "${key}" (${phrase})${unless}, found none`);
  }
  if (!written.has("resolution") && !written.has("width") && !written.has("height") && problems.ok(at)) {
    problems.add(at, `expected resolution (like 1920x1080) or both width and height${unless}, found neither`);
  }
}

function normaliseContent(c: Record<string, unknown>, at: Path, env: TitleEnv): ContentProfile {
  const hasSource = typeof c.source === "string";
  // With a source the missing facts are measured; without one they must be written.
  if (!hasSource) {
    for (const [key, phrase] of [["duration", EXPECTED_DURATION], ["fps", EXPECTED_FPS]] as const) {
      if (c[key] === undefined && env.problems.ok(at)) {
        env.problems.add([...at, key], `expected a value for required key "${key}" (${phrase}) or a source: file to measure it from, found none`);
      }
    }
  }
  const { width, height } = checkSize(normaliseSize(c, at, env.problems, hasSource), c, at, env.problems);
  return {
    duration: normaliseDuration(c.duration, [...at, "duration"], env.problems),
    width,
    height,
    fps: normaliseFps(c.fps, [...at, "fps"], env.problems),
    bitDepth: num(c.bitDepth, 8),
    hdr: str(c.hdr, "sdr") as HdrTransfer,
    contentClass: str(c.class, "generic") as ContentClass,
    complexity: num(c.complexity, DEFAULT_COMPLEXITY),
    // Resolved against the workload's folder so `vps plan` can open it from any working directory.
    source: typeof c.source === "string" ? resolve(env.baseDir, c.source) : null,
    ...(c.audio === false ? { audio: false } : {}),
  };
}

function normaliseDuration(v: unknown, path: Path, problems: ProblemList): number {
  const seconds = typeof v === "number" ? v : typeof v === "string" ? parseDuration(v) : null;
  if (seconds === null) return 0;
  // The schema rejects numbers <= 0; a string like `0s` or `0h0m` gets here.
  if (seconds <= 0 && problems.ok(path)) problems.add(path, `expected a duration > 0, found ${JSON.stringify(v)}`);
  if (!(seconds <= LIMITS.durationSeconds) && problems.ok(path)) {
    // A number that is a plausible length in milliseconds most likely is one.
    const hint = typeof v === "number" && seconds / 1000 <= LIMITS.durationSeconds ? ` (milliseconds? ${v} ms is ${formatDuration(seconds / 1000)})` : "";
    problems.add(path, `expected a duration of at most ${spanName(LIMITS.durationSeconds)} (${LIMITS.durationSeconds} s), found ${JSON.stringify(v)}${hint}`);
    return 0;
  }
  return seconds;
}

function normaliseFps(v: unknown, path: Path, problems: ProblemList): number {
  if ((typeof v !== "number" && typeof v !== "string") || !problems.ok(path)) return 0;
  const [a, b] = String(v).split("/");
  const fps = b === undefined ? Number(a) : Number(a) / Number(b);
  if (!(fps > 0 && Number.isFinite(fps))) {
    problems.add(path, `expected frames per second > 0 like 24 or 30000/1001, found ${JSON.stringify(v)}`);
    return 0;
  }
  if (fps > LIMITS.fps) {
    problems.add(path, `expected at most ${LIMITS.fps} frames per second, found ${JSON.stringify(v)}`);
    return 0;
  }
  return fps;
}

/** 8K at most, either way round: a 100000x100000 source would plan years of work without a word. */
function checkSize(size: { width: number; height: number }, c: Record<string, unknown>, at: Path, problems: ProblemList): { width: number; height: number } {
  const { width, height } = size;
  const path: Path = [...at, typeof c.resolution === "string" ? "resolution" : typeof c.width === "number" ? "width" : "height"];
  if (!problems.ok(path)) return size;
  const found = `found ${width}x${height}`;
  if (Math.max(width, height) > LIMITS.sidePixels) {
    problems.add(path, `expected a picture at most ${LIMITS.sidePixels} pixels on either side (8K), ${found}`);
  } else if (width * height > LIMITS.pixels) {
    problems.add(path, `expected a picture of at most ${grouped(LIMITS.pixels)} pixels (8192x4320), ${found}`);
  } else return size;
  return { width: 0, height: 0 };
}

/** `resolution: 1920x1080`, or `width:` and `height:` — exactly one of the two forms (or neither, with a source). */
function normaliseSize(c: Record<string, unknown>, at: Path, problems: ProblemList, hasSource: boolean): { width: number; height: number } {
  const hasRes = typeof c.resolution === "string";
  const hasW = typeof c.width === "number";
  const hasH = typeof c.height === "number";
  if (hasRes) {
    if ((hasW || hasH) && problems.ok([...at, "resolution"])) {
      problems.add([...at, hasW ? "width" : "height"], "expected either resolution or width and height, found both", true);
    }
    const [w, h] = String(c.resolution).split("x").map(Number);
    return { width: w ?? 0, height: h ?? 0 };
  }
  if (hasW && hasH) return { width: c.width as number, height: c.height as number };
  const none = c.resolution === undefined && c.width === undefined && c.height === undefined;
  if (!(hasSource && none) && problems.ok([...at], [...at, "resolution"], [...at, "width"], [...at, "height"])) {
    const found = hasW ? "only width" : hasH ? "only height" : "neither";
    problems.add([...at], `expected resolution (like 1920x1080) or both width and height, found ${found}`);
  }
  return { width: num(c.width, 0), height: num(c.height, 0) };
}
