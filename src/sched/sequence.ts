// The order of the deadline titles when not all of them can be on time: the sequence that
// minimises their weighted tardiness Σ w·max(0, C − d) on an aggregate model of the farm, found
// as the scheduling literature does it — dispatch rules for a start (EDD; ATC, Vepsalainen &
// Morton, over a grid of its look-ahead k), then a local search (insertions and swaps, with
// deterministic kicks between descents: iterated local search), bounded by a count of moves.
//
// The model: each pool is one machine of its slots' speed. A title j needs w_jp slot-seconds in
// pool p; titles go through every pool in the sequence's order, so title j's work in p is through
// at start_p + Σ_{i ≤ j} w_ip / slots_p, where start_p is when the work running now is through. It
// finishes at the latest of those over its pools, and never before its own critical path allows
// (minEnd). With one pool of one slot this is exactly single-machine weighted tardiness (the
// OR-Library problem vps bench deadlines measures).
//
// Pure and deterministic: the kicks come from a fixed-seed generator, the bound is a move count.

export interface SeqJob {
  /** Slot-seconds still to do, per pool. */
  work: readonly number[];
  /** Absolute seconds. */
  deadline: number;
  weight: number;
  /** Earliest possible finish (now + remaining critical path), absolute seconds. */
  minEnd: number;
}

export interface SeqFarm {
  now: number;
  slots: readonly number[];
  /** When the work running now is through, per pool (absolute seconds). */
  start: readonly number[];
}

/** Moves evaluated per sequencing, at most: about 15 ms for 40 titles, searched only when the problem changed. */
export const MOVE_BUDGET = 20_000;
/** Look-ahead parameters tried for the ATC start. */
const ATC_KS = [0.5, 1, 2, 3, 4, 5];
/** An improvement smaller than this (weighted seconds) is rounding, not an improvement. */
const EPS = 1e-6;

/** Each job's time on each pool's machine: its work there over the pool's slots. */
function durations(jobs: readonly SeqJob[], farm: SeqFarm): Float64Array[] {
  return farm.slots.map((slots, p) => Float64Array.from(jobs, (j) => (slots > 0 ? (j.work[p] ?? 0) / slots : j.work[p]! > 0 ? Infinity : 0)));
}

/** Σ w·T of the jobs in `order`. */
export function tardiness(jobs: readonly SeqJob[], farm: SeqFarm, order: readonly number[]): number {
  return cost(jobs, farm, durations(jobs, farm), order);
}

function cost(jobs: readonly SeqJob[], farm: SeqFarm, dur: readonly Float64Array[], order: readonly number[]): number {
  const t = farm.start.slice();
  let total = 0;
  for (const j of order) {
    let c = jobs[j]!.minEnd;
    for (let p = 0; p < t.length; p++) {
      const d = dur[p]![j]!;
      if (d > 0) c = Math.max(c, (t[p]! += d));
    }
    const late = c - jobs[j]!.deadline;
    if (late > 0) total += jobs[j]!.weight * late;
  }
  return total;
}

/** Earliest deadline first; among jobs due together, the longest critical path first (then index). */
export function eddOrder(jobs: readonly SeqJob[]): number[] {
  return jobs.map((_, i) => i).sort((a, b) => jobs[a]!.deadline - jobs[b]!.deadline || jobs[b]!.minEnd - jobs[a]!.minEnd || a - b);
}

/** ATC dispatch on the aggregate machine: at each step the job of highest (w/p)·exp(−slack⁺/(k·p̄)). */
export function atcOrder(jobs: readonly SeqJob[], farm: SeqFarm, k: number): number[] {
  const dur = durations(jobs, farm);
  const p = jobs.map((_, j) => Math.max(1e-9, ...dur.map((d) => d[j]!)));
  const mean = p.reduce((s, x) => s + x, 0) / Math.max(1, p.length);
  const t = farm.start.slice();
  const left = new Set(jobs.map((_, i) => i));
  const order: number[] = [];
  while (left.size > 0) {
    const clock = Math.max(...t, farm.now);
    let best = -1;
    let bestIndex = -Infinity;
    for (const j of left) {
      const slack = Math.max(0, jobs[j]!.deadline - p[j]! - clock);
      const index = (jobs[j]!.weight / p[j]!) * Math.exp(-slack / (k * mean));
      if (index > bestIndex) [best, bestIndex] = [j, index];
    }
    left.delete(best);
    order.push(best);
    for (let q = 0; q < t.length; q++) t[q]! += dur[q]![best]!;
  }
  return order;
}

/** A fixed-seed xorshift: the kicks of the search are the same on every run. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Search {
  jobs: readonly SeqJob[];
  farm: SeqFarm;
  dur: readonly Float64Array[];
  moves: number;
}

const evaluate = (s: Search, order: readonly number[]): number => {
  s.moves++;
  return cost(s.jobs, s.farm, s.dur, order);
};

/** Moves one job from `from` to `to` in place. */
function move(order: number[], from: number, to: number): void {
  const [j] = order.splice(from, 1);
  order.splice(to, 0, j!);
}

/** First-improvement descent over insertions and swaps until none improves or the budget is spent. */
function descend(s: Search, order: number[], value: number): number {
  const n = order.length;
  let improved = true;
  while (improved && s.moves < MOVE_BUDGET) {
    improved = false;
    for (let i = 0; i < n && s.moves < MOVE_BUDGET; i++) {
      for (let j = 0; j < n && s.moves < MOVE_BUDGET; j++) {
        if (i === j) continue;
        move(order, i, j);
        const v = evaluate(s, order);
        if (v < value - EPS) {
          value = v;
          improved = true;
          continue;
        }
        move(order, j, i);
        if (j < i) continue;
        [order[i], order[j]] = [order[j]!, order[i]!];
        const w = evaluate(s, order);
        if (w < value - EPS) {
          value = w;
          improved = true;
        } else [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
  }
  return value;
}

/**
 * The sequence of `jobs` (indices) of least weighted tardiness found within the budget. EDD when
 * no order is strictly better (in particular whenever EDD has every job on time).
 */
export function sequence(jobs: readonly SeqJob[], farm: SeqFarm): number[] {
  const edd = eddOrder(jobs);
  const s: Search = { jobs, farm, dur: durations(jobs, farm), moves: 0 };
  let best = edd;
  let bestValue = evaluate(s, edd);
  if (bestValue <= EPS || jobs.length < 2) return edd;
  for (const k of ATC_KS) {
    const order = atcOrder(jobs, farm, k);
    const v = evaluate(s, order);
    if (v < bestValue - EPS) [best, bestValue] = [order, v];
  }
  let current = best.slice();
  let currentValue = descend(s, current, bestValue);
  if (currentValue < bestValue - EPS) [best, bestValue] = [current.slice(), currentValue];
  // Iterated local search: kick the best order with a few random swaps, descend again, keep the better.
  const random = generator(0x9e3779b9);
  while (s.moves < MOVE_BUDGET && bestValue > EPS) {
    current = best.slice();
    for (let kick = 0; kick < 3; kick++) {
      const a = Math.floor(random() * current.length);
      const b = Math.floor(random() * current.length);
      [current[a], current[b]] = [current[b]!, current[a]!];
    }
    currentValue = descend(s, current, evaluate(s, current));
    if (currentValue < bestValue - EPS) [best, bestValue] = [current.slice(), currentValue];
  }
  return best;
}
