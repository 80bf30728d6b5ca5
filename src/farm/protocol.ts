// What the coordinator (`vps run --queue`) and the workers (`vps worker`) say to each other through
// Redis: the job a worker runs (one ffmpeg try of one task, and the check of what it wrote), the
// result it hands back, and the record a live worker keeps in Redis so the coordinator (and `vps
// farm status`) know its slots. Everything here is JSON; the worker checks every job against
// src/farm/validate.ts before anything runs.
//
// Paths: the coordinator and each worker may mount the shared storage at different places
// (`--shared-dir`). A job names every file relative to the shared directory, and the worker runs
// ffmpeg with the shared directory as its working directory, so `file:.work/t/720p.mp4` means the
// same file on every machine. An absolute path in a job is refused.
import type { OutputExpectation } from "../run/verify";
import type { AudioExpectation } from "../run/verifyAudio";

/** The version of this protocol: a worker refuses a job of another one (a farm half upgraded). */
export const PROTOCOL = 1;

/** Keys and queue names live under this prefix (BullMQ's own `prefix` option, and our own keys). */
export const PREFIX = "vps";

/** One ffmpeg try of one task on one worker. */
export interface FfmpegJob {
  v: typeof PROTOCOL;
  /** The coordinator's run (a fresh id per `vps run`), so a stale job of an earlier run is known. */
  run: string;
  /** The task id (for logs and `vps farm status`) and its stable key. */
  task: string;
  key: string;
  try: number;
  /** The slots (threads) the scheduler gave the task: the worker holds that many of its own. */
  slots: number;
  /** ffmpeg's arguments, vps's argv for the task: options as vps writes them, paths relative to the shared dir. */
  args: string[];
  /**
   * What ffmpeg writes, relative to the shared dir: the argv's output (a temporary name unique to
   * this try; the coordinator renames it into place once it accepts the result). For a package's
   * DASH step, the folder the manifest is written in.
   */
  output: string;
  /** The check of the output (src/run/expect.ts), run by the worker; null: no check (the package step). */
  expect: OutputExpectation | AudioExpectation | null;
  /** A job silent this long (no progress from ffmpeg) is stopped on the worker. */
  stallTimeoutMs: number;
}

/** A run of ffmpeg that ended; `ok: false` with `check` when ffmpeg succeeded but the output is wrong. */
export type FfmpegResult =
  | { ok: true; wallMs: number; cpuMs?: number; bytes?: number; sha256?: string; frames?: number; duration?: number; worker: string; ran?: WorkerSpan }
  | { ok: false; reason: string; worker: string };

/**
 * When a try really ran on its worker, by the worker's clock (milliseconds since 1970): from just
 * before ffmpeg started to its output checked, i.e. while it held the slot. The coordinator's own
 * start and end of the task also count the hand-over both ways; `vps bench farm` tells them apart.
 */
export interface WorkerSpan {
  startMs: number;
  endMs: number;
}

/** What a live worker keeps under `vps:farm:worker:<instance>` (expiring: refreshed while it lives). */
export interface WorkerRecord {
  v: typeof PROTOCOL;
  /** `--name` (default the host name) and the process's unique instance id (its queue's name). */
  name: string;
  instance: string;
  host: string;
  pid: number;
  /** Slots per pool (`--pool cpu --slots 16`, or several `--pool gpu=2`). */
  pools: Record<string, number>;
  /** Jobs running now: task id and slots. */
  running: { task: string; key: string; slots: number; pool: string; startedAt: string }[];
  startedAt: string;
}

/** The BullMQ queue a worker instance reads its jobs from: one per worker, see src/farm/coordinator.ts. */
export const workerQueue = (instance: string): string => `node-${instance}`;

export const workerKey = (instance: string): string => `${PREFIX}:farm:worker:${instance}`;
export const WORKER_KEYS = `${PREFIX}:farm:worker:*`;
/** The coordinator's own record (its run, titles in flight) for `vps farm status`. */
export const COORDINATOR_KEY = `${PREFIX}:farm:coordinator`;
/** Set by the coordinator when it no longer wants a try that is running (the worker stops it). */
export const cancelKey = (jobId: string): string => `${PREFIX}:farm:cancel:${jobId}`;

/** The coordinator's record under COORDINATOR_KEY, refreshed twice a second while it runs. */
export interface CoordinatorRecord {
  v: typeof PROTOCOL;
  run: string;
  pid: number;
  host: string;
  /** Seconds since the run began. */
  now: number;
  titles: { id: string; tier: string; deadline: number | null; tasksLeft: number }[];
  tasksDone: number;
  tasks: number;
  inFlight: number;
}
