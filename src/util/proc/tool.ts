// Where vps starts external programs (ffmpeg, ffprobe) for short runs: probes, measurements, trial
// encodes. The executor's long encode jobs run through src/run/process.ts, which reuses the stderr
// tail, the kill grace and the command line from here. Arguments are always an array handed to
// spawn — never a shell string — so a file named `; rm -rf ~.mp4` is just a file name. Output is
// buffered with limits: stdout up to a cap (ffprobe's JSON is small; a runaway tool is killed
// rather than allowed to fill memory) and only the tail of stderr (ffmpeg can log a line per frame
// for hours; an error message needs the last few lines).
import { type ChildProcess, spawn } from "node:child_process";
import { ExternalError } from "../errors";

export type ToolName = "ffmpeg" | "ffprobe";

export interface ToolOptions {
  timeoutMs: number;
  cwd?: string;
  /** Replaces the environment (tests use it to hide ffmpeg from PATH). */
  env?: NodeJS.ProcessEnv;
  /** Largest stdout kept; more kills the tool. Default 16 MiB. */
  maxStdoutBytes?: number;
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/** How much of stderr is kept: enough for the last lines of any error, never a whole log. */
export const STDERR_TAIL_BYTES = 64 * 1024;
const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;
/** Time a tool gets to exit after SIGTERM before it is killed outright. */
export const KILL_GRACE_MS = 2000;
const TAIL_LINES = 10;

/** The tool is not installed (or not on PATH). */
export class ToolNotFound extends ExternalError {
  constructor(readonly tool: ToolName) {
    super(`${tool} not found: install ffmpeg (apt-get install -y ffmpeg)`);
    this.name = "ToolNotFound";
  }
}

/** The tool ran and exited non-zero (or was killed by a signal): the caller decides whose fault that was. */
export class ToolFailed extends ExternalError {
  constructor(
    readonly tool: ToolName,
    readonly args: readonly string[],
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    const how = code !== null ? `exit code ${code}` : `signal ${signal ?? "unknown"}`;
    super(`${tool} failed (${how}): ${commandLine(tool, args)}${stderrTail ? `\n${stderrTail}` : ""}`);
    this.name = "ToolFailed";
  }
}

/** The tool ran past its time limit or its output limit and was stopped (SIGTERM, then SIGKILL). */
export class ToolStopped extends ExternalError {
  constructor(
    readonly tool: ToolName,
    readonly args: readonly string[],
    readonly pid: number | undefined,
    why: string,
    stderrTail: string,
  ) {
    super(`${tool} ${why} and was stopped: ${commandLine(tool, args)}${stderrTail ? `\n${stderrTail}` : ""}`);
    this.name = "ToolStopped";
  }
}

/** A readable command line for messages only (never executed): arguments with spaces are quoted. */
export function commandLine(tool: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const shown = args.map(quote).join(" ");
  return `${tool} ${shown.length > 400 ? `${shown.slice(0, 400)}…` : shown}`;
}

/** The last `n` non-empty lines of a text. */
export function lastLines(text: string, n = TAIL_LINES): string {
  return text
    .split(/\r?\n|\r/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-n)
    .join("\n");
}

/** Keeps the last `limit` bytes of a stream; the cut-off start of a line is harmless for a tail. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString("utf8");
  }
}

/**
 * Asks a child to stop (SIGTERM: ffmpeg finishes writing and exits) and kills it outright if it is
 * still there after the grace. The caller clears the returned timer once the child has closed.
 */
export function terminate(child: ChildProcess, graceMs = KILL_GRACE_MS): NodeJS.Timeout {
  child.kill("SIGTERM");
  return setTimeout(() => child.kill("SIGKILL"), graceMs);
}

export function runTool(cmd: ToolName, args: readonly string[], opts: ToolOptions): Promise<ToolOutput> {
  const maxStdout = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    const err = new TailBuffer(STDERR_TAIL_BYTES);
    let stopped: string | null = null;
    let graceTimer: NodeJS.Timeout | undefined;

    const stop = (why: string) => {
      if (stopped !== null) return;
      stopped = why;
      graceTimer = terminate(child);
    };
    const timer = setTimeout(() => stop(`ran longer than ${opts.timeoutMs} ms`), opts.timeoutMs);

    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxStdout) stop(`printed more than ${maxStdout} bytes`);
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));

    // `error` fires when the program could not be started at all; `close` after it has exited and
    // its pipes are drained — waiting for `close` means a killed tool is reaped, never a zombie.
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      if (e.code === "ENOENT") reject(new ToolNotFound(cmd));
      else reject(new ExternalError(`${cmd} could not be started: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      const stderr = err.text();
      if (stopped !== null) reject(new ToolStopped(cmd, args, child.pid, stopped, lastLines(stderr)));
      else if (code !== 0) reject(new ToolFailed(cmd, args, code, signal, lastLines(stderr)));
      else resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr });
    });
  });
}
