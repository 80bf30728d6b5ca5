// Runs one long ffmpeg job for the executor and says how it ended: never a rejection for a process
// failure, always an outcome the executor can journal and retry on.
//
// node:child_process directly, not execa: what this needs is a live stdout parser (ffmpeg's
// `-progress` blocks), a stall timer refreshed by that parser and by stderr, and a stop that sends
// SIGTERM and SIGKILL after a grace. execa's buffering, timeout and `forceKillAfterDelay` cover none
// of the stall logic, and src/util/proc/tool.ts already has the rest (the stderr tail buffer, the
// grace, the readable command line), which this file reuses.
//
// CPU time: Linux has no cheap way to read a child's rusage at its exit from node (the wait status
// is consumed by libuv), so /proc/<pid>/stat is sampled on every progress block. ffmpeg prints one
// every 0.5 s and the last (`progress=end`) just before it writes the trailer and exits, so the last
// sample misses only the trailer. cpuMs is a close lower bound, and absent where /proc is not
// there (not Linux) or no block arrived.
//
// A failed job's output file is never the task's output, whatever state it is in: ffmpeg answers
// SIGTERM by finishing the file it has, so a stopped job can leave a short file that looks whole.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { InternalError } from "../util/errors";
import { commandLine, lastLines, STDERR_TAIL_BYTES, TailBuffer, terminate } from "../util/proc/tool";
import { type JobProgress, ProgressParser, withProgressArgs } from "./progress";

export type { JobProgress } from "./progress";

export interface JobSpec {
  /** The ffmpeg to run: a path (`--ffmpeg`) or a name looked up on PATH. */
  exe: string;
  /** vps's argv for the task, output file last; the progress options are added here. */
  args: readonly string[];
  cwd?: string;
  /** Replaces the environment, as in runTool (tests use it to cue the fake ffmpeg). */
  env?: NodeJS.ProcessEnv;
  /** A job silent this long (no progress block, no stderr) is stuck and is stopped. */
  stallTimeoutMs: number;
  signal?: AbortSignal;
  /** Called per progress block; a throw stops the job and rejects runJob (a caller bug). */
  onProgress?(p: JobProgress): void;
  /**
   * Run ffmpeg under `setpriv --pdeathsig KILL` where util-linux has it: a farm worker killed with
   * SIGKILL cannot stop its children, and ffmpeg ignores the broken progress pipe (measured: it
   * keeps encoding for minutes), so the kernel stops it instead. setpriv execs ffmpeg: same pid.
   */
  dieWithParent?: boolean;
  /** Called with the child's pid once it started (the executor journals it, to stop an orphan after a crash). */
  onSpawn?(pid: number): void;
}

export type JobFailure = "exit" | "signal" | "stalled" | "aborted" | "spawn";

export type JobOutcome =
  | { ok: true; wallMs: number; cpuMs?: number }
  | {
      ok: false;
      /** exit: non-zero code; signal: killed by someone else (a crash); stalled/aborted: stopped here; spawn: never started. */
      reason: JobFailure;
      code: number | null;
      signal: NodeJS.Signals | null;
      /** The last lines of stderr (for spawn: why it could not start). */
      stderrTail: string;
      /** The command as a readable line, for messages. */
      command: string;
      wallMs: number;
    };

/** Linux reports /proc times in USER_HZ, fixed at 100 for userspace whatever the kernel's HZ. */
const USER_HZ = 100;

/** utime + stime of a /proc/<pid>/stat line, in ms; null when it does not parse. */
export function cpuMsOfStat(stat: string): number | null {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) && fields.length > 12 ? ((utime + stime) * 1000) / USER_HZ : null;
}

function sampleCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Synchronous on purpose: a /proc read is served from kernel memory in microseconds, and inline
    // there is no read still in flight when the child closes. Gone already: keep the last sample.
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** util-linux's setpriv, when this machine has it (Debian always does); looked for once, when first wanted. */
let setpriv: string | null | undefined;
const setprivPath = (): string | null => (setpriv ??= ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p)) ?? null);

type Failed = Extract<JobOutcome, { ok: false }>;
/** Why the job was stopped here: the stall timer, the abort signal, or onProgress throwing. */
type StopReason = "stalled" | "aborted" | "callback";

export function runJob(spec: JobSpec): Promise<JobOutcome> {
  if (!(spec.stallTimeoutMs > 0)) throw new InternalError(`runJob: stallTimeoutMs must be a positive number of ms, got ${spec.stallTimeoutMs}`);
  const args = withProgressArgs(spec.args);
  const clock = new JobClock(commandLine(spec.exe, args));
  if (spec.signal?.aborted) return Promise.resolve(clock.failed("aborted"));
  let child: ChildProcess;
  try {
    const wrapper = spec.dieWithParent ? setprivPath() : null;
    const [exe, argv] = wrapper ? [wrapper, ["--pdeathsig", "KILL", "--", spec.exe, ...args]] : [spec.exe, args];
    child = spawn(exe, argv, { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  } catch (e) {
    // Synchronous throws are bad arguments (a NUL byte in a path): the job cannot start.
    return Promise.resolve(clock.failed("spawn", { stderrTail: (e as Error).message }));
  }
  if (child.pid !== undefined) spec.onSpawn?.(child.pid);
  return new Promise((resolve, reject) => new JobWatch(child, spec, clock, resolve, reject));
}

/** The wall time since the job was asked for, and failure outcomes stamped with it. */
class JobClock {
  private readonly started = performance.now();
  constructor(private readonly command: string) {}
  wallMs(): number {
    return Math.round(performance.now() - this.started);
  }
  failed(reason: JobFailure, rest: Partial<Failed> = {}): Failed {
    return { ok: false, reason, code: null, signal: null, stderrTail: "", command: this.command, wallMs: this.wallMs(), ...rest };
  }
}

/** Follows a started child to its end: progress, the stall timer, abort, and the outcome. */
class JobWatch {
  private readonly stderr = new TailBuffer(STDERR_TAIL_BYTES);
  private readonly parser = new ProgressParser();
  private readonly stallTimer: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;
  private stopped: StopReason | null = null;
  private callbackError: unknown;
  private cpuMs: number | null = null;
  private settled = false;
  private readonly onAbort = () => this.stop("aborted");

  constructor(
    private readonly child: ChildProcess,
    private readonly spec: JobSpec,
    private readonly clock: JobClock,
    private readonly resolve: (o: JobOutcome) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.stallTimer = setTimeout(() => this.stop("stalled"), spec.stallTimeoutMs);
    spec.signal?.addEventListener("abort", this.onAbort, { once: true });
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr.push(chunk);
      this.alive();
    });
    // `error` without a pid: the program could not be started (ENOENT, EACCES); node still emits
    // `close` after it (code -2), which must not settle twice. With a pid, `error` is a failed
    // kill and `close` still comes.
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      const hint = e.code === "ENOENT" ? " (no such program: check --ffmpeg or PATH)" : "";
      this.end(this.clock.failed("spawn", { stderrTail: `${e.message}${hint}` }));
    });
    child.on("close", (code, signal) => this.onClose(code, signal));
  }

  /** Output arrived: the job is not stuck (once stopping, the grace timer is in charge). */
  private alive(): void {
    if (this.stopped === null) this.stallTimer.refresh();
  }

  private stop(why: StopReason): void {
    if (this.stopped !== null) return;
    this.stopped = why;
    clearTimeout(this.stallTimer);
    this.graceTimer = terminate(this.child);
  }

  private onStdout(chunk: string): void {
    for (const block of this.parser.push(chunk)) {
      this.alive();
      this.cpuMs = sampleCpuMs(this.child.pid) ?? this.cpuMs;
      if (this.stopped !== null) continue;
      try {
        this.spec.onProgress?.(block);
      } catch (error) {
        this.callbackError = error;
        this.stop("callback");
      }
    }
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped === "callback") return this.settle(() => this.reject(this.callbackError));
    const stderrTail = lastLines(this.stderr.text());
    if (this.stopped !== null) return this.end(this.clock.failed(this.stopped, { code, signal, stderrTail }));
    if (code === 0) return this.end({ ok: true, wallMs: this.clock.wallMs(), ...(this.cpuMs === null ? {} : { cpuMs: this.cpuMs }) });
    this.end(this.clock.failed(code === null ? "signal" : "exit", { code, signal, stderrTail }));
  }

  private end(outcome: JobOutcome): void {
    this.settle(() => this.resolve(outcome));
  }

  /** Once only (a failed spawn is followed by `close`): timers and the abort listener go first. */
  private settle(finish: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.stallTimer);
    clearTimeout(this.graceTimer);
    this.spec.signal?.removeEventListener("abort", this.onAbort);
    finish();
  }
}
