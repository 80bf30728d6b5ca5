// CPU time a running process has used, from Linux's /proc: for checking that a task of N slots
// holds to about N cores (CPU seconds ÷ wall seconds), in tests and in the executor's benchmark.
// An edge: it reads a file, so the core never calls it.
import { readFileSync } from "node:fs";

/**
 * /proc reports times in USER_HZ ticks, which Linux fixes at 100 on every architecture it exports
 * to user space (`getconf CLK_TCK` prints 100), whatever the kernel's own tick rate.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User + system CPU seconds of process `pid` so far, all its threads together (those that have
 * ended too); null when it is gone, or there is no /proc (not Linux). Only until the process is
 * reaped: once it has exited and been waited for, its /proc entry is gone.
 */
export function cpuSecondsOf(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return cpuSecondsOfStat(stat);
}

/**
 * The CPU seconds in a /proc/<pid>/stat line. The command name (field 2) is in parentheses and
 * may hold spaces or parentheses itself, so fields are counted from the last ')': after it come
 * state (field 3) … utime (field 14) and stime (field 15).
 */
export function cpuSecondsOfStat(stat: string): number | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const fields = stat.slice(close + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}
