// Projects when a deadline title will finish if nothing changes: the later of its remaining
// critical path and the time the farm needs to get through the work still running (tasks are not
// preempted), the work of every title due before it (earliest deadline first is what the urgency
// term converges to) and its own remaining work.
// Downgrade candidates are evaluated on the same projection with hypothetical modifications.
import { type SimState, type SimTitle, TaskState, taskWork } from "./state";

/** Hypothetical changes: encode work of a deliverable scaled, or tasks removed from the title. */
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

/** Slot-seconds per pool not yet started, after `mods`. */
function ownWork(state: SimState, title: SimTitle, mods: Mods | null): number[] {
  if (mods === null) return title.workByPool;
  const byPool = [...title.workByPool];
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.state !== TaskState.Waiting && t.state !== TaskState.Ready) continue;
    const full = taskWork(t);
    const kept = mods.removed.has(idx) ? 0 : scaled(state, idx, mods) * t.task.slots;
    byPool[t.poolIdx]! -= full - kept;
  }
  return byPool;
}

/** Slot-seconds still to run on pool p for tasks already started. */
function runningWork(state: SimState, p: number): number {
  const busy = state.pools[p]!.slots - state.freeSlots[p]!;
  return Math.max(0, state.runningSlotEnd[p]! - busy * state.now);
}

export function projectFinish(state: SimState, title: SimTitle, mods: Mods | null): number {
  const path = remainingPath(state, title, mods);
  const own = ownWork(state, title, mods);
  let load = 0;
  for (let p = 0; p < state.pools.length; p++) {
    if (own[p]! <= 0) continue;
    const ahead = title.deadlineRank >= 0 ? state.dueWork[p]!.prefix(title.deadlineRank) : 0;
    load = Math.max(load, (runningWork(state, p) + ahead + own[p]!) / state.pools[p]!.slots);
  }
  return state.now + Math.max(path, load);
}
