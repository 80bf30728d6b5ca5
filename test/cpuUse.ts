// How many cores a command keeps busy while it runs: its CPU seconds (read from /proc/<pid>/stat
// as it runs) ÷ the wall seconds since it started, for the threads tests.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { cpuSecondsOf } from "../src/util/cpu";

export interface CpuUse {
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU seconds ÷ wall seconds: the mean number of cores in use. */
  cores: number;
  samples: number;
}

/**
 * Runs `cmd args` in `cwd`, sampling its CPU time every `everyMs` ms. The figures are those of the
 * last sample: once the process exits it is reaped and its /proc entry is gone, so the final few
 * ms are not counted (in the CPU time nor in the wall time). Rejects with stderr when it fails.
 */
export function measureCpu(cmd: string, args: readonly string[], cwd: string, everyMs = 20): Promise<CpuUse> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let last = { cpuSeconds: 0, wallSeconds: 0 };
    let samples = 0;
    const timer = setInterval(() => {
      const cpu = child.pid === undefined ? null : cpuSecondsOf(child.pid);
      if (cpu === null) return;
      last = { cpuSeconds: cpu, wallSeconds: (performance.now() - start) / 1000 };
      samples += 1;
    }, everyMs);
    child.on("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(" ")} exited ${String(code)}: ${stderr}`));
      resolve({ ...last, cores: last.wallSeconds > 0 ? last.cpuSeconds / last.wallSeconds : 0, samples });
    });
  });
}
