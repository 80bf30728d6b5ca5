// Runs the scheduler's started tasks on this machine: ffmpeg for normalise, encode and join (each
// output written under a temporary name, checked with ffprobe, then renamed), a checksum of the
// source for analyse, and the plain-folder package and atomic publish of src/run/publish.ts.
// A failed try is retried with backoff up to `maxTries`; an encode whose tries are spent gets one
// more try at each of the recipe's fallbacks in turn (its first faster-preset downgrade step, then
// the deliverable's fallback encoder when it names one); only then does the scheduler hear of a
// failure. The task's slots stay held meanwhile: the width was chosen for it.
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Analysis } from "../content/types";
import { sha256File } from "../content/analyse";
import type { SourceFacts } from "../content/normalise";
import type { EncodeLookup, TaskCommands } from "../encode/commands";
import type { WorkerSpan } from "../farm/protocol";
import type { FallbackEncoder, Recipe, Task } from "../model";
import { type SimState, type SimTask, sourceTitle } from "../sched/state";
import type { TaskOutcome, TaskRunner } from "./driver";
import { type ExpectedOutput, expectedOutput } from "./expect";
import type { Handover, Journal, JournalEntry, OutputRecord } from "./journal";
import { partialPath, type RunLayout } from "./layout";
import { type Exec, runAndCheck, type TryResult } from "./exec";
import type { JobProgress } from "./process";
import { LostTry, missingInput, packageDeliverable, type PackageSummary } from "./package";
import { removedAfterPublish, publishedWhole, publishTitle } from "./publish";

export type RunEvent =
  | { type: "task:progress"; task: string; progress: JobProgress; duration: number }
  | { type: "task:retry"; task: string; try: number; reason: string; delaySeconds: number }
  | { type: "task:fallback"; task: string; fallback: string; reason: string }
  | { type: "task:resumed"; task: string }
  | { type: "task:adopted"; task: string; worker: string }
  | { type: "title:publish"; title: string; dir: string };

export interface LocalOptions {
  layout: RunLayout;
  /** The ffmpeg to run (`--ffmpeg`, default the one on PATH). */
  ffmpeg: string;
  maxTries: number;
  stallTimeoutMs: number;
  /** Delay before the second try; doubled for each one after. */
  backoffMs: number;
  /** Replaces the environment of ffmpeg (tests cue the fake ffmpeg with it). */
  env?: NodeJS.ProcessEnv;
  /** Keep a published title's renditions and audio under .work (`--keep-work`); the mezzanine and chunks go anyway. */
  keepWork?: boolean;
}

export interface LocalContext {
  state: SimState;
  commands: TaskCommands;
  lookup: EncodeLookup;
  /** The recipe library's recipes (an audio task's rendition is named there). */
  recipes: readonly Recipe[];
  sources: ReadonlyMap<string, SourceFacts>;
  analyses: ReadonlyMap<string, Analysis>;
  journal: Journal;
  /** Tasks an earlier run in this directory finished (by key), checked again before they count. */
  finished: ReadonlyMap<string, Extract<JournalEntry, { type: "end" }>>;
  /** Tries an earlier coordinator handed to farm workers and never saw end (by key): adopted if they finished. */
  handovers?: ReadonlyMap<string, Handover>;
  /** Seconds since the run began (for the journal). */
  now(): number;
  /** The wall-clock time as ISO-8601, for what a person reads (title.json's publishedAt). */
  wallTime(): string;
  report(e: RunEvent): void;
}

/** Per task: how many tries it took and whether its fallback ran (for the run report). */
export interface TaskRecord {
  tries: number;
  fallback?: string;
  outputs: OutputRecord[];
  resumed?: boolean;
  lastError?: string;
  /**
   * Wall seconds of the successful try, and the slots and preset it ran with — for a resumed task,
   * as the earlier run recorded them (history.csv keeps every encode that really ran).
   */
  seconds?: number;
  slots?: number;
  preset?: string;
  /** Set when the deliverable's fallback encoder made the output (its speed is not the recipe encoder's). */
  encoder?: string;
  /** The command of the successful try (the fallback's, when one ran). */
  argv?: string[];
  /** A package task's package, as title.json describes it. */
  package?: PackageSummary;
  cpuSeconds?: number;
  /** Farm runs: the worker whose try succeeded, and when that try held its slot there (its clock). */
  worker?: string;
  ran?: WorkerSpan;
  /** Farm runs: the worker instance the scheduler placed the task on (coordinator-side tasks too). */
  node?: string;
}

/** One more way to make a task's output once its tries are spent. */
interface Fallback {
  /** What the report and the log call it ("preset veryfast", "encoder libaom-av1 preset 8"). */
  label: string;
  task: Task;
  encoder?: FallbackEncoder;
}

type Attempt = { ok: true; outputs: OutputRecord[]; seconds: number; cpuSeconds?: number } | { ok: false; reason: string; interrupted?: boolean; lost?: boolean };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/** Tries on this machine: ffmpeg as a child process, its output checked here. */
export function localExec(opts: { ffmpeg: string; env?: NodeJS.ProcessEnv }): Exec {
  return {
    tryPath: (final) => partialPath(final),
    run: (x, signal) =>
      runAndCheck(
        { exe: opts.ffmpeg, args: x.args, output: x.output, expect: x.expect, stallTimeoutMs: x.stallTimeoutMs, ...(opts.env ? { env: opts.env } : {}) },
        { signal, ...(x.onProgress ? { onProgress: x.onProgress } : {}), ...(x.onSpawn ? { onSpawn: x.onSpawn } : {}) },
      ),
  };
}

export class LocalRunner implements TaskRunner {
  readonly records = new Map<string, TaskRecord>();
  private readonly exec: Exec;

  constructor(
    private readonly ctx: LocalContext,
    private readonly opts: LocalOptions,
    exec?: Exec,
  ) {
    this.exec = exec ?? localExec(opts);
  }

  /** The title whose source a task reads: a deferred follow-up's original. */
  sourceOf(t: SimTask): string {
    return sourceTitle(this.ctx.state, t).id;
  }

  async run(t: SimTask, signal: AbortSignal): Promise<TaskOutcome> {
    const record: TaskRecord = { tries: 0, outputs: [] };
    const node = this.exec.nodeOf?.(t);
    if (node !== undefined) record.node = node;
    this.records.set(t.task.id, record);
    const result = await this.attempt(t, record, signal);
    if (!result.ok) {
      record.lastError = result.reason;
      if (result.lost) return { ok: false, reason: result.reason, lost: true };
      if (!result.interrupted) this.journal({ type: "fail", t: this.ctx.now(), task: t.task.id, key: t.key, reason: result.reason });
      return result.interrupted ? { ok: false, reason: result.reason, interrupted: true } : { ok: false, reason: result.reason };
    }
    record.outputs = result.outputs;
    if (result.cpuSeconds !== undefined) record.cpuSeconds = result.cpuSeconds;
    // A resumed task took no time here (its record holds what its run journaled): nothing to learn.
    if (record.resumed) return { ok: true, seconds: 0 };
    Object.assign(record, { seconds: result.seconds, slots: t.task.slots, preset: t.task.preset ?? undefined });
    const extra = { ...(record.preset ? { preset: record.preset } : {}), ...(record.encoder ? { encoder: record.encoder } : {}) };
    this.journal({ type: "end", t: this.ctx.now(), task: t.task.id, key: t.key, seconds: result.seconds, slots: t.task.slots, ...extra, outputs: result.outputs });
    return { ok: true, seconds: result.seconds };
  }

  private journal(e: JournalEntry): void {
    this.ctx.journal.append(e);
  }

  private async attempt(t: SimTask, record: TaskRecord, signal: AbortSignal): Promise<Attempt> {
    const kind = t.task.kind;
    if (kind === "normalise" || kind === "encode" || kind === "join" || kind === "audio") return this.ffmpegTask(t, record, signal);
    record.tries = 1;
    this.journal({ type: "start", t: this.ctx.now(), task: t.task.id, key: t.key, slots: t.task.slots, try: 1 });
    const began = performance.now();
    const seconds = () => (performance.now() - began) / 1000;
    try {
      if (kind === "analyse") {
        const checked = await this.analyse(t);
        return checked.ok ? { ...checked, seconds: seconds() } : checked;
      }
      if (kind === "package") {
        const recipe = sourceTitle(this.ctx.state, t).deliverables.find((d) => d.deliverable === t.task.deliverable)?.recipe;
        if (!recipe) return { ok: true, outputs: [], seconds: seconds() };
        // A title published whole before, whose renditions were removed after it (no --keep-work):
        // its package is the published one, and nothing new is to go in it.
        if ((await missingInput(this.ctx.state, t, this.opts.layout, recipe)) !== null && (await this.publishedWhole(this.sourceOf(t)))) {
          return { ok: true, outputs: [], seconds: seconds() };
        }
        const ctx = { state: this.ctx.state, layout: this.opts.layout, exec: this.exec, stallTimeoutMs: this.opts.stallTimeoutMs, signal };
        record.package = await packageDeliverable(ctx, t, recipe);
        return { ok: true, outputs: [], seconds: seconds() };
      }
      if (kind === "publish") {
        const dir = await publishTitle(this.ctx.state, t, this.opts.layout, this.records, this.ctx.analyses, this.ctx.wallTime(), this.opts.keepWork === true);
        this.journal({ type: "publish", t: this.ctx.now(), title: this.sourceOf(t) });
        this.ctx.report({ type: "title:publish", title: this.sourceOf(t), dir });
        return { ok: true, outputs: [], seconds: seconds() };
      }
      return { ok: true, outputs: [], seconds: seconds() };
    } catch (e) {
      if (e instanceof LostTry) return { ok: false, reason: e.message, lost: true };
      return signal.aborted ? { ok: false, reason: "interrupted", interrupted: true } : { ok: false, reason: (e as Error).message };
    }
  }

  /** The source must be the file that was planned: same bytes (sha256) as when it was measured. */
  private async analyse(t: SimTask): Promise<Attempt> {
    const title = this.sourceOf(t);
    const facts = this.ctx.sources.get(title);
    const analysis = this.ctx.analyses.get(title);
    if (!facts || !analysis) return { ok: false, reason: `no measured source for ${title}` };
    const file = facts.content.source!;
    let sha: string;
    try {
      sha = await sha256File(file, file);
    } catch (e) {
      return { ok: false, reason: `source ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    if (sha !== analysis.sha256) return { ok: false, reason: `source ${file} changed since it was planned (sha256 ${sha.slice(0, 12)}…, planned ${analysis.sha256.slice(0, 12)}…)` };
    return { ok: true, outputs: [], seconds: 0 };
  }

  private async ffmpegTask(t: SimTask, record: TaskRecord, signal: AbortSignal): Promise<Attempt> {
    const source = this.sourceOf(t);
    const facts = this.ctx.sources.get(source);
    const out = facts && expectedOutput(this.withRecipe(t), source, facts, this.ctx.lookup, this.opts.layout.work, this.ctx.recipes);
    if (!facts || !out) return { ok: false, reason: `no command for ${t.task.id} (title without a source file?)` };
    const resumed = await this.resumed(t, out.path);
    if (resumed) {
      const entry = this.ctx.finished.get(t.key)!;
      record.resumed = true;
      record.seconds = entry.seconds;
      record.slots = entry.slots;
      record.preset = entry.preset;
      if (entry.encoder) record.encoder = entry.encoder;
      this.ctx.report({ type: "task:resumed", task: t.task.id });
      return { ok: true, outputs: [resumed], seconds: 0 };
    }
    const adopted = await this.adopted(t, record, out, signal);
    if (adopted) return adopted;
    let last: Attempt = { ok: false, reason: "not tried" };
    for (let i = 1; i <= this.opts.maxTries; i++) {
      // After a failure in this launch (not a lost try: that one starts over wherever it is placed).
      if (i > 1) this.exec.beforeRetry?.(t);
      last = await this.tryOnce(t, record, out, t.task, signal);
      if (last.ok || last.interrupted || last.lost) return last;
      if (i < this.opts.maxTries) {
        const delay = this.opts.backoffMs * 2 ** (i - 1);
        this.journal({ type: "retry", t: this.ctx.now(), task: t.task.id, key: t.key, try: i + 1, reason: last.reason });
        this.ctx.report({ type: "task:retry", task: t.task.id, try: i + 1, reason: last.reason, delaySeconds: delay / 1000 });
        await sleep(delay, signal);
        if (signal.aborted) return { ok: false, reason: "interrupted", interrupted: true };
      }
    }
    const first = last.reason;
    const also: string[] = [];
    const tried: string[] = [];
    for (const fallback of this.fallbacks(t)) {
      record.fallback = fallback.label;
      this.ctx.report({ type: "task:fallback", task: t.task.id, fallback: fallback.label, reason: last.reason });
      this.exec.beforeRetry?.(t);
      last = await this.tryOnce(t, record, out, fallback.task, signal, fallback.encoder);
      if (!last.ok && (last.interrupted || last.lost)) return last;
      if (last.ok) {
        // The task ran with the fallback's preset (and encoder): the plan and the report say so.
        t.task.preset = fallback.task.preset;
        if (fallback.encoder) record.encoder = fallback.encoder.encoder;
        return last;
      }
      also.push(fallback.label);
      tried.push(last.reason);
    }
    if (also.length === 0) return last;
    // The last failure leads (what a person reads first); then what else was tried and the first reason.
    const between = tried.slice(0, -1).map((why, i) => `with the fallback ${also[i]}: ${why}; `).join("");
    return { ok: false, reason: `${last.reason} (also with the fallback ${also.at(-1)!}; ${between}before: ${first})` };
  }

  /** An encode's fallbacks, in order: its recipe's first faster preset, then the deliverable's fallback encoder. */
  private fallbacks(t: SimTask): Fallback[] {
    if (t.task.kind !== "encode") return [];
    const found = this.ctx.lookup(t.task, this.sourceOf(t));
    if (!found) return [];
    const out: Fallback[] = [];
    const step = found.recipe.downgrades.find((s) => s.step === "faster-preset");
    if (step && step.step === "faster-preset" && step.preset !== t.task.preset) out.push({ label: `preset ${step.preset}`, task: { ...t.task, preset: step.preset } });
    const other = found.recipe.fallback;
    if (other) out.push({ label: `encoder ${other.encoder} preset ${other.preset}`, task: { ...t.task, preset: other.preset }, encoder: other });
    return out;
  }

  /** A join names no recipe of its own: it is its chunks' (the encodes it waits for). */
  private withRecipe(t: SimTask): Task {
    if (t.task.kind !== "join" || t.task.recipe !== null) return t.task;
    const chunk = t.after.map((i) => this.ctx.state.tasks[i]!).find((x) => x.task.kind === "encode" && x.task.recipe !== null);
    return chunk ? { ...t.task, recipe: chunk.task.recipe } : t.task;
  }

  /** A task an earlier run finished counts as done only if its output is still there, byte for byte. */
  private async resumed(t: SimTask, path: string): Promise<OutputRecord | null> {
    const entry = this.ctx.finished.get(t.key);
    const rec = entry?.outputs.find((o) => o.path === relative(this.opts.layout.work, path));
    if (!rec) return null;
    if (await sameFile(path, rec)) return rec;
    // A mezzanine or chunk is removed once its title is published; while the published title is
    // whole, nothing needs it again.
    return removedAfterPublish(path, this.opts.keepWork === true) && (await this.publishedWhole(this.sourceOf(t))) ? rec : null;
  }

  private readonly whole = new Map<string, Promise<boolean>>();

  private publishedWhole(title: string): Promise<boolean> {
    if (!this.whole.has(title)) this.whole.set(title, publishedWhole(this.opts.layout, title));
    return this.whole.get(title)!;
  }

  private async tryOnce(t: SimTask, record: TaskRecord, out: ExpectedOutput, task: Task, signal: AbortSignal, encoder?: FallbackEncoder): Promise<Attempt> {
    record.tries++;
    const argv = this.ctx.commands(task, this.sourceOf(t), encoder);
    if (!argv) return { ok: false, reason: `no command for ${t.task.id}` };
    const at = { task: t, try: record.tries };
    const tmp = this.exec.tryPath(out.path, at);
    await mkdir(dirname(out.path), { recursive: true });
    await rm(tmp, { force: true });
    this.journal({ type: "start", t: this.ctx.now(), task: t.task.id, key: t.key, slots: t.task.slots, ...(task.preset ? { preset: task.preset } : {}), try: record.tries });
    const duration = out.expect.durationSeconds;
    const work = this.opts.layout.work;
    const result = await this.exec.run(
      {
        ...at,
        args: withOutput(argv, tmp),
        output: tmp,
        expect: out.expect,
        stallTimeoutMs: this.opts.stallTimeoutMs,
        onProgress: (progress) => this.ctx.report({ type: "task:progress", task: t.task.id, progress, duration }),
        onSpawn: (pid) => this.journal({ type: "spawn", t: this.ctx.now(), task: t.task.id, key: t.key, pid }),
        onHandover: (h) => this.journal({ type: "handover", t: this.ctx.now(), task: t.task.id, key: t.key, try: at.try, ...h, output: relative(work, tmp) }),
      },
      signal,
    );
    if (!result.ok || result.sha256 === undefined) {
      await rm(tmp, { force: true });
      if (result.ok) return { ok: false, reason: `no check of ${t.task.id}'s output came back` };
      return result;
    }
    return this.accept(record, out, argv, tmp, result);
  }

  /** A checked try's output renamed into place: the task's output from now on. */
  private async accept(record: TaskRecord, out: ExpectedOutput, argv: string[], tmp: string, result: Extract<TryResult, { ok: true }>): Promise<Attempt> {
    await rename(tmp, out.path);
    record.argv = argv;
    if (result.worker) record.worker = result.worker;
    if (result.ran) record.ran = result.ran;
    const output: OutputRecord = { path: relative(this.opts.layout.work, out.path), bytes: result.bytes!, sha256: result.sha256!, frames: result.frames!, duration: result.duration! };
    return { ok: true, outputs: [output], seconds: result.wallMs / 1000, ...(result.cpuMs === undefined ? {} : { cpuSeconds: result.cpuMs / 1000 }) };
  }

  /**
   * The try an earlier coordinator handed to a worker, if the farm still has its result (or is
   * still running it) for this very command, and its output is there as the worker checked it:
   * a coordinator killed and restarted does not redo what the farm finished meanwhile.
   */
  private async adopted(t: SimTask, record: TaskRecord, out: ExpectedOutput, signal: AbortSignal): Promise<Attempt | null> {
    const h = this.ctx.handovers?.get(t.key);
    const argv = h && this.exec.adopt ? this.ctx.commands(t.task, this.sourceOf(t)) : null;
    if (!h || !argv || !this.exec.adopt) return null;
    const tmp = join(this.opts.layout.work, h.output);
    const x = { task: t, try: h.try, args: withOutput(argv, tmp), output: tmp, expect: out.expect, stallTimeoutMs: this.opts.stallTimeoutMs };
    const result = await this.exec.adopt(h, x, signal);
    if (result && !result.ok && result.interrupted) return result;
    if (!result?.ok || result.sha256 === undefined || !(await sameFile(tmp, { path: h.output, bytes: result.bytes ?? -1, sha256: result.sha256 }))) return null;
    record.tries++;
    this.ctx.report({ type: "task:adopted", task: t.task.id, worker: result.worker ?? h.worker });
    return this.accept(record, out, argv, tmp, result);
  }
}

/** The argv with its output (the last argument) replaced: a `file:` URL stays one (its name holds a colon). */
function withOutput(argv: readonly string[], path: string): string[] {
  return [...argv.slice(0, -1), argv[argv.length - 1]!.startsWith("file:") ? `file:${path}` : path];
}

/** The file is there with the recorded size and sha256. */
async function sameFile(path: string, rec: OutputRecord): Promise<boolean> {
  try {
    if ((await stat(path)).size !== rec.bytes) return false;
    return (await sha256File(path, path)) === rec.sha256;
  } catch {
    return false;
  }
}
