// The real-time driver: paces virtual time at `accelerate` × wall clock and shows live progress.
// This is the only place a simulation meets the wall clock; the clock and sleep are injected so
// tests drive it without waiting.
import type { Progress, Simulator } from "../sched/simulator";
import { formatDuration } from "../util/time";
import { etaSeconds } from "./progress";

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

/** Where a paced run stands: the one virtual clock, the wall time so far and each policy's progress. */
export interface PacedSnapshot {
  now: number;
  wallSeconds: number;
  final: boolean;
  sims: readonly { name: string; progress: Progress }[];
}

interface LineForm {
  head: (now: number) => string;
  part: (name: string, p: Progress) => string;
}

/** From the most detailed to the shortest: the line takes the first that fits. */
const FORMS: LineForm[] = [
  { head: (now) => `[+${formatDuration(now)} simulated] `, part: (name, p) => `${name}: ${p.tasksDone}/${p.tasks} tasks, ${p.titlesDone}/${p.titles} titles, ${p.late} late` },
  { head: (now) => `+${formatDuration(now)} `, part: (name, p) => `${name} ${p.titlesDone}/${p.titles} titles, ${p.late} late` },
  { head: (now) => `+${formatDuration(now)} `, part: (name, p) => `${name} ${Math.floor((100 * p.tasksDone) / Math.max(1, p.tasks))}%, ${p.late} late` },
];

/** The wall time left, if the tasks left go at the pace of those done (all policies together). */
function etaText(s: PacedSnapshot): string {
  if (s.final) return `done in ${formatDuration(s.wallSeconds)}`;
  const done = s.sims.reduce((n, x) => n + x.progress.tasksDone, 0);
  const all = s.sims.reduce((n, x) => n + x.progress.tasks, 0);
  return done === 0 ? "ETA —" : `ETA ${formatDuration(etaSeconds(s.wallSeconds, done, all))}`;
}

/**
 * One progress line that fits `width` columns: "[+1h02m simulated] value: 1200/4828 tasks, … | fifo: … · ETA 40s",
 * shortened as the terminal narrows (80 columns: titles and late per policy) and, past the shortest form, cut.
 */
export function progressLine(s: PacedSnapshot, width = Number.POSITIVE_INFINITY): string {
  const tail = ` · ${etaText(s)}`;
  let line = "";
  for (const form of FORMS) {
    line = form.head(s.now) + s.sims.map(({ name, progress }) => form.part(name, progress)).join(" | ") + tail;
    if (line.length <= width) return line;
  }
  return line.slice(0, Math.max(0, width));
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
export async function runPaced(sims: readonly Paced[], accelerate: number, clock: Clock, report: (s: PacedSnapshot) => void): Promise<void> {
  const first = nextTime(sims);
  if (first === undefined) return;
  const wallStart = clock.now();
  const snapshot = (now: number, final: boolean): PacedSnapshot => ({
    now,
    wallSeconds: (clock.now() - wallStart) / 1000,
    final,
    sims: sims.map(({ name, sim }) => ({ name, progress: sim.progress() })),
  });
  let target = first;
  for (;;) {
    target = first + ((clock.now() - wallStart) / 1000) * accelerate;
    for (const { sim } of sims) {
      while ((sim.nextTime() ?? Infinity) <= target) sim.step();
    }
    const next = nextTime(sims);
    if (next === undefined) break;
    report(snapshot(Math.min(target, next), false));
    const wallDue = ((next - first) / accelerate) * 1000 - (clock.now() - wallStart);
    await clock.sleep(Math.max(1, Math.min(TICK_MS, wallDue)));
  }
  for (const { sim } of sims) sim.finish();
  report(snapshot(Math.max(...sims.map((s) => s.sim.now)), true));
}

/**
 * Progress on stderr: one line rewritten in place on a terminal, fitted to its width (one column
 * spare: a line that fills the last column wraps on some terminals), so it never stacks; a line a
 * second otherwise.
 */
export function stderrReporter(stream: NodeJS.WriteStream = process.stderr): (s: PacedSnapshot) => void {
  let last = -Infinity;
  return (s) => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${progressLine(s, Math.max(20, (stream.columns || 80) - 1))}${s.final ? "\n" : ""}`);
      return;
    }
    const t = performance.now();
    if (s.final || t - last >= 1000) {
      stream.write(`${progressLine(s)}\n`);
      last = t;
    }
  };
}
