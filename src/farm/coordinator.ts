// The coordinator's side of a farm (`vps run --queue`): which workers are live, and each try the
// scheduler starts handed to the worker it was placed on.
//
// One BullMQ queue per worker instance, not one per pool. The scheduler decides where a task runs
// and how wide (a task's width must fit in one worker's free slots, src/sched/nodes.ts); BullMQ's
// open-source queues have no weighted concurrency and no way to aim a job at one consumer of a
// shared queue, so a shared queue would let a 1-slot worker take an 8-wide encode. With a queue
// per worker, a job is handed over only when its slots are free there: the queue stays as
// shallow as the free slots (no lookahead), so priority stays the scheduler's, and a value change
// re-orders work at the very next decision — nothing waits in BullMQ to be re-prioritised.
//
// The DAG is the coordinator's too: a task is handed over only once the tasks it needs are done
// (the scheduler releases it), rather than as BullMQ flows. A flow would have to be built up front
// with the widths and nodes still undecided, and a downgrade rewrites the DAG while it runs.
//
// Liveness: a worker's record in Redis expires three heartbeats after its last (SIGKILL, a lost
// machine). The coordinator then takes its slots away and the scheduler starts its running tasks
// again on the workers left; what the lost try wrote is never accepted (each try writes its own
// temporary name and only the accepted one is renamed into place).
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { relative } from "node:path";
import { type ConnectionOptions, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { Exec, FfmpegTry, HandedOver, TryResult } from "../run/exec";
import { partialPath } from "../run/layout";
import type { JobProgress } from "../run/process";
import type { Scheduler } from "../sched/scheduler";
import type { SimTask } from "../sched/state";
import { COORDINATOR_KEY, type CoordinatorRecord, type FfmpegJob, type FfmpegResult, PREFIX, PROTOCOL, type WorkerRecord, WORKER_KEYS, cancelKey, workerQueue } from "./protocol";
import { connect, ready, type RedisTarget } from "./redis";
import { relativeArgv } from "./validate";

interface Pending {
  instance: string;
  resolve(r: TryResult): void;
  onProgress?(p: JobProgress): void;
}

interface Change {
  type: "join" | "lose";
  record: WorkerRecord;
}

/** Reads the live workers' records (the keys expire when a worker stops refreshing them). */
export async function liveWorkers(redis: Redis): Promise<WorkerRecord[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", WORKER_KEYS, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys.sort());
  return values.flatMap((v) => {
    try {
      const r = v === null ? null : (JSON.parse(v) as WorkerRecord);
      return r && r.v === PROTOCOL && typeof r.instance === "string" ? [r] : [];
    } catch {
      return [];
    }
  });
}

export class Farm {
  readonly runId = randomBytes(4).toString("hex");
  private readonly redis: Redis;
  private readonly known = new Map<string, WorkerRecord>();
  private readonly queues = new Map<string, { queue: Queue; events: QueueEvents }>();
  private readonly pending = new Map<string, Pending>();
  private readonly changes: Change[] = [];
  private sched: Scheduler | null = null;
  private wake: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Per task (by index): the workers its tries failed on in this run. */
  private readonly failedOn = new Map<number, Set<string>>();

  constructor(
    private readonly target: RedisTarget,
    private readonly sharedDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.redis = connect(target, `vps-coordinator-${this.runId}`);
    this.redis.on("error", () => {});
  }

  async open(): Promise<void> {
    await ready(this.redis, this.target);
    await this.redis.set(this.marker, "1");
  }

  /** Set at the start, never expiring: gone means Redis restarted without its data (no persistence). */
  private get marker(): string {
    return `${PREFIX}:farm:run:${this.runId}`;
  }

  /**
   * Waits until every pool in `pools` has a live worker, or `ms` passed; returns the workers then.
   * The caller passes the pools the workload's tasks run on (a declared pool nothing uses waits for
   * no one); a needed pool still without a worker is reported by checkPools.
   */
  async waitForWorkers(pools: readonly string[], ms: number): Promise<WorkerRecord[]> {
    const until = performance.now() + ms;
    for (;;) {
      const live = await liveWorkers(this.redis);
      const missing = pools.filter((p) => !live.some((w) => (w.pools[p] ?? 0) > 0));
      if (missing.length === 0 || performance.now() >= until) return live;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The scheduler starts with these workers' slots; from here on, joins and losses reach it through `topology`. */
  async attach(sched: Scheduler, workers: readonly WorkerRecord[], wake: () => void): Promise<void> {
    this.sched = sched;
    this.wake = wake;
    for (const pool of sched.state.pools) {
      sched.setNodes(pool.id, workers.filter((w) => (w.pools[pool.id] ?? 0) > 0).map((w) => ({ id: w.instance, slots: w.pools[pool.id]! })));
    }
    for (const w of workers) {
      this.known.set(w.instance, w);
      await this.openQueue(w.instance);
    }
    // The record is there before the first job is sent: `vps farm status` asked as soon as a task
    // started found no coordinator when the first write waited for the first poll (500 ms).
    await this.redis.set(COORDINATOR_KEY, JSON.stringify(this.record()), "PX", 5000);
    this.timer = setInterval(() => void this.poll().catch(() => {}), 500);
  }

  private async openQueue(instance: string): Promise<void> {
    if (this.queues.has(instance)) return;
    const connection = this.target.options as ConnectionOptions;
    const name = workerQueue(instance);
    const queue = new Queue(name, { connection, prefix: PREFIX });
    const events = new QueueEvents(name, { connection, prefix: PREFIX });
    queue.on("error", () => {});
    events.on("error", () => {});
    events.on("completed", ({ jobId, returnvalue }) => this.settle(jobId, parseResult(returnvalue)));
    events.on("failed", ({ jobId, failedReason }) => this.settle(jobId, { ok: false, reason: `the job failed on the worker: ${failedReason}`, worker: instance }));
    events.on("progress", ({ jobId, data }) => this.pending.get(jobId)?.onProgress?.(data as JobProgress));
    this.queues.set(instance, { queue, events });
    // Events of a job come only to a listener that was there before it: ready before any job is sent.
    await events.waitUntilReady();
  }

  private settle(jobId: string, r: FfmpegResult): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    // A worker that stopped mid-try (its own Ctrl-C) was not the command's fault: start it again elsewhere.
    if (!r.ok && r.reason === "interrupted") p.resolve({ ok: false, reason: `worker ${r.worker} stopped while running it`, lost: true, worker: r.worker });
    else p.resolve(r);
  }

  /** Compares the live records with those known: joins and losses, applied at the driver's next instant. */
  private async poll(): Promise<void> {
    if ((await this.redis.exists(this.marker)) === 0) await this.redisRestarted();
    await this.redis.set(COORDINATOR_KEY, JSON.stringify(this.record()), "PX", 5000);
    const live = await liveWorkers(this.redis);
    const ids = new Set(live.map((w) => w.instance));
    for (const w of live) {
      if (this.known.has(w.instance)) continue;
      this.known.set(w.instance, w);
      await this.openQueue(w.instance);
      this.changes.push({ type: "join", record: w });
    }
    for (const [id, w] of this.known) {
      if (ids.has(id)) continue;
      this.known.delete(id);
      this.changes.push({ type: "lose", record: w });
    }
    if (this.changes.length > 0) this.wake();
  }

  /**
   * Redis came back empty: every try handed over is gone from it (no result will ever come), and
   * the event streams the listeners read started again from nothing. The tries go back to the
   * scheduler as lost (each starts again at the next decision), the workers are told to stop the
   * ones still running, and every listener is opened afresh.
   */
  private async redisRestarted(): Promise<void> {
    this.log(`Redis lost its data (restarted?): ${this.pending.size} tr${this.pending.size === 1 ? "y" : "ies"} in flight start again`);
    await this.redis.set(this.marker, "1");
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      await this.redis.set(cancelKey(id), "1", "EX", 3600).catch(() => {});
      p.resolve({ ok: false, reason: "Redis restarted and lost it", lost: true });
    }
    for (const instance of [...this.queues.keys()]) {
      await this.closeQueue(instance);
      await this.openQueue(instance);
    }
    this.wake();
  }

  /** What `vps farm status` shows of the run: titles in flight and the tries handed over. */
  private record(): CoordinatorRecord {
    const s = this.sched!.state;
    const titles = s.titles.filter((t) => t.arrived && t.finish === null).map((t) => ({ id: t.id, tier: t.tier, deadline: t.deadline, tasksLeft: t.remainingTasks }));
    return { v: PROTOCOL, run: this.runId, pid: process.pid, host: hostname(), now: s.now, titles, tasksDone: s.tasksDone, tasks: s.tasks.length, inFlight: this.pending.size };
  }

  /** The driver's hook (src/run/driver.ts): workers joined and lost since the last instant. */
  topology(sched: Scheduler): SimTask[] {
    const lost: SimTask[] = [];
    for (const c of this.changes.splice(0)) {
      const pools = Object.entries(c.record.pools).filter(([p, n]) => n > 0 && sched.state.poolIndex.has(p));
      if (c.type === "join") {
        for (const [p, n] of pools) sched.addNode(p, c.record.instance, n);
        this.log(`worker ${c.record.name} joined: ${pools.map(([p, n]) => `${p}=${n}`).join(", ")}`);
        continue;
      }
      const its = pools.flatMap(([p]) => sched.loseNode(p, c.record.instance));
      lost.push(...its);
      this.log(`worker ${c.record.name} lost${its.length > 0 ? `: ${its.map((t) => t.task.id).join(", ")} will start again` : ""}`);
      for (const [id, p] of this.pending) {
        if (p.instance !== c.record.instance) continue;
        this.pending.delete(id);
        p.resolve({ ok: false, reason: `worker ${c.record.name} was lost`, lost: true, worker: c.record.name });
      }
      void this.closeQueue(c.record.instance);
    }
    return lost;
  }

  private async closeQueue(instance: string): Promise<void> {
    const q = this.queues.get(instance);
    if (!q) return;
    this.queues.delete(instance);
    await Promise.allSettled([q.events.close(), q.queue.close()]);
  }

  /** Tries on the farm: each to the worker the scheduler placed its task on. */
  exec(): Exec {
    return {
      // A lost try may still be writing (a partitioned worker): every try its own temporary name.
      tryPath: (final, x) => partialPath(final, `${this.runId}-${x.task.idx}-${x.try}`),
      run: (x, signal) => this.send(x, signal),
      adopt: (h, x, signal) => this.adopt(h, x, signal),
      beforeRetry: (t) => this.elsewhere(t),
      nodeOf: (t) => this.sched?.state.nodes[t.poolIdx]?.[t.node]?.id,
    };
  }

  /**
   * A try failed on its worker: the next one goes to another worker with room, if there is one it
   * has not failed on, so one machine's broken ffmpeg or disk is not taken for the command's fault.
   */
  private elsewhere(t: SimTask): void {
    const sched = this.sched!;
    const nodes = sched.state.nodes[t.poolIdx]!;
    const failed = nodes[t.node]?.id;
    if (failed === undefined) return;
    const avoid = this.failedOn.get(t.idx) ?? new Set<string>();
    avoid.add(failed);
    this.failedOn.set(t.idx, avoid);
    if (sched.moveNode(t.idx, avoid)) this.log(`${t.task.id} failed on worker ${this.nameOf(failed)}: its next try goes to ${this.nameOf(nodes[t.node]!.id)}`);
  }

  private nameOf(instance: string): string {
    return this.known.get(instance)?.name ?? instance;
  }

  /**
   * A try an earlier coordinator handed over (src/run/local.ts asks when the task comes up): its
   * result when the job is done, or the job waited for while its worker still runs it. Only for
   * the same command: a job that ran other options (a downgrade decided otherwise this time) is
   * not this task's output. While a waited-for job runs, its worker's slot is counted where the
   * scheduler placed the task, which may be another worker: the one running it takes no new job
   * until it is done (BullMQ's concurrency), so at worst a job waits there briefly.
   */
  private async adopt(h: HandedOver, x: FfmpegTry, signal: AbortSignal): Promise<TryResult | null> {
    const live = this.queues.get(h.worker);
    const queue = live?.queue ?? new Queue(workerQueue(h.worker), { connection: this.target.options as ConnectionOptions, prefix: PREFIX });
    try {
      const job = await queue.getJob(h.job);
      const args = relativeArgv(x.args, this.sharedDir);
      const data = job?.data as FfmpegJob | undefined;
      if (!job || !data || args === null || JSON.stringify(data.args) !== JSON.stringify(args)) return null;
      const state = await job.getState();
      if (state === "completed") return adoptedResult(job.returnvalue);
      if (state === "failed" || state === "unknown" || !live) return null;
      return await this.await(h, queue, signal);
    } catch {
      return null; // Redis could not say: run the task as usual
    } finally {
      if (!live) await queue.close().catch(() => {});
    }
  }

  /** Waits for a handed-over job still queued or running on a live worker (lost with it, like any try there). */
  private async await(h: HandedOver, queue: Queue, signal: AbortSignal): Promise<TryResult | null> {
    const result = new Promise<TryResult>((resolve) => this.pending.set(h.job, { instance: h.worker, resolve }));
    const onAbort = () => this.settle(h.job, { ok: false, reason: "interrupted", worker: h.worker });
    signal.addEventListener("abort", onAbort, { once: true });
    // It may have ended before the listener was there: look once more now that it is.
    const again = await queue.getJob(h.job);
    const state = again ? await again.getState() : "unknown";
    if (state === "completed") this.settle(h.job, parseResult(again!.returnvalue));
    else if (state === "failed" || state === "unknown") this.settle(h.job, { ok: false, reason: "gone", worker: h.worker });
    const r = await result;
    signal.removeEventListener("abort", onAbort);
    if (signal.aborted) return { ok: false, reason: "interrupted", interrupted: true };
    return r.ok ? r : null;
  }

  private async send(x: FfmpegTry, signal: AbortSignal): Promise<TryResult> {
    const sched = this.sched!;
    const node = sched.state.nodes[x.task.poolIdx]![x.task.node];
    if (!node?.live) return { ok: false, reason: "its worker is gone", lost: true };
    const q = this.queues.get(node.id);
    if (!q) return { ok: false, reason: `no queue for worker ${node.id}`, lost: true };
    const args = relativeArgv(x.args, this.sharedDir);
    const output = relative(this.sharedDir, x.output);
    if (args === null || output.startsWith("..")) return { ok: false, reason: `a file of ${x.task.task.id} is outside --shared-dir ${this.sharedDir}: the workers cannot see it` };
    const job: FfmpegJob = { v: PROTOCOL, run: this.runId, task: x.task.task.id, key: x.task.key, try: x.try, slots: x.task.task.slots, args, output, expect: x.expect, stallTimeoutMs: x.stallTimeoutMs };
    const jobId = `${this.runId}-${x.task.idx}-${x.try}-${++this.seq}`;
    const result = new Promise<TryResult>((resolve) => this.pending.set(jobId, { instance: node.id, resolve, ...(x.onProgress ? { onProgress: x.onProgress } : {}) }));
    const onAbort = () => {
      void this.redis.set(cancelKey(jobId), "1", "EX", 3600).catch(() => {});
      this.settle(jobId, { ok: false, reason: "interrupted by the coordinator", worker: node.id });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await q.queue.add(x.task.task.pool, job, { jobId, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } });
      x.onHandover?.({ job: jobId, worker: node.id });
    } catch (e) {
      this.pending.delete(jobId);
      signal.removeEventListener("abort", onAbort);
      return { ok: false, reason: `could not hand the task to worker ${node.id}: ${(e as Error).message}`, lost: true };
    }
    const r = await result;
    signal.removeEventListener("abort", onAbort);
    return signal.aborted ? { ok: false, reason: "interrupted", interrupted: true } : r;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.queues.keys()].map((i) => this.closeQueue(i)));
    this.redis.disconnect();
  }
}

/** A finished job's result, if it succeeded (a failed one is no output: the task runs as usual). */
function adoptedResult(value: unknown): TryResult | null {
  const r = parseResult(value);
  return r.ok ? r : null;
}

function parseResult(value: unknown): FfmpegResult {
  try {
    const r = (typeof value === "string" ? JSON.parse(value) : value) as FfmpegResult;
    if (r && typeof r === "object" && typeof r.ok === "boolean") return r;
  } catch {
    // fall through
  }
  return { ok: false, reason: "the worker's result could not be read", worker: "?" };
}
