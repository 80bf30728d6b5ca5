// One ffmpeg try of a task, wherever it runs: this machine (`vps run`) or a worker of a farm
// (`vps run --queue`, src/farm/remote.ts). The executor (src/run/local.ts) decides what to run,
// retries and falls back, journals and renames the checked output into place; an Exec only runs
// the command and checks what it wrote, so the same rules hold on one machine and on many.
import type { WorkerSpan } from "../farm/protocol";
import { checkOutput } from "./expect";
import type { SimTask } from "../sched/state";
import { type JobOutcome, type JobProgress, runJob } from "./process";
import type { OutputExpectation } from "./verify";
import type { AudioExpectation } from "./verifyAudio";

export interface FfmpegTry {
  task: SimTask;
  try: number;
  /** vps's argv for the task, output (`output`) last. */
  args: string[];
  /** What ffmpeg writes: the try's temporary file (or, for a package's DASH step, its folder). */
  output: string;
  /** The output's check; null: none here (the package step checks the whole package itself). */
  expect: OutputExpectation | AudioExpectation | null;
  stallTimeoutMs: number;
  onProgress?(p: JobProgress): void;
  /** A local process started (its pid is journaled, to stop an orphan after a crash). */
  onSpawn?(pid: number): void;
  /** Handed to a farm worker as this BullMQ job (journaled, so a restarted coordinator can adopt it). */
  onHandover?(h: { job: string; worker: string }): void;
}

/** A try an earlier coordinator handed to a worker, as its journal recorded it. */
export interface HandedOver {
  job: string;
  worker: string;
}

export type TryResult =
  | { ok: true; wallMs: number; cpuMs?: number; bytes?: number; sha256?: string; frames?: number; duration?: number; worker?: string; ran?: WorkerSpan }
  /**
   * interrupted: stopped here (Ctrl-C), not the command's fault; lost: the worker running it is
   * gone, so the try tells nothing about the command (the scheduler starts the task again).
   */
  | { ok: false; reason: string; interrupted?: boolean; lost?: boolean; worker?: string };

export interface Exec {
  run(x: FfmpegTry, signal: AbortSignal): Promise<TryResult>;
  /** Where a try writes before its output is accepted: one name per try on a farm, where a lost try may still be writing. */
  tryPath(final: string, x: { task: SimTask; try: number }): string;
  /**
   * A farm only: the result of a try an earlier coordinator handed over, if its job still exists
   * with the same command — waited for while it runs. Null when there is nothing to adopt (the
   * job is gone, failed, ran another command, or its worker is lost): the task runs as usual.
   */
  adopt?(h: HandedOver, x: FfmpegTry, signal: AbortSignal): Promise<TryResult | null>;
  /** Before a task's next try after a failed one (a retry, a fallback): a farm moves it to another worker if one has room. */
  beforeRetry?(task: SimTask): void;
  /** A farm: the worker the scheduler placed a started task on (its instance id), for the report. */
  nodeOf?(task: SimTask): string | undefined;
}

/** Runs a job's command and checks its output: on this machine for `vps run`, on the worker for a farm. */
export async function runAndCheck(
  spec: { exe: string; args: string[]; output: string; expect: FfmpegTry["expect"]; stallTimeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv; dieWithParent?: boolean },
  hooks: { signal: AbortSignal; onProgress?(p: JobProgress): void; onSpawn?(pid: number): void },
): Promise<TryResult> {
  const job = await runJob({
    exe: spec.exe,
    args: spec.args,
    stallTimeoutMs: spec.stallTimeoutMs,
    signal: hooks.signal,
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.dieWithParent ? { dieWithParent: true } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.onSpawn ? { onSpawn: hooks.onSpawn } : {}),
  });
  if (!job.ok) return job.reason === "aborted" ? { ok: false, reason: "interrupted", interrupted: true } : { ok: false, reason: failureText(job) };
  const cpu = job.cpuMs === undefined ? {} : { cpuMs: job.cpuMs };
  if (spec.expect === null) return { ok: true, wallMs: job.wallMs, ...cpu };
  const verdict = await checkOutput(spec.output, spec.expect);
  if (!verdict.ok) return { ok: false, reason: `output check failed: ${verdict.problems.join("; ")}` };
  return { ok: true, wallMs: job.wallMs, ...cpu, bytes: verdict.bytes, sha256: verdict.sha256, frames: verdict.frames, duration: verdict.duration };
}

export function failureText(job: Extract<JobOutcome, { ok: false }>): string {
  const how =
    job.reason === "stalled"
      ? "stalled (no progress) and was stopped"
      : job.reason === "spawn"
        ? "could not start"
        : job.reason === "signal"
          ? `was killed by ${job.signal ?? "a signal"}`
          : `exited with code ${job.code}`;
  return `ffmpeg ${how}${job.stderrTail ? `: ${telling(job.stderrTail).join(" | ")}` : ""}`;
}

/** The last three lines of stderr that are not an encoder's info or warning chatter (SVT-AV1 logs both there even at -loglevel error). */
function telling(stderr: string): string[] {
  const lines = stderr.trim().split("\n");
  const kept = lines.filter((l) => !/\[(info|warn)\]/i.test(l));
  return (kept.length > 0 ? kept : lines).slice(-3);
}
