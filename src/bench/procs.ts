// Child processes of `vps bench farm`: vps workers (and BullMQ-only workers) standing in for the
// machines of a farm, each stopped by its own pid; and a vps command whose stderr is kept for the
// error a person reads when it fails.
import { type ChildProcess, spawn } from "node:child_process";
import { ExternalError } from "../util/errors";

export interface Child {
  pid: number;
  stderr(): string;
  /** SIGTERM, then waits for the exit (a vps worker removes its record from Redis on the way out). */
  stop(): Promise<void>;
}

/** Starts `[...vps, ...args]` and resolves once its stderr says `readyWord` (or rejects when it exits first). */
export async function startChild(vps: readonly string[], args: readonly string[], readyWord: string, ms = 60_000): Promise<Child> {
  const child: ChildProcess = spawn(vps[0]!, [...vps.slice(1), ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (log = (log + s).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const tail = () => log.trim().split("\n").slice(-5).join(" | ");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ExternalError(`vps ${args[0]} did not get ready within ${ms / 1000} s: ${tail()}`)), ms);
    child.stderr!.on("data", () => log.includes(readyWord) && (clearTimeout(timer), resolve()));
    child.once("error", (e) => (clearTimeout(timer), reject(new ExternalError(`could not start vps ${args[0]}: ${e.message}`))));
    child.once("close", (code) => (clearTimeout(timer), reject(new ExternalError(`vps ${args[0]} exited (${code}) before it was ready: ${tail()}`))));
  });
  return {
    pid: child.pid!,
    stderr: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGTERM");
      await exited;
    },
  };
}

/** Starts every child; if one fails, stops those that started and throws its error. */
export async function startAll(starts: readonly (() => Promise<Child>)[]): Promise<Child[]> {
  const started = await Promise.allSettled(starts.map((s) => s()));
  const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await stopAll(ok);
    throw failed.reason;
  }
  return ok;
}

/** Stops every child, each by its pid, even when one fails to. */
export async function stopAll(children: readonly Child[]): Promise<void> {
  await Promise.allSettled(children.map((c) => c.stop()));
}

/** Runs `[...vps, ...args]` to its end; a non-zero exit is an ExternalError with the end of its stderr. */
export function runVps(vps: readonly string[], args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(vps[0]!, [...vps.slice(1), ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (log = (log + s).slice(-4000)));
    child.once("error", (e) => reject(new ExternalError(`could not start vps ${args[0]}: ${e.message}`)));
    child.once("close", (code) => (code === 0 ? resolve() : reject(new ExternalError(`vps ${args[0]} failed in the bench (exit ${code}): ${log.trim().slice(-2000)}`))));
  });
}
