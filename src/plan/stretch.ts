// Stretch (issue 13, item 3): a title's turnaround ÷ its floor, the turnaround it could have had
// with the farm to itself. The fifo ratio says how much better value ordering is than a baseline;
// stretch says how close to the limit it is (1.0 = as if the farm were the title's alone).
//
// The floor is a lower bound on the title's turnaround in any schedule of the work it really did
// (its downgrades and true task durations included, so stretch ≥ 1 always), with every encode at
// most as wide as it would get on an empty farm: the widest useful width (efficiency ≥ 50%, what
// the allocator widens to when nothing waits), or the width it ran at if that was wider. It is
// the larger of two bounds:
//  - the critical path, every encode at that width and every other task as long as it took;
//  - per pool, head + load + tail: the tasks that cannot start before h (their path from the
//    arrival at floor durations) need at least T* on the pool's slots, and then the shortest path
//    after them still has to run. T* is the least time in which each task fits (its width chosen
//    from 1 up to its cap) and their slot-seconds fit the slots: a title whose chunks fill the farm
//    on its own cannot run every chunk at its widest.
import { amdahl } from "../cost/model";
import { widestUseful } from "../sched/allocate";
import { type SimState, type SimTask, TaskState } from "../sched/state";

/** A task as the floor sees it: d(w) = fixed + spread ÷ w seconds on w slots, w ≤ widest. */
interface FloorTask {
  sim: SimTask;
  fixed: number;
  spread: number;
  widest: number;
  /** Floor seconds on the path before it (from the arrival) and after it (to the finish). */
  head: number;
  tail: number;
}

/** Fits a task's duration curve through what it took on its slots (the true factor kept). */
function floorTask(state: SimState, t: SimTask): FloorTask {
  const took = t.end - t.start;
  const p = t.task.parallel;
  if (p === null) return { sim: t, fixed: took * t.task.slots, spread: 0, widest: t.task.slots, head: 0, tail: 0 };
  // took = k·amdahl(work, slots, p): the curve k·work·((1 − p) + p ÷ w), through the task's own run.
  const k = took / amdahl(1, t.task.slots, p);
  const widest = Math.max(t.task.slots, widestUseful(p, state.pools[t.poolIdx]!.slots));
  return { sim: t, fixed: k * (1 - p), spread: k * p, widest, head: 0, tail: 0 };
}

/** A non-parallel task holds all its slots: its `fixed` is slot-seconds, its duration that ÷ slots. */
const shortest = (f: FloorTask): number => (f.spread === 0 ? f.fixed / f.sim.task.slots : f.fixed + f.spread / f.widest);

/** Fewest slot-seconds the task needs to end within `limit` seconds, or Infinity if it cannot. */
function slotSecondsWithin(f: FloorTask, limit: number): number {
  if (f.spread === 0) return shortest(f) <= limit ? f.fixed : Infinity;
  if (limit <= f.fixed) return Infinity;
  const w = Math.max(1, Math.ceil(f.spread / (limit - f.fixed) - 1e-9));
  return w > f.widest ? Infinity : w * f.fixed + f.spread;
}

/** T*: the least time (from below, within 0.1%) in which the tasks fit `slots` slots. */
function loadTime(tasks: readonly FloorTask[], slots: number): number {
  const fits = (limit: number) => tasks.reduce((s, f) => s + slotSecondsWithin(f, limit), 0) <= slots * limit;
  let lo = tasks.reduce((m, f) => Math.max(m, shortest(f)), 0);
  if (fits(lo)) return lo;
  let hi = tasks.reduce((m, f) => Math.max(m, f.fixed + f.spread), 0) + tasks.reduce((s, f) => s + f.fixed + f.spread, 0) / slots;
  while (hi - lo > 1e-3 * hi) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Heads and tails along the title's own dependencies (outside ones count as done). */
function withPaths(tasks: FloorTask[]): void {
  const byIdx = new Map(tasks.map((f) => [f.sim.idx, f]));
  const headDone = new Set<number>();
  const tailDone = new Set<number>();
  const head = (f: FloorTask): number => {
    if (headDone.has(f.sim.idx)) return f.head;
    f.head = f.sim.after.reduce((m, a) => (byIdx.has(a) ? Math.max(m, head(byIdx.get(a)!) + shortest(byIdx.get(a)!)) : m), 0);
    headDone.add(f.sim.idx);
    return f.head;
  };
  const tail = (f: FloorTask): number => {
    if (tailDone.has(f.sim.idx)) return f.tail;
    f.tail = f.sim.dependents.reduce((m, d) => (byIdx.has(d) ? Math.max(m, tail(byIdx.get(d)!) + shortest(byIdx.get(d)!)) : m), 0);
    tailDone.add(f.sim.idx);
    return f.tail;
  };
  for (const f of tasks) {
    head(f);
    tail(f);
  }
}

/** At most this many cut points per pool and direction: enough for a title's few stages, bounded for long DAGs. */
const MAX_CUTS = 8;

/**
 * The smallest distinct values, at most MAX_CUTS: the tasks from an early cut on carry the load
 * (a title's encodes follow its analysis), while a late cut leaves a few short tasks whose bound
 * the critical path already gives.
 */
function cuts(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b).slice(0, MAX_CUTS);
}

/**
 * head + load + tail over the pool's tasks whose head and tail are at least each pair of cuts: the
 * encodes between a title's analysis and its packaging give the bound its strength.
 */
function capacityBound(tasks: readonly FloorTask[], slots: number): number {
  let best = 0;
  const tails = cuts(tasks.map((f) => f.tail));
  for (const h of cuts(tasks.map((f) => f.head))) {
    for (const q of tails) {
      const set = tasks.filter((f) => f.head >= h && f.tail >= q);
      if (set.length === 0) continue;
      const head = set.reduce((m, f) => Math.min(m, f.head), Infinity);
      const tail = set.reduce((m, f) => Math.min(m, f.tail), Infinity);
      best = Math.max(best, head + loadTime(set, slots) + tail);
    }
  }
  return best;
}

/** The floor of one title's finished tasks: the larger of its critical path and every pool's capacity bound. */
export function titleFloor(state: SimState, sims: readonly SimTask[]): number {
  const tasks = sims.map((t) => floorTask(state, t));
  withPaths(tasks);
  let floor = tasks.reduce((m, f) => Math.max(m, f.head + shortest(f) + f.tail), 0);
  state.pools.forEach((pool, p) => {
    const own = tasks.filter((f) => f.sim.poolIdx === p);
    if (own.length > 0 && pool.slots > 0) floor = Math.max(floor, capacityBound(own, pool.slots));
  });
  return floor;
}

/**
 * Stretch of every published title that is not a deferred follow-up, by id: its turnaround over
 * its floor. Titles with no finished work (nothing ran) are left out.
 */
export function titleStretch(state: SimState): Map<string, number> {
  const byTitle = new Map<string, SimTask[]>();
  for (const t of state.tasks) {
    if (t.state !== TaskState.Done || t.end < t.start) continue;
    const list = byTitle.get(t.task.title);
    if (list) list.push(t);
    else byTitle.set(t.task.title, [t]);
  }
  const out = new Map<string, number>();
  for (const title of state.titles) {
    const tasks = byTitle.get(title.id);
    if (title.deferredFrom !== null || title.finish === null || title.failed !== null || !tasks) continue;
    const floor = titleFloor(state, tasks);
    // A title whose every task took no time has no floor to be stretched over.
    if (floor > 0) out.set(title.id, (title.finish - title.arrival) / floor);
  }
  return out;
}
