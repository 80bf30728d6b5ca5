// Projects when a deadline title will finish if nothing changes. Titles due at the same time form
// a group that must be done together; under earliest-deadline-first, the group starts in earnest
// once the work ahead of it is through: the work still running (tasks are not preempted) and every
// group due earlier. So, per pool the group has work in,
//   delay = (running work + work due before the group) / slots
//   span  = (the group's own remaining work) / slots
// and a member finishes at now + max(delay + span, delay + its own remaining critical path).
// Counting the whole group keeps the projection independent of the order inside the group, which
// the scheduler is free to choose. Downgrade candidates are evaluated on the same projection with
// hypothetical modifications of one or more titles.
import { runningWork } from "./allocate";
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
  return s === TaskState.Done || s === TaskState.Cancelled || s === TaskState.Failed || (mods !== null && mods.removed.has(idx));
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
    else if (t.state === TaskState.Running) f = Math.max(0, t.estEnd - state.now);
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

interface Timing {
  /** Seconds until the work ahead of the group is through. */
  delay: number;
  /** Seconds from now until the group's own work is through as well. */
  through: number;
}

/** When the work ahead of a group is through, and when the group's own work is (less `saved`). */
function groupTiming(state: SimState, title: SimTitle, saved: readonly number[]): Timing {
  let delay = 0;
  let through = 0;
  for (let p = 0; p < state.pools.length; p++) {
    const due = state.dueWork[p]!;
    const ahead = due.prefix(title.groupStart);
    const own = due.prefix(title.groupEnd) - ahead - saved[p]!;
    if (own <= 0) continue;
    const slots = state.pools[p]!.slots;
    // A farm pool with no live worker: the group's work there cannot get through.
    if (slots === 0) return { delay: Infinity, through: Infinity };
    const d = (runningWork(state, p) + ahead) / slots;
    delay = Math.max(delay, d);
    through = Math.max(through, d + own / slots);
  }
  return { delay, through };
}

/** Refreshes a title's remaining critical path, projected finish and own part of its laxity. */
export function updateProjection(state: SimState, title: SimTitle): void {
  const path = remainingPath(state, title, null);
  title.remainingPath = path;
  if (title.deadline === null) {
    title.projected = state.now + path;
    return;
  }
  const { delay, through } = groupTiming(state, title, new Array<number>(state.pools.length).fill(0));
  title.projected = state.now + Math.max(through, delay + path);
  title.laxity = Math.min(title.groupLaxity, title.deadline - state.now - delay - path);
}

/**
 * Recomputes every active deadline title's laxity: each group's spare time given the load due by
 * its deadline, then the minimum over that group and every later one (a suffix minimum in
 * deadline order), then each member's own critical path. Uses the paths from the last refresh.
 */
export function refreshLaxities(state: SimState): void {
  const groups = [...state.activeGroups.entries()].sort((a, b) => a[0] - b[0]);
  const none = new Array<number>(state.pools.length).fill(0);
  let suffix = Infinity;
  for (let i = groups.length - 1; i >= 0; i--) {
    const members = [...groups[i]![1]].map((idx) => state.titles[idx]!);
    const first = members[0]!;
    const { delay, through } = groupTiming(state, first, none);
    suffix = Math.min(suffix, first.deadline! - state.now - through);
    for (const t of members) {
      t.groupLaxity = suffix;
      t.laxity = Math.min(suffix, t.deadline! - state.now - delay - t.remainingPath);
    }
  }
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
  const { delay, through } = groupTiming(state, first, saved);
  return state.now + Math.max(through, delay + path);
}
