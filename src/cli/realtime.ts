// The real-time driver: paces virtual time at `accelerate` × wall clock and shows live progress.
// This is the only place a simulation meets the wall clock; the clock and sleep are injected so
// tests drive it without waiting.
import type { Progress, Simulator } from "../sched/simulator";
import { formatDuration } from "../util/time";

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const wallClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface Paced {
  name: string;
  sim: Simulator;
}

/** Longest pause between progress updates, wall milliseconds. */
const TICK_MS = 200;

export function progressLine(sims: readonly Paced[], now: number): string {
  const parts = sims.map(({ name, sim }) => {
    const p: Progress = sim.progress();
    return `${name}: ${p.tasksDone}/${p.tasks} tasks, ${p.titlesDone}/${p.titles} titles, ${p.late} late`;
  });
  return `[${formatDuration(now)} simulated] ${parts.join(" | ")}`;
}

function nextTime(sims: readonly Paced[]): number | undefined {
  let t: number | undefined;
  for (const { sim } of sims) {
    const n = sim.nextTime();
    if (n !== undefined && (t === undefined || n < t)) t = n;
  }
  return t;
}

/**
 * Steps every simulator up to the virtual time the wall clock has reached, all on one virtual
 * clock so side-by-side policies are compared at the same simulated instant.
 */
export async function runPaced(sims: readonly Paced[], accelerate: number, clock: Clock, report: (line: string, final: boolean) => void): Promise<void> {
  const first = nextTime(sims);
  if (first === undefined) return;
  const wallStart = clock.now();
  let target = first;
  for (;;) {
    target = first + ((clock.now() - wallStart) / 1000) * accelerate;
    for (const { sim } of sims) {
      while ((sim.nextTime() ?? Infinity) <= target) sim.step();
    }
    const next = nextTime(sims);
    if (next === undefined) break;
    report(progressLine(sims, Math.min(target, next)), false);
    const wallDue = ((next - first) / accelerate) * 1000 - (clock.now() - wallStart);
    await clock.sleep(Math.max(1, Math.min(TICK_MS, wallDue)));
  }
  for (const { sim } of sims) sim.finish();
  report(progressLine(sims, Math.max(...sims.map((s) => s.sim.now))), true);
}

/** Progress on stderr: one rewritten line on a terminal, a line a second otherwise. */
export function stderrReporter(stream: NodeJS.WriteStream = process.stderr): (line: string, final: boolean) => void {
  let last = -Infinity;
  return (line, final) => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}${final ? "\n" : ""}`);
      return;
    }
    const t = performance.now();
    if (final || t - last >= 1000) {
      stream.write(`${line}\n`);
      last = t;
    }
  };
}
