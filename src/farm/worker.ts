// `vps worker`: one machine's slots in a farm. It keeps a record of itself in Redis (its pools and
// slots, what it runs), refreshed while it lives so the coordinator sees it go when it dies, and
// runs the jobs the coordinator puts on its own BullMQ queue: one ffmpeg try each, checked
// against src/farm/validate.ts before anything runs, its output checked with ffprobe here (so the
// coordinator does no decoding), written under the shared directory only.
//
// A job's failure is a result, not a thrown error: the coordinator owns retries and fallbacks (as
// `vps run` does on one machine), so BullMQ's own attempts stay at one and a failed try is
// re-tried on whichever worker the scheduler picks next.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type ConnectionOptions, type Job, Worker } from "bullmq";
import { runAndCheck, type TryResult } from "../run/exec";
import type { JobProgress } from "../run/process";
import { type FfmpegResult, PREFIX, PROTOCOL, type WorkerRecord, cancelKey, workerKey, workerQueue } from "./protocol";
import { connect, ready, type RedisTarget } from "./redis";
import { checkJob, checkSharedPaths } from "./validate";

export interface WorkerOptions {
  target: RedisTarget;
  name: string;
  pools: Record<string, number>;
  sharedDir: string;
  ffmpeg: string;
  /** How often the record is refreshed; it expires after three misses (the coordinator's "lost"). */
  heartbeatMs: number;
  log(line: string): void;
  /**
   * `vps bench farm` only (`vps worker --bench-noop`, hidden): every job is checked exactly as
   * usual, then nothing runs and it comes back done at once. Such a worker runs no command at all,
   * so nothing a job says can do more on it than on a real one; the real path is unchanged.
   */
  noop?: boolean;
}

/** BullMQ's lock on a running job: renewed every half of it while the worker's event loop runs. */
const LOCK_MS = 30_000;

/** This machine's wall clock in ms since 1970, as the coordinator reads it (same clock on one host; NTP across hosts). */
const epochMs = (): number => performance.timeOrigin + performance.now();

/** A name BullMQ accepts in a queue name (no colons) and a person can read. */
export function instanceId(name: string): string {
  return `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.${process.pid}.${randomBytes(3).toString("hex")}`;
}

export const defaultWorkerName = (): string => hostname();

export async function runWorker(opts: WorkerOptions, signal: AbortSignal): Promise<void> {
  const instance = instanceId(opts.name);
  const sharedDir = resolve(opts.sharedDir);
  const redis = connect(opts.target, `vps-worker-${instance}`);
  redis.on("error", () => {}); // reconnects on its own; a lasting outage shows as lost jobs
  await ready(redis, opts.target);
  const running = new Map<string, WorkerRecord["running"][number] & { stop: AbortController }>();
  const startedAt = new Date().toISOString();
  const record = (): WorkerRecord => ({
    v: PROTOCOL,
    name: opts.name,
    instance,
    host: hostname(),
    pid: process.pid,
    pools: opts.pools,
    running: [...running.values()].map(({ stop: _stop, ...r }) => r),
    startedAt,
  });
  const ttl = opts.heartbeatMs * 3;
  const beat = async () => {
    await redis.set(workerKey(instance), JSON.stringify(record()), "PX", ttl);
    // The coordinator cancels a try it no longer wants (Ctrl-C, a run restarted) by naming its job.
    for (const [id, r] of running) if ((await redis.exists(cancelKey(id))) === 1) r.stop.abort();
  };
  await beat();
  const timer = setInterval(() => void beat().catch(() => {}), opts.heartbeatMs);

  const process_ = async (job: Job, _token?: string, jobSignal?: AbortSignal): Promise<FfmpegResult> => {
    const checked = checkJob(job.data);
    if (!checked.ok) return { ok: false, reason: `job refused by worker ${opts.name}: ${checked.reason}`, worker: opts.name };
    const j = checked.job;
    const unseen = await checkSharedPaths(j, sharedDir);
    if (unseen !== null) return { ok: false, reason: `worker ${opts.name}: ${unseen}`, worker: opts.name };
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    jobSignal?.addEventListener("abort", onAbort, { once: true });
    signal.addEventListener("abort", onAbort, { once: true });
    running.set(job.id!, { task: j.task, key: j.key, slots: j.slots, pool: job.name, startedAt: new Date().toISOString(), stop });
    void beat().catch(() => {});
    if (!opts.noop) opts.log(`start ${j.task} (try ${j.try}, ${j.slots} slot${j.slots === 1 ? "" : "s"})`);
    try {
      const output = join(sharedDir, j.output);
      await mkdir(j.expect === null ? output : dirname(output), { recursive: true });
      let last = 0;
      const onProgress = (p: JobProgress) => {
        // Progress to the coordinator at most once a second: each update is a Redis write and an event.
        const now = performance.now();
        if (now - last < 1000) return;
        last = now;
        void job.updateProgress({ ...p }).catch(() => {});
      };
      const startMs = epochMs();
      const result: TryResult = opts.noop
        ? { ok: true, wallMs: 0 }
        : await runAndCheck({ exe: opts.ffmpeg, args: j.args, output, expect: j.expect, stallTimeoutMs: j.stallTimeoutMs, cwd: sharedDir, dieWithParent: true }, { signal: stop.signal, onProgress });
      const ran = { startMs, endMs: epochMs() };
      if (!opts.noop) opts.log(`${result.ok ? "done" : "failed"} ${j.task}${result.ok ? ` in ${(result.wallMs / 1000).toFixed(1)} s` : `: ${result.reason}`}`);
      return (result.ok ? { ...result, worker: opts.name, ran } : { ...result, worker: opts.name }) as FfmpegResult;
    } finally {
      running.delete(job.id!);
      jobSignal?.removeEventListener("abort", onAbort);
      signal.removeEventListener("abort", onAbort);
      void beat().catch(() => {});
    }
  };

  const slots = Object.values(opts.pools).reduce((s, n) => s + n, 0);
  const worker = new Worker(workerQueue(instance), process_, {
    connection: opts.target.options as ConnectionOptions,
    prefix: PREFIX,
    // The coordinator never hands over more than fits in the slots; this is a bound, not the rule.
    concurrency: Math.max(1, slots),
    lockDuration: LOCK_MS,
    // A blocked event loop (a long checksum) can miss a lock renewal; BullMQ's default of one
    // stall would then fail a long encode outright. Three stalls before giving up.
    maxStalledCount: 3,
    stalledInterval: LOCK_MS,
  });
  worker.on("error", () => {});
  opts.log(`worker ${opts.name} (${instance}) ready: ${Object.entries(opts.pools).map(([p, n]) => `${p}=${n}`).join(", ")} slots, shared dir ${sharedDir}, Redis ${opts.target.shown}`);
  await new Promise<void>((done) => (signal.aborted ? done() : signal.addEventListener("abort", () => done(), { once: true })));
  clearInterval(timer);
  // Stop what runs (its tries come back as interrupted: the coordinator starts them elsewhere), then leave.
  for (const r of running.values()) r.stop.abort();
  await worker.close();
  await redis.del(workerKey(instance)).catch(() => 0);
  redis.disconnect();
}
