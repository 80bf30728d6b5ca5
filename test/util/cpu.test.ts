// CPU seconds of a process from /proc/<pid>/stat.
import { describe, expect, it } from "vitest";
import { cpuSecondsOf, cpuSecondsOfStat } from "../../src/util/cpu";

describe("cpuSecondsOfStat", () => {
  it("adds utime and stime (fields 14 and 15) in 100 Hz ticks, counting fields after the command name", () => {
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    const stat = "4242 (ffmpeg (x) 2) R 1 4242 1 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 5 0 900 0 0";
    expect(cpuSecondsOfStat(stat)).toBe(2.87);
  });

  it("is null for a line that is not a stat line", () => {
    expect(cpuSecondsOfStat("")).toBeNull();
    expect(cpuSecondsOfStat("4242 (ffmpeg) R 1")).toBeNull();
  });
});

describe("cpuSecondsOf", () => {
  it("reads this process's CPU time, as Node counts it", () => {
    // Burn a little CPU so there is something to count.
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i % 7;
    expect(x).toBeGreaterThan(0);
    const own = cpuSecondsOf(process.pid);
    const usage = process.cpuUsage();
    expect(own).not.toBeNull();
    // Node counts in microseconds, /proc in 10 ms ticks: they agree to within a few ticks.
    expect(Math.abs(own! - (usage.user + usage.system) / 1e6)).toBeLessThan(0.1);
  });

  it("is null for a process that does not exist", () => {
    expect(cpuSecondsOf(2 ** 22 + 1)).toBeNull();
  });
});
