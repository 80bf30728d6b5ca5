// `vps run workload.yaml`: the plan executed for real on this machine. The same scheduler as
// `vps plan` decides what starts, how wide and which downgrades to take, under the wall clock
// (src/run/driver.ts); ffmpeg does the work (src/run/local.ts). Read → check → run → report.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Farm } from "../farm/coordinator";
import type { WorkerRecord } from "../farm/protocol";
import { parseRedisUrl } from "../farm/redis";
import { type Command, InvalidArgumentError } from "commander";
import { encodeLookup, taskCommands } from "../encode/commands";
import { loadRecipeDir } from "../load/recipes";
import { loadMeasuredWorkload } from "../load/sources";
import type { Capacity, Plan, RecipeBook, Workload } from "../model";
import { poolsUsed } from "../pipeline/count";
import { assemblePlan, createScheduler, type PlanOptions } from "../plan/build";
import { createWallClock, drive } from "../run/driver";
import { jsonOutput, logOutput, type RunOutput } from "../run/events";
import { liveOutput } from "../run/live";
import { type Follower, followEvents } from "../run/follow";
import { type Handover, Journal, openHandovers, readFinished, unfinishedSpawns } from "../run/journal";
import { type RunLayout, runLayout } from "../run/layout";
import { LocalRunner } from "../run/local";
import { checkSpace, checkTools, removePartials, stopOrphans, takeLock } from "../run/preflight";
import { historyCsv, withRunRecords } from "../run/report";
import type { PartialMode } from "../sched/failure";
import type { PolicyName } from "../sched/policy";
import type { Scheduler } from "../sched/scheduler";
import { InputError, RunFailed, RunInterrupted } from "../util/errors";
import { parsePolicy, parsePositive } from "./options";
import { stableJson, writeFileAtomic } from "./output";
import { recipesDir } from "./paths";
import { cacheDirOf, costModelOf, addCacheOptions, withEventsFile } from "./plan";

export interface RunFlags {
  outDir: string;
  slots?: Record<string, number>;
  policy: PolicyName;
  events?: string;
  followEvents?: string;
  recipes?: string;
  costModel?: string;
  cache?: string | false;
  ffmpeg?: string;
  maxTries: number;
  stallTimeout: number;
  retryDelay: number;
  partial: PartialMode;
  keepWork?: boolean;
  json?: boolean;
  /** A farm: the Redis its workers read from, the storage they all see, how long to wait for them. */
  queue?: string;
  sharedDir?: string;
  waitWorkers: number;
}

/** `--slots cpu=2,gpu=0`: slots per pool name. */
export function parseSlots(value: string): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const part of value.split(",")) {
    const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(\d{1,5})\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(`expected pool=count[,pool=count…] (e.g. cpu=2,gpu=0), found ${JSON.stringify(part)}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** The workload's pools on this machine: `cpu` gets the cores, other pools what --slots gives them (else none). */
export function localCapacity(capacity: Capacity, slots: Record<string, number> = {}): Capacity {
  for (const name of Object.keys(slots)) {
    if (!capacity.pools.some((p) => p.id === name)) throw new InputError(`--slots names pool ${name}; the workload's pools are ${capacity.pools.map((p) => p.id).join(", ")}`);
  }
  const pools = capacity.pools.map((p) => ({ ...p, slots: slots[p.id] ?? (p.id === "cpu" ? availableParallelism() : 0) }));
  return { ...capacity, pools };
}

/** Only titles with a source file can run; a pool with no slots here must have no work. */
function runnable(workload: Workload, capacity: Capacity): Workload {
  const titles = workload.titles.filter((t) => t.content.source !== null);
  if (titles.length === 0) throw new InputError("no title of the workload has a source file (content.source): there is nothing vps run can encode");
  return { ...workload, titles, capacity: { ...capacity, pools: capacity.pools.filter((p) => p.slots > 0) } };
}

function checkPools(sched: Scheduler, capacity: Capacity, onFarm: boolean): void {
  const empty = capacity.pools.filter((p) => p.slots === 0).map((p) => p.id);
  const stranded = sched.state.tasks.find((t) => empty.includes(t.task.pool));
  if (!stranded) return;
  const pool = stranded.task.pool;
  if (onFarm) throw new InputError(`task ${stranded.task.id} runs on pool ${pool}, and no live worker serves it: start one with vps worker --pool ${pool} --slots N`);
  throw new InputError(`task ${stranded.task.id} runs on pool ${pool}, which has no slots on this machine: give it some with --slots ${pool}=N`);
}

/** The workload's pools on a farm: each has the live workers' slots (fixed while they live). */
function farmCapacity(capacity: Capacity, workers: readonly WorkerRecord[]): Capacity {
  const pools = capacity.pools.map((p) => ({ ...p, memoryGiB: null, slots: workers.reduce((s, w) => s + (w.pools[p.id] ?? 0), 0) }));
  return { ...capacity, pools };
}

/** Inside `dir` (or `dir` itself), by path: what every worker sees under its own --shared-dir. */
const inside = (dir: string, path: string) => {
  const r = relative(dir, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
};

/** Connects to the farm and waits (up to --wait-workers) for a worker of every pool the workload's tasks run on. */
async function openFarm(flags: RunFlags, workload: Workload, book: RecipeBook, out: string): Promise<{ farm: Farm; workers: WorkerRecord[] }> {
  if (!flags.sharedDir) throw new InputError("--queue needs --shared-dir: the directory every worker sees, holding the sources and --out-dir");
  const shared = resolve(flags.sharedDir);
  if (!existsSync(shared)) throw new InputError(`--shared-dir ${flags.sharedDir} does not exist`);
  if (!inside(shared, out)) throw new InputError(`--out-dir ${flags.outDir} is outside --shared-dir ${flags.sharedDir}: the workers write there`);
  const outside = workload.titles.find((t) => t.content.source !== null && !inside(shared, resolve(t.content.source)));
  if (outside) throw new InputError(`the source of ${outside.id} (${outside.content.source}) is outside --shared-dir ${flags.sharedDir}: the workers cannot see it`);
  const target = parseRedisUrl(flags.queue!);
  const farm = new Farm(target, shared, (line) => process.stderr.write(`vps: ${line}\n`));
  await farm.open();
  // Only the pools some task runs on: a declared gpu pool the workload never uses waits for no one.
  const pools = poolsUsed(workload, book);
  process.stderr.write(`vps: waiting up to ${flags.waitWorkers} s for workers of ${pools.join(", ")} on ${target.shown}\n`);
  const workers = await farm.waitForWorkers(pools, flags.waitWorkers * 1000);
  if (workers.length === 0) {
    await farm.close();
    throw new InputError(`no worker is live on ${target.shown} after ${flags.waitWorkers} s: start one with vps worker --queue ${flags.queue} --shared-dir DIR`);
  }
  return { farm, workers };
}

/** The plan's intermediate files, bytes: what the disk must hold while titles are in flight. */
const scratchBytes = (sched: Scheduler) => sched.state.tasks.reduce((s, t) => s + t.task.scratchGiB, 0) * 2 ** 30;

function failures(plan: Plan): string[] {
  const lines: string[] = [];
  for (const t of plan.titles) {
    if (t.failed) lines.push(`  ${t.id}: held (not published): ${t.failed.task} failed: ${t.failed.reason}`);
    for (const f of t.failedRenditions ?? []) lines.push(`  ${t.id}: published without ${f.deliverable}/${f.rendition}: ${f.task} failed: ${f.reason}`);
  }
  return lines;
}

function summary(plan: Plan, outDir: string): string {
  const published = plan.titles.filter((t) => !t.failed).length;
  const late = plan.titles.filter((t) => t.onTime === false).length;
  const downgraded = plan.titles.filter((t) => t.downgrades.length > 0).length;
  return `vps run: ${published}/${plan.titles.length} titles published under ${outDir}/published, ${late} late, ${downgraded} downgraded; report ${outDir}/run.json\n`;
}

export async function runRun(file: string, flags: RunFlags): Promise<void> {
  const ffmpeg = flags.ffmpeg ?? "ffmpeg";
  checkTools(ffmpeg);
  const costModel = costModelOf(flags.costModel);
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const measured = await loadMeasuredWorkload(file, book, { cacheDir: cacheDirOf(flags) });
  const loaded = withEventsFile(measured.workload, flags.events);
  const layout = runLayout(flags.outDir);
  const farm = flags.queue ? await openFarm(flags, loaded, book, layout.out) : null;
  try {
    await runWith(flags, { ffmpeg, costModel, book, measured, loaded, layout, farm });
  } finally {
    await farm?.farm.close();
  }
}

interface Loaded {
  ffmpeg: string;
  costModel: ReturnType<typeof costModelOf>;
  book: ReturnType<typeof loadRecipeDir>;
  measured: Awaited<ReturnType<typeof loadMeasuredWorkload>>;
  loaded: Workload;
  layout: RunLayout;
  farm: { farm: Farm; workers: WorkerRecord[] } | null;
}

async function runWith(flags: RunFlags, l: Loaded): Promise<void> {
  const { ffmpeg, costModel, book, measured, loaded, layout, farm } = l;
  const capacity = farm ? farmCapacity(loaded.capacity, farm.workers) : localCapacity(loaded.capacity, flags.slots);
  const workload = runnable(loaded, capacity);
  const commands = taskCommands(book, measured.sources, layout.work, workload.titles);
  const lookup = encodeLookup(book, workload.titles);
  let output: RunOutput | null = null;
  const clock = createWallClock();
  // The run's epoch: its times (and the report's) are seconds after it; the workload's offsets (arrivals, deadlines, events) count from it.
  // By the same reading of the clock as a worker's times (src/farm/worker.ts), so run.json's `ran` lines up.
  const startedAt = Math.round(performance.timeOrigin + performance.now());
  const options: PlanOptions = { policy: flags.policy, seed: null, trace: (e) => output?.trace(e), costModel, commands, warnings: measured.warnings };
  const sched = createScheduler(workload, book, options);
  checkPools(sched, capacity, farm !== null);
  const release = takeLock(layout);
  try {
    checkSpace(layout, scratchBytes(sched));
  } catch (e) {
    release();
    throw e;
  }
  const journal = new Journal(layout.journal);
  try {
    const orphans = stopOrphans(unfinishedSpawns(layout.journal), layout.work);
    if (orphans > 0) process.stderr.write(`vps: stopped ${orphans} ffmpeg process(es) that a killed run left behind\n`);
    // A farm's tries that an earlier coordinator never saw end may still finish: their outputs stay, to be adopted.
    const handovers = farm ? openHandovers(layout.journal) : new Map<string, Handover>();
    removePartials(layout.work, new Set([...handovers.values()].map((h) => join(layout.work, h.output))));
    const finished = readFinished(layout.journal);
    journal.append({ type: "run", at: new Date().toISOString(), pid: process.pid, resumed: finished.size });
    const live = !flags.json && process.stderr.isTTY ? liveOutput(process.stderr, sched, () => clock.now()) : null;
    output = live ?? (flags.json ? jsonOutput((l) => process.stdout.write(l), () => clock.now()) : logOutput((l) => process.stderr.write(l), () => clock.now()));
    const out: RunOutput = output;
    const runner = new LocalRunner(
      { state: sched.state, commands, lookup, recipes: book.recipes, sources: measured.sources, analyses: measured.analyses, journal, finished, handovers, now: () => clock.now(), wallTime: () => new Date().toISOString(), report: (e) => out.event(e) },
      { layout, ffmpeg, maxTries: flags.maxTries, stallTimeoutMs: flags.stallTimeout * 1000, backoffMs: flags.retryDelay * 1000, keepWork: flags.keepWork === true },
      farm?.farm.exec(),
    );
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let follower: Follower | null = null;
    let wakeFarm = () => {};
    if (farm) await farm.farm.attach(sched, farm.workers, () => wakeFarm());
    const wakeWith = (wake: () => void) => {
      wakeFarm = wake;
      if (!flags.followEvents) return;
      // Report times are offsets from the run's start, as for --events.
      follower = followEvents(flags.followEvents, startedAt, (e) => (sched.report(e), wake()), (w) => process.stderr.write(`vps: warning: ${w}\n`));
    };
    const result = await drive(sched, runner, clock, { partial: flags.partial, signal: stop.signal, onStart: (t) => out.start(t), onEnd: (t, o) => out.end(t, o), wakeWith, ...(farm ? { topology: (s: Scheduler) => farm.farm.topology(s) } : {}) }).finally(() => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      (follower as Follower | null)?.stop();
      live?.stop();
    });
    journal.append({ type: "stop", t: clock.now(), why: result.interrupted ? "interrupted" : "finished" });
    if (result.interrupted) throw new RunInterrupted(`stopped before the end; the journal (${layout.journal}) says where: run the same command again to resume`);
    const plan = withRunRecords(assemblePlan({ ...workload, epoch: new Date(startedAt).toISOString() }, sched.state, options), runner.records);
    writeFileAtomic(layout.report, stableJson(plan));
    writeFileAtomic(layout.history, historyCsv(sched.state, runner.records, measured.sources, lookup));
    process.stderr.write(summary(plan, flags.outDir));
    const failed = failures(plan);
    if (failed.length > 0) throw new RunFailed(`${failed.length} failure(s): see ${layout.report}`, failed);
  } finally {
    journal.close();
    release();
  }
}

const parseCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`expected a whole number from 1 to 100, found ${JSON.stringify(value)}`);
  return n;
};

const parsePartial = (value: string): PartialMode => {
  if (value !== "hold" && value !== "publish") throw new InvalidArgumentError(`expected hold or publish, found ${JSON.stringify(value)}`);
  return value;
};

export function registerRun(program: Command): void {
  const cmd = program
    .command("run")
    .description("execute the plan for real: the same scheduler drives ffmpeg on this machine's slots, checks every output and publishes each title whole")
    .argument("<workload>", "workload YAML file (titles with content.source run; others are left out)")
    .option("--out-dir <dir>", "where work, published titles, the journal and the report go", "out")
    .option("--slots <pool=n,…>", "slots per pool on this machine (default: cpu = the number of cores, other pools none)", parseSlots)
    .option("--policy <name>", "ordering policy: value or fifo", parsePolicy, "value" as PolicyName)
    .option("--events <file>", "analytics events (NDJSON), applied at their offsets from the run's start")
    .option("--follow-events <file>", "tail an NDJSON file another process appends analytics reports to, applying each as it arrives")
    .option("--recipes <dir>", "recipe library directory (default: the shipped recipes/)")
    .option("--cost-model <file>", "predict task costs with a model fitted by `vps calibrate` (e.g. from a run's history.csv)")
    .option("--ffmpeg <path>", "the ffmpeg to run (default: ffmpeg on PATH)")
    .option("--max-tries <n>", "tries per task before its fallback, then failure", parseCount, 3)
    .option("--stall-timeout <seconds>", "stop and retry a task that reports no progress for this long", parsePositive, 120)
    .option("--retry-delay <seconds>", "wait before the second try; doubled for each one after", parsePositive, 1)
    .option("--partial <mode>", "when a rendition fails for good: hold the title, or publish it without that rendition", parsePartial, "hold" as PartialMode)
    .option("--keep-work", "keep each published title's renditions and audio under out/.work (removed once it is published, by default)")
    .option("--json", "stream NDJSON events on stdout (task:start, task:progress, task:end, …) instead of log lines on stderr")
    .option("--queue <url>", "run on a farm: hand each task to a `vps worker` through BullMQ on this Redis (redis://[:password@]host:port, rediss:// for TLS)")
    .option("--shared-dir <dir>", "with --queue: the directory every worker sees (sources and --out-dir must be inside it)")
    .option("--wait-workers <seconds>", "with --queue: how long to wait for the first workers", parsePositive, 30);
  addCacheOptions(cmd).action((file: string, flags: RunFlags) => runRun(file, flags));
}
