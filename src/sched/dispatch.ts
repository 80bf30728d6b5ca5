// The list scheduler's moves: a task becomes ready, a task starts, a task ends, a title finishes.
// Dispatch takes, per pool, the head of the policy's order and starts it at the width the
// allocator picks (src/sched/allocate.ts). A head that cannot start gets a reservation: the time
// its width is expected to be free, from the running tasks' expected ends. With backfill on, work
// further down the order may start around it only where that does not delay the reservation (it
// ends before the reserved time, or uses slots the head will not need then), as Slurm's backfill
// does; without it the head blocks its pool (strict order). Reservations are recomputed at every
// dispatch from the current estimates, so when tasks run longer or shorter than predicted, the
// reservations move with them. Scratch is the exception: a title that cannot get its scratch is
// parked until scratch frees, because blocking on it could deadlock the titles holding it.
import { amdahl } from "../cost/model";
import { estimateOn, type Reservation, startWidth } from "./allocate";
import { learnFrom } from "./learn";
import { placeOn } from "./nodes";
import { updateProjection } from "./projection";
import { type SimState, type SimTask, type SimTitle, TaskState, taskWork } from "./state";

function setAtRisk(state: SimState, title: SimTitle): void {
  title.atRisk = title.finish === null && (title.bandFollower || state.policy.atRisk(title, state.now));
  if (title.atRisk) state.atRiskTitles.add(title.idx);
  else state.atRiskTitles.delete(title.idx);
}

/** Re-computes a title's policy key and moves it in every pool heap it is queued in. */
export function rekey(state: SimState, title: SimTitle): void {
  title.key = state.policy.key(title, state.now);
  setAtRisk(state, title);
  for (let p = 0; p < state.heaps.length; p++) {
    if (state.heaps[p]!.has(title.idx)) state.heaps[p]!.update(title.idx, title.key);
  }
}

/** Keeps `ready` sorted longest first (LPT inside a title shortens its critical path), then by index. */
function insertReady(list: number[], state: SimState, idx: number): void {
  const d = state.tasks[idx]!.task.duration;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = state.tasks[list[mid]!]!;
    if (m.task.duration > d || (m.task.duration === d && m.idx < idx)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, idx);
}

/** After a title's estimates changed (a downgrade, learning): its ready lists longest first again. */
export function resortReady(state: SimState, title: SimTitle): void {
  title.ready.forEach((list) => list.sort((a, b) => state.tasks[b]!.task.duration - state.tasks[a]!.task.duration || a - b));
}

/** A title waits while it has work ready to run and none of it running; this keeps the tally. */
function updateWaiting(state: SimState, title: SimTitle): void {
  const waiting = title.finish === null && title.readyCount > 0 && title.runningCount === 0;
  if (waiting && title.waitingSince === null) title.waitingSince = state.now;
  if (!waiting && title.waitingSince !== null) {
    title.waited += state.now - title.waitingSince;
    title.waitingSince = null;
  }
}

export function enqueue(state: SimState, title: SimTitle, p: number): void {
  if (title.ready[p]!.length > 0 && !title.parked[p]) state.heaps[p]!.push(title.idx, title.key, title.idx);
}

export function makeReady(state: SimState, t: SimTask): void {
  t.state = TaskState.Ready;
  const title = state.titles[t.titleIdx]!;
  insertReady(title.ready[t.poolIdx]!, state, t.idx);
  title.readyCount++;
  updateWaiting(state, title);
  enqueue(state, title, t.poolIdx);
}

/** Takes a ready task out of its title's queue (it starts, or a downgrade removes it). */
export function unready(state: SimState, t: SimTask): void {
  const title = state.titles[t.titleIdx]!;
  const list = title.ready[t.poolIdx]!;
  const at = list.indexOf(t.idx);
  if (at >= 0) {
    list.splice(at, 1);
    title.readyCount--;
  }
  if (list.length === 0) state.heaps[t.poolIdx]!.remove(title.idx);
  t.state = TaskState.Waiting;
  updateWaiting(state, title);
}

export function arrive(state: SimState, title: SimTitle): void {
  title.arrived = true;
  state.trace?.({ type: "title:arrive", at: state.now, title: title.id });
  title.workByPool.forEach((w, p) => (state.queuedWork[p]! += w));
  if (title.deadlineRank >= 0) {
    state.activeDeadline.add(title.idx);
    const group = state.activeGroups.get(title.groupEnd) ?? new Set<number>();
    state.activeGroups.set(title.groupEnd, group.add(title.idx));
    title.workByPool.forEach((w, p) => state.dueWork[p]!.add(title.deadlineRank, w));
  }
  updateProjection(state, title);
  title.key = state.policy.key(title, state.now);
  setAtRisk(state, title);
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.pendingDeps === 0 && t.state === TaskState.Waiting) makeReady(state, t);
  }
}

/** Removes `work` of pool `p` from a title's remaining work (started, dropped or moved away). */
export function takeWork(state: SimState, title: SimTitle, p: number, work: number): void {
  title.remainingWork -= work;
  title.workByPool[p]! -= work;
  if (title.arrived) state.queuedWork[p]! -= work;
  if (title.deadlineRank >= 0 && title.arrived) state.dueWork[p]!.add(title.deadlineRank, -work);
}

/** Adds `work` of pool `p` to a title's remaining work (a deferred rendition moved in, an estimate grew). */
export function giveWork(state: SimState, title: SimTitle, p: number, work: number): void {
  takeWork(state, title, p, -work);
}

function start(state: SimState, t: SimTask, slots: number): void {
  const title = state.titles[t.titleIdx]!;
  unready(state, t);
  t.state = TaskState.Running;
  title.runningCount++;
  updateWaiting(state, title);
  const p = t.poolIdx;
  // The title's queued work counted the task at its planned width; take that off before the width changes.
  takeWork(state, title, p, taskWork(t));
  t.estimate = estimateOn(t, slots);
  t.predicted = t.task.parallel === null ? t.task.duration : amdahl(t.modelWork, slots, t.task.parallel);
  t.task.slots = slots;
  t.task.duration = t.estimate;
  t.start = state.now;
  t.estEnd = state.now + t.estimate;
  t.node = placeOn(state, p, slots);
  state.nodes[p]![t.node]!.free -= slots;
  state.freeSlots[p]! -= slots;
  state.freeMemory[p]! -= t.task.memoryGiB;
  state.running[p]! += 1;
  state.peakRunning[p] = Math.max(state.peakRunning[p]!, state.running[p]!);
  state.runningSlotEnd[p]! += slots * t.estEnd;
  state.runningEnds[p]!.push(t.idx, -t.estEnd, t.idx);
  if (t.task.kind === "encode") {
    state.runningEncodes++;
    state.peakRunningEncodes = Math.max(state.peakRunningEncodes, state.runningEncodes);
  }
  // The driver learns what started from this list (and, in simulation, draws when it ends).
  state.started.push(t.idx);
  state.trace?.({ type: "task:start", at: state.now, task: t.task.id, title: title.id, pool: t.task.pool, slots: t.task.slots });
  rekey(state, title);
}

function admit(state: SimState, title: SimTitle): boolean {
  if (title.admitted) return true;
  if (title.scratchNeed > state.freeScratch + 1e-9) return false;
  title.admitted = true;
  state.freeScratch -= title.scratchNeed;
  state.scratchUsed += title.scratchNeed;
  state.peakScratch = Math.max(state.peakScratch, state.scratchUsed);
  return true;
}

/** A title's intermediate files are packaged (or it finished): its scratch goes back. */
export function releaseTitleScratch(state: SimState, title: SimTitle): void {
  if (!title.admitted || title.scratchReleased) return;
  title.scratchReleased = true;
  releaseScratch(state, title.scratchNeed);
}

/** Gives scratch back (a title packaged, or a downgrade shrank its need) and wakes parked titles. */
export function releaseScratch(state: SimState, amount: number): void {
  if (amount <= 0) return;
  state.freeScratch += amount;
  state.scratchUsed -= amount;
  state.parkedTitles.forEach((list, p) => {
    for (const idx of list) {
      const title = state.titles[idx]!;
      title.parked[p] = false;
      enqueue(state, title, p);
    }
    list.length = 0;
  });
}

/**
 * Recomputes each pool's guard from the at-risk titles that still have work to start in it: a
 * reservation in the manner of backfilling, so that a long encode of a title with time to spare
 * does not take the slots an at-risk release needs the moment its analysis ends. While any title
 * waits for scratch there is no guard: the titles holding scratch must be free to finish and
 * release it, or nothing would ever move again.
 */
function updateGuards(state: SimState): void {
  state.guardUntil.fill(Infinity);
  if (state.parkedTitles.some((l) => l.length > 0)) return;
  for (const idx of state.atRiskTitles) {
    const t = state.titles[idx]!;
    t.workByPool.forEach((w, p) => {
      if (w > 0) state.guardUntil[p] = Math.min(state.guardUntil[p]!, state.now + Math.max(0, t.laxity));
    });
  }
}

/** Whether the guard keeps this task from starting now (on `slots` slots). */
function guarded(state: SimState, title: SimTitle, t: SimTask, slots: number): boolean {
  return !title.atRisk && state.now + estimateOn(t, slots) > state.guardUntil[t.poolIdx]!;
}

/** Parks a title that cannot get its scratch; false if it must wait instead. */
function parkIfNoScratch(state: SimState, title: SimTitle, t: SimTask, p: number): boolean {
  // The mezzanine is the first thing a normalised title writes: it is admitted then.
  if ((t.task.kind !== "encode" && t.task.kind !== "normalise") || admit(state, title)) return false;
  state.heaps[p]!.remove(title.idx);
  title.parked[p] = true;
  state.parkedTitles[p]!.push(title.idx);
  // A title now waits for scratch: that lifts the guards (see updateGuards).
  updateGuards(state);
  return true;
}

/** How far down the order a backfill pass looks: bounded so a blocked pool costs O(depth) per dispatch. */
export const BACKFILL_DEPTH = 32;

/** Starts work below a blocked head where it cannot delay the head's reservation. */
function backfill(state: SimState, p: number, head: number, r: Reservation): void {
  // A full pool is the common case under load: nothing to fill, skip the walk.
  if (state.freeSlots[p]! <= 0) return;
  const candidates: number[] = [];
  state.heaps[p]!.visitInOrder((idx) => {
    if (idx !== head) candidates.push(idx);
    return candidates.length < BACKFILL_DEPTH;
  });
  for (const idx of candidates) {
    if (state.freeSlots[p]! <= 0) return;
    const title = state.titles[idx]!;
    const ready = title.ready[p]!;
    if (ready.length === 0 || title.parked[p]) continue;
    // The longest task first (it is the one the title's critical path needs), else the shortest.
    for (const taskIdx of ready.length > 1 ? [ready[0]!, ready[ready.length - 1]!] : [ready[0]!]) {
      const t = state.tasks[taskIdx]!;
      const s = startWidth(state, title, t);
      if (s.slots === 0 || guarded(state, title, t, s.slots)) continue;
      const endsFirst = state.now + estimateOn(t, s.slots) <= r.at;
      if (!endsFirst && s.slots > r.spare) continue;
      if (parkIfNoScratch(state, title, t, p)) break;
      if (!endsFirst) r.spare -= s.slots;
      start(state, t, s.slots);
      break;
    }
  }
}

export function dispatchPool(state: SimState, p: number): void {
  const heap = state.heaps[p]!;
  for (;;) {
    const titleIdx = heap.peek();
    if (titleIdx === undefined) return;
    const title = state.titles[titleIdx]!;
    const t = state.tasks[title.ready[p]![0]!]!;
    const s = startWidth(state, title, t);
    if (s.slots === 0 || guarded(state, title, t, s.slots)) {
      if (state.backfill) backfill(state, p, titleIdx, s.slots === 0 ? { ...s.reservation } : guardReservation(state, p));
      return;
    }
    if (parkIfNoScratch(state, title, t, p)) continue;
    start(state, t, s.slots);
  }
}

/** A head held back by an at-risk title's guard: backfill may only use what ends before the guard. */
function guardReservation(state: SimState, p: number): Reservation {
  return { at: state.guardUntil[p]!, spare: 0 };
}

export function dispatch(state: SimState): void {
  // Fresh guards every time: cheap (few titles are at risk at once) and never stale.
  updateGuards(state);
  for (let p = 0; p < state.pools.length; p++) dispatchPool(state, p);
}

export function finishTitle(state: SimState, title: SimTitle): void {
  title.finish = state.now;
  state.activeDeadline.delete(title.idx);
  state.atRiskTitles.delete(title.idx);
  title.atRisk = false;
  const group = state.activeGroups.get(title.groupEnd);
  group?.delete(title.idx);
  if (group?.size === 0) state.activeGroups.delete(title.groupEnd);
  releaseTitleScratch(state, title);
  const onTime = title.deadline === null ? null : title.failed === null && title.finish <= title.deadline + 1e-9;
  state.titlesDone++;
  if (onTime === false) state.lateTitles++;
  state.trace?.({ type: "title:finish", at: state.now, title: title.id, onTime });
}

/** A running task stops (ended or failed) at now: its slots, memory and running counts go back. */
export function stopRunning(state: SimState, t: SimTask, next: TaskState.Done | TaskState.Failed): void {
  const title = state.titles[t.titleIdx]!;
  const p = t.poolIdx;
  t.state = next;
  t.end = state.now;
  state.busySlotSeconds[p]! += t.task.slots * (t.end - t.start);
  title.runningCount--;
  // A lost node's slots are gone: nothing comes back to the pool from a task that ran there.
  const node = state.nodes[p]![t.node]!;
  if (node.live) {
    node.free += t.task.slots;
    state.freeSlots[p]! += t.task.slots;
  }
  t.node = -1;
  state.freeMemory[p]! += t.task.memoryGiB;
  state.running[p]! -= 1;
  state.runningSlotEnd[p]! -= t.task.slots * t.estEnd;
  state.runningEnds[p]!.remove(t.idx);
  if (t.task.kind === "encode") state.runningEncodes--;
}

/** A task ended well after `seconds` of work: free its resources, release what waited on it. Returns its title. */
export function end(state: SimState, t: SimTask, seconds: number): SimTitle {
  const title = state.titles[t.titleIdx]!;
  stopRunning(state, t, TaskState.Done);
  learnFrom(state, title, t, seconds);
  state.tasksDone++;
  state.trace?.({ type: "task:end", at: state.now, task: t.task.id, title: title.id, pool: t.task.pool });
  for (const d of t.dependents) {
    const dep = state.tasks[d]!;
    dep.pendingDeps--;
    if (dep.pendingDeps === 0 && dep.state === TaskState.Waiting && state.titles[dep.titleIdx]!.arrived) makeReady(state, dep);
  }
  title.remainingTasks--;
  if (t.task.kind === "package") {
    title.packagesLeft--;
    // Every rendition is packaged: the intermediate files can go.
    if (title.packagesLeft === 0) releaseTitleScratch(state, title);
  }
  if (title.remainingTasks === 0) finishTitle(state, title);
  updateWaiting(state, title);
  return title;
}

export { updateWaiting };
