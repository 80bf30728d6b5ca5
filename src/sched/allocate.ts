// How many slots an encode gets. Encoders do not scale linearly (Amdahl: a fraction 1 − p of the
// work stays serial), so every slot added to one task is worth less than the one before. While a
// pool has more queued work than slots, the farm is fastest when each encode runs on as few slots
// as possible: no slot is spent on parallel overhead and the queue keeps every slot busy. Width
// only pays where time matters more than slot-seconds:
//  - the tail: a task that on one slot would still be running long after the pool's queue has
//    drained (the horizon) is widened until it ends by then, so the last encodes do not run alone
//    on an otherwise idle pool;
//  - deadlines: a task of a title with a deadline gets at least the width the cost model plans
//    it at (wide for long 4K and HD encodes, the critical path of a release; the deadline
//    projections assume it). Not wider while the pool is busy, even when the title is at risk:
//    a title at risk on a busy farm is short of slot-seconds, and width beyond the plan spends
//    them on parallel overhead (measured: scheduled-release went from 14 of 14 deadlines met to
//    6 of 14 when at-risk titles went to the widest useful width);
//  - memory: a task takes at least its memory's share of slots, so a memory-bound pool does not
//    leave slots idle behind a few large encodes.
// The baselines `vps bench cost` compares against give every encode the same fixed width instead.
import { amdahl } from "../cost/model";
import type { Pool } from "../model";
import { widestFree, widestNode } from "./nodes";
import type { SimState, SimTask, SimTitle } from "./state";

/**
 * predictive: the width is chosen at start (below); planned: the width the cost model gives each
 * rendition at expansion (`encodeSlots`); fixed: the same width for every encode.
 */
export type Allocation = { mode: "predictive" } | { mode: "planned" } | { mode: "fixed"; slots: number };

export const PREDICTIVE: Allocation = { mode: "predictive" };

/** Slots are worth adding while each one does at least this share of a slot's work. */
export const EFFICIENCY_FLOOR = 0.5;

/** Parallel efficiency of `slots` slots: speedup ÷ slots. */
export function efficiency(parallel: number, slots: number): number {
  return 1 / (slots * (1 - parallel) + parallel);
}

/** The widest width whose efficiency stays at or above the floor. */
export function widestUseful(parallel: number, poolSlots: number): number {
  // A task with no parallel part would score exactly the floor on two slots; it gains nothing.
  if (parallel <= 0) return 1;
  let s = 1;
  while (s < poolSlots && efficiency(parallel, s + 1) >= EFFICIENCY_FLOOR) s++;
  return s;
}

/** Slots a task needs so that its memory is no larger than its slots' share of the pool's memory. */
export function memoryWidth(memoryGiB: number, pool: Pool): number {
  if (pool.memoryGiB === null || pool.memoryGiB <= 0) return 1;
  return Math.min(pool.slots, Math.max(1, Math.ceil(memoryGiB / (pool.memoryGiB / pool.slots) - 1e-9)));
}

/** Every encode gets the same width (capped by its pool): the naive allocation `vps bench cost` measures. */
export function fixWidths(state: SimState, slots: number): void {
  for (const t of state.tasks) {
    const p = t.task.parallel;
    if (p === null) continue;
    const title = state.titles[t.titleIdx]!;
    const before = t.task.duration * t.task.slots;
    t.task.slots = Math.min(slots, state.pools[t.poolIdx]!.slots);
    t.task.duration = amdahl(t.task.work, t.task.slots, p);
    const delta = t.task.duration * t.task.slots - before;
    title.remainingWork += delta;
    title.workByPool[t.poolIdx]! += delta;
  }
}

/** Slot-seconds still to run on pool p for tasks already started, by their expected ends. */
export function runningWork(state: SimState, p: number): number {
  const busy = state.pools[p]!.slots - state.freeSlots[p]!;
  return Math.max(0, state.runningSlotEnd[p]! - busy * state.now);
}

/** Seconds until pool p has worked through what is queued and running, with every slot busy. */
export function horizon(state: SimState, p: number): number {
  // A farm pool whose workers are all gone has no slots: nothing queued there gets through.
  const slots = state.pools[p]!.slots;
  return slots > 0 ? (state.queuedWork[p]! + runningWork(state, p)) / slots : Infinity;
}

/** The width the allocator wants for a task now (before looking at what is free). */
export function wantedWidth(state: SimState, title: SimTitle, t: SimTask): number {
  const parallel = t.task.parallel;
  if (parallel === null || state.allocation.mode !== "predictive") return t.task.slots;
  const pool = state.pools[t.poolIdx]!;
  // No task is wider than one node (on one machine, the pool).
  const node = widestNode(state, t.poolIdx);
  const widest = widestUseful(parallel, node);
  const by = horizon(state, t.poolIdx);
  let want = title.deadline === null ? 1 : Math.min(widest, t.task.slots);
  while (want < widest && amdahl(t.task.work, want, parallel) > by) want++;
  return Math.min(node, Math.max(want, memoryWidth(t.task.memoryGiB, pool)));
}

/** The scheduler's estimate of a task's wall seconds on `slots` slots. */
export function estimateOn(t: SimTask, slots: number): number {
  const p = t.task.parallel;
  return p === null ? t.task.duration : amdahl(t.task.work, slots, p);
}

export interface Reservation {
  /** When `need` slots are expected free: the blocked task's expected start (Infinity: the pool is too small). */
  at: number;
  /** Slots expected free at that time beyond the `need`; backfill may keep them longer. */
  spare: number;
}

/**
 * The earliest time `need` slots of pool p are free, by the running tasks' expected ends (a task
 * past its estimate is expected to end now), and what is spare then: one walk over the running
 * tasks in order of expected end.
 */
export function reserve(state: SimState, p: number, need: number): Reservation {
  let free = state.freeSlots[p]!;
  let at = free >= need ? state.now : Infinity;
  state.runningEnds[p]!.visitInOrder((idx) => {
    const t = state.tasks[idx]!;
    const end = Math.max(state.now, t.estEnd);
    if (end > at) return false;
    free += t.task.slots;
    if (free >= need && at === Infinity) at = end;
    return true;
  });
  return { at, spare: Number.isFinite(at) ? Math.max(0, free - need) : 0 };
}

/**
 * The fewest slots a task may start on when its wanted width is not free: its memory share, and
 * for a deadline title the planned width (the projections count on it). Planned and fixed
 * widths are exactly that wide.
 */
function narrowest(state: SimState, title: SimTitle, t: SimTask): number {
  if (t.task.parallel === null || state.allocation.mode !== "predictive") return t.task.slots;
  const memory = memoryWidth(t.task.memoryGiB, state.pools[t.poolIdx]!);
  return title.deadline === null ? memory : Math.max(memory, t.task.slots);
}

export interface Start {
  /** Slots to start with now, or 0: the task should wait for `wanted` slots (its reservation). */
  slots: number;
  wanted: number;
  reservation: Reservation;
}

/**
 * Starts narrower than wanted only when that ends sooner than waiting for the wanted width; a
 * task of fixed width waits for its width. Memory must fit as well.
 */
export function startWidth(state: SimState, title: SimTitle, t: SimTask): Start {
  const p = t.poolIdx;
  const wanted = wantedWidth(state, title, t);
  // What one node has free: a task runs on one (the pool's free slots when it has one node).
  const free = widestFree(state, p);
  const memOk = t.task.memoryGiB <= state.freeMemory[p]! + 1e-9;
  if (wanted <= free && memOk) return { slots: wanted, wanted, reservation: { at: state.now, spare: free - wanted } };
  const reservation = reserve(state, p, wanted);
  const floor = narrowest(state, title, t);
  if (memOk && free >= floor && free > 0 && state.now + estimateOn(t, free) <= reservation.at + estimateOn(t, wanted)) {
    return { slots: free, wanted, reservation };
  }
  return { slots: 0, wanted, reservation };
}
