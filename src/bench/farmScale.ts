// Part B of `vps bench farm`: how many tasks a second the coordinator and the queue move when the
// tasks themselves take no time, against BullMQ alone moving as many jobs — the engine's own
// ceiling, measured in the same run on the same Redis with the same processes and concurrency.
//
// Through the coordinator: the real path of `vps run --queue` from the scheduler on. A workload of
// titles that all arrive at once is expanded by vps's own pipeline (analyse, encodes, package,
// publish: ~10,000 tasks); the scheduler decides under the wall clock (src/run/driver.ts), each
// task it starts goes through Farm's exec (src/farm/coordinator.ts) onto the queue of the worker
// it was placed on, a `vps worker` process checks the job exactly as it checks any (schema, argv
// grammar, every path on its disk) and, started with the hidden `--bench-noop`, runs nothing and
// reports it done; the result comes back through QueueEvents, frees the slot and wakes the driver.
// Only the task's own work is missing: no ffmpeg, no output. A real worker has no no-op path, and a
// no-op worker runs no command at all, so the worker's checks are not weakened for the bench.
//
// BullMQ alone: the same number of jobs with the same payloads, added in bulk to one queue that as
// many plain BullMQ Worker processes (same concurrency each, a processor that returns at once)
// drain, counted as the producer sees them complete through QueueEvents.
import { join } from "node:path";
import { type ConnectionOptions, type Job, Queue, QueueEvents, Worker } from "bullmq";
import { whitelisted } from "../encode/formats";
import { Farm } from "../farm/coordinator";
import { type FfmpegJob, PREFIX, PROTOCOL } from "../farm/protocol";
import { parseRedisUrl } from "../farm/redis";
import { relativeArgv } from "../farm/validate";
import { mkdirSync, writeFileSync } from "node:fs";
import type { RecipeBook, Workload } from "../model";
import { createScheduler } from "../plan/build";
import type { Exec } from "../run/exec";
import { createWallClock, drive, type TaskOutcome, type TaskRunner } from "../run/driver";
import type { Scheduler } from "../sched/scheduler";
import type { SimTask } from "../sched/state";
import { ExternalError } from "../util/errors";
import { round } from "./batch";
import { type Child, startAll, startChild, stopAll } from "./procs";

export interface ScaleOptions {
  vps: readonly string[];
  redisUrl: string;
  /** The shared directory of the no-op workers (the one input file every job names). */
  dir: string;
  workers: number;
  /** Slots of each worker (its BullMQ concurrency), alike on both sides. */
  slots: number;
  /** Titles that arrive at once; the pipeline expands them into the tasks. */
  workload: Workload;
  book: RecipeBook;
}

export interface Throughput {
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
}

/** The one input every no-op job reads (never opened: the worker only checks that it is there). */
const INPUT = "noop/in.mp4";

/** A remux argv as vps writes them: it passes the worker's checks like any job of vps's. */
const noopArgs = (dir: string, output: string) => ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...whitelisted(join(dir, INPUT)), "-c", "copy", "-f", "mp4", output];

const throughput = (tasks: number, seconds: number): Throughput => ({ tasks, seconds: round(seconds), tasksPerSecond: Math.round(tasks / seconds) });

/** Each started task as one job on its worker, through Farm's exec; the first failure is kept. */
class NoopRunner implements TaskRunner {
  done = 0;
  failure: string | null = null;
  constructor(
    private readonly exec: Exec,
    private readonly dir: string,
  ) {}

  async run(t: SimTask, signal: AbortSignal): Promise<TaskOutcome> {
    const output = this.exec.tryPath(join(this.dir, "noop", `${t.idx}.mp4`), { task: t, try: 1 });
    const r = await this.exec.run({ task: t, try: 1, args: noopArgs(this.dir, output), output, expect: null, stallTimeoutMs: 60_000 }, signal);
    if (r.ok) {
      this.done++;
      return { ok: true, seconds: Math.max(0.001, r.wallMs / 1000) };
    }
    this.failure ??= `${t.task.id}: ${r.reason}`;
    return { ok: false, reason: r.reason, ...(r.lost ? { lost: true } : {}) };
  }
}

async function noopWorkers(opts: ScaleOptions): Promise<Child[]> {
  const args = (i: number) => ["worker", "--bench-noop", "--queue", opts.redisUrl, "--shared-dir", opts.dir, "--pool", "cpu", "--slots", String(opts.slots), "--name", `noop-w${i + 1}`];
  return startAll(Array.from({ length: opts.workers }, (_, i) => () => startChild(opts.vps, args(i), " ready: ")));
}

/** The scheduler over the workload on the workers' slots; the driver starts work on the farm. */
async function driveFarm(opts: ScaleOptions, farm: Farm, sched: Scheduler, runner: NoopRunner): Promise<number> {
  const workers = await farm.waitForWorkers(["cpu"], 30_000);
  if (workers.length < opts.workers) throw new ExternalError(`only ${workers.length} of ${opts.workers} no-op workers registered in Redis`);
  let wakeFarm = () => {};
  await farm.attach(sched, workers, () => wakeFarm());
  const t0 = performance.now();
  await drive(sched, runner, createWallClock(), { partial: "hold", wakeWith: (wake) => (wakeFarm = wake), topology: (s) => farm.topology(s) });
  return (performance.now() - t0) / 1000;
}

export async function throughCoordinator(opts: ScaleOptions): Promise<Throughput> {
  mkdirSync(join(opts.dir, "noop"), { recursive: true });
  writeFileSync(join(opts.dir, INPUT), "");
  const workload = { ...opts.workload, capacity: { pools: [{ id: "cpu", slots: opts.workers * opts.slots, memoryGiB: null }], scratchGiB: null } };
  const sched = createScheduler(workload, opts.book, { policy: "value", seed: null, trace: null });
  const children = await noopWorkers(opts);
  const farm = new Farm(parseRedisUrl(opts.redisUrl), opts.dir, () => {});
  try {
    await farm.open();
    const runner = new NoopRunner(farm.exec(), opts.dir);
    const seconds = await driveFarm(opts, farm, sched, runner);
    if (runner.failure !== null || runner.done !== sched.state.tasks.length) throw new ExternalError(`the no-op run moved ${runner.done} of ${sched.state.tasks.length} tasks: ${runner.failure ?? "some never started"}`);
    return throughput(runner.done, seconds);
  } finally {
    await farm.close();
    await stopAll(children);
  }
}

/** The same jobs' payloads as the coordinator sends them (its shape and size), for BullMQ alone. */
export function sameJobs(opts: ScaleOptions, tasks: number): FfmpegJob[] {
  return Array.from({ length: tasks }, (_, i) => {
    const output = `noop/.${i}.mp4.bench-${i}-1.partial`;
    const args = relativeArgv(noopArgs(opts.dir, join(opts.dir, output)), opts.dir)!;
    return { v: PROTOCOL, run: "bench", task: `t${i}/encode/h264-sdr/720p`, key: `k${i}`, try: 1, slots: 1, args, output, expect: null, stallTimeoutMs: 60_000 };
  });
}

const ALONE = "bench-alone";

/** `vps bench farm-bullmq-worker` (internal): a plain BullMQ Worker whose processor returns at once, until SIGTERM. */
export async function bullmqWorker(url: string, concurrency: number, signal: AbortSignal): Promise<void> {
  const worker = new Worker(ALONE, async (_job: Job) => ({ ok: true }), { connection: parseRedisUrl(url).options as ConnectionOptions, prefix: PREFIX, concurrency });
  worker.on("error", () => {});
  await worker.waitUntilReady();
  process.stderr.write("bullmq worker ready: \n");
  await new Promise<void>((done) => (signal.aborted ? done() : signal.addEventListener("abort", () => done(), { once: true })));
  await worker.close();
}

export async function bullmqAlone(opts: ScaleOptions, jobs: readonly FfmpegJob[]): Promise<Throughput> {
  const connection = parseRedisUrl(opts.redisUrl).options as ConnectionOptions;
  const args = ["bench", "farm-bullmq-worker", "--queue", opts.redisUrl, "--noop-slots", String(opts.slots)];
  const children = await startAll(Array.from({ length: opts.workers }, () => () => startChild(opts.vps, args, " ready: ")));
  const queue = new Queue(ALONE, { connection, prefix: PREFIX });
  const events = new QueueEvents(ALONE, { connection, prefix: PREFIX });
  queue.on("error", () => {});
  events.on("error", () => {});
  try {
    await events.waitUntilReady();
    let completed = 0;
    const all = new Promise<void>((resolve) => events.on("completed", () => ++completed === jobs.length && resolve()));
    const t0 = performance.now();
    for (let i = 0; i < jobs.length; i += 500) {
      await queue.addBulk(jobs.slice(i, i + 500).map((data, k) => ({ name: "cpu", data, opts: { jobId: `alone-${i + k}`, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } } })));
    }
    await all;
    return throughput(jobs.length, (performance.now() - t0) / 1000);
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    await stopAll(children);
  }
}
