// Projects when a deadline title will finish if nothing changes. Titles due at the same time form
// a group that must be done together, so the projection is the later of
//   - the title's own remaining critical path, and
//   - the time the pool needs for the work still running (tasks are not preempted) plus all work
//     due by the title's deadline (its own group and every earlier one), over the pool's slots.
// Counting the whole group keeps the projection independent of the order inside the group, which
// the scheduler is free to choose. Downgrade candidates are evaluated on the same projection with
// hypothetical modifications of one or more titles.
import { type SimState, type SimTitle, TaskState, taskWork } from "./state";

/** Hypothetical changes to one title: encode work of a deliverable scaled, or tasks removed. */
export interface Mods {
  factor: Map<string, number>;
  removed: Set<number>;
}

export function noMods(): Mods {
  return { factor: new Map(), removed: new Set() };
}

let finishAt = new Float64Array(1024);

function scaled(state: SimState, idx: number, mods: Mods | null): number {
  const t = state.tasks[idx]!.task;
  if (mods === null || t.kind !== "encode" || t.deliverable === null) return t.duration;
  return t.duration * (mods.factor.get(t.deliverable) ?? 1);
}

function ignored(state: SimState, idx: number, mods: Mods | null): boolean {
  const s = state.tasks[idx]!.state;
  return s === TaskState.Done || s === TaskState.Cancelled || (mods !== null && mods.removed.has(idx));
}

/** Seconds from now until the title's last task could end with unlimited capacity. */
export function remainingPath(state: SimState, title: SimTitle, mods: Mods | null): number {
  if (finishAt.length < state.tasks.length) finishAt = new Float64Array(state.tasks.length * 2);
  let path = 0;
  // title.tasks is in topological order, so every dependency inside the title is already computed.
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    let f = 0;
    if (ignored(state, idx, mods)) f = 0;
    else if (t.state === TaskState.Running) f = t.end - state.now;
    else {
      let ready = 0;
      for (const a of t.after) if (state.tasks[a]!.titleIdx === title.idx) ready = Math.max(ready, finishAt[a]!);
      f = ready + scaled(state, idx, mods);
    }
    finishAt[idx] = f;
    path = Math.max(path, f);
  }
  return path;
}

/** Slot-seconds per pool that `mods` would take off the title's not-started work. */
export function savedWork(state: SimState, title: SimTitle, mods: Mods): number[] {
  const saved = new Array<number>(state.pools.length).fill(0);
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.state !== TaskState.Waiting && t.state !== TaskState.Ready) continue;
    const kept = mods.removed.has(idx) ? 0 : scaled(state, idx, mods) * t.task.slots;
    saved[t.poolIdx]! += taskWork(t) - kept;
  }
  return saved;
}

/** Slot-seconds still to run on pool p for tasks already started. */
function runningWork(state: SimState, p: number): number {
  const busy = state.pools[p]!.slots - state.freeSlots[p]!;
  return Math.max(0, state.runningSlotEnd[p]! - busy * state.now);
}

/** Seconds the pools need for running work plus all work due by the group's deadline, less `saved`. */
function loadTime(state: SimState, groupEnd: number, ownWork: readonly number[], saved: readonly number[]): number {
  let load = 0;
  for (let p = 0; p < state.pools.length; p++) {
    const due = groupEnd >= 0 ? state.dueWork[p]!.prefix(groupEnd) : ownWork[p]!;
    if (due - saved[p]! <= 0) continue;
    load = Math.max(load, (runningWork(state, p) + due - saved[p]!) / state.pools[p]!.slots);
  }
  return load;
}

/** Refreshes a title's remaining critical path and projected finish (absolute seconds). */
export function updateProjection(state: SimState, title: SimTitle): void {
  const path = remainingPath(state, title, null);
  title.remainingPath = path;
  const none = new Array<number>(state.pools.length).fill(0);
  const load = title.deadline === null ? 0 : loadTime(state, title.groupEnd, title.workByPool, none);
  title.projected = state.now + Math.max(path, load);
}

/**
 * Projected finish of a deadline group under hypothetical modifications of its titles: the
 * latest of every member's own path and the group's shared load.
 */
export function projectGroup(state: SimState, group: readonly SimTitle[], mods: ReadonlyMap<SimTitle, Mods>): number {
  const first = group[0];
  if (!first) return state.now;
  const saved = new Array<number>(state.pools.length).fill(0);
  let path = 0;
  for (const title of group) {
    const m = mods.get(title) ?? null;
    path = Math.max(path, remainingPath(state, title, m));
    if (m) savedWork(state, title, m).forEach((w, p) => (saved[p]! += w));
  }
  return state.now + Math.max(path, loadTime(state, first.groupEnd, first.workByPool, saved));
}
