// The machines a pool's slots are on. A task runs on one node, so its width must fit in one node's
// free slots: on a farm, 16 free slots spread over four workers cannot run an 8-wide encode. The
// simulator and a local run have one node per pool holding all of its slots, where every rule
// below reduces to the pool-wide one (and plans stay byte-identical).
//
// Nodes come and go on a farm (src/farm): a worker joining adds slots to its pools; a worker lost
// takes its slots away at once, and the tasks it was running go back to ready, to start again
// wherever the scheduler next puts them. The pool's `slots` is always the live nodes' sum, so
// projections, reservations and deadline reviews see the farm as it is.
import { InternalError } from "../util/errors";
import { giveWork, makeReady, rekey, stopRunning } from "./dispatch";
import { type SimState, type SimTask, TaskState, taskWork } from "./state";

/** The most free slots on one live node of pool p: the widest task that can start there now. */
export function widestFree(state: SimState, p: number): number {
  const nodes = state.nodes[p]!;
  if (nodes.length === 1) return nodes[0]!.live ? nodes[0]!.free : 0;
  let best = 0;
  for (const n of nodes) if (n.live && n.free > best) best = n.free;
  return best;
}

/** The most slots one live node of pool p has: no task of the pool can be wider. */
export function widestNode(state: SimState, p: number): number {
  let best = 0;
  for (const n of state.nodes[p]!) if (n.live && n.slots > best) best = n.slots;
  return best;
}

/** The node a task of `slots` slots starts on: the live one it fits tightest (ties: the first). */
export function placeOn(state: SimState, p: number, slots: number): number {
  const nodes = state.nodes[p]!;
  let pick = -1;
  nodes.forEach((n, i) => {
    if (n.live && n.free >= slots && (pick < 0 || n.free < nodes[pick]!.free)) pick = i;
  });
  if (pick < 0) throw new InternalError(`no node of pool ${state.pools[p]!.id} has ${slots} free slots`);
  return pick;
}

function poolOf(state: SimState, pool: string): number {
  const p = state.poolIndex.get(pool);
  if (p === undefined) throw new InternalError(`no pool ${pool}`);
  return p;
}

function recount(state: SimState, p: number): void {
  const live = state.nodes[p]!.filter((n) => n.live);
  state.pools[p]!.slots = live.reduce((s, n) => s + n.slots, 0);
  state.freeSlots[p] = live.reduce((s, n) => s + n.free, 0);
}

/**
 * Replaces a pool's nodes by these (at the start of a farm run, before anything runs): the workers
 * that are live then. Only while nothing runs, so no task points at a node that goes away.
 */
export function setNodes(state: SimState, pool: string, nodes: readonly { id: string; slots: number }[]): void {
  const p = poolOf(state, pool);
  if (state.running[p]! > 0) throw new InternalError(`setNodes on pool ${pool} while tasks run`);
  state.nodes[p] = nodes.map((n) => ({ id: n.id, slots: n.slots, free: n.slots, live: true }));
  recount(state, p);
}

/** A node joined the pool (a new worker), or a lost one came back: its slots count from now. */
export function addNode(state: SimState, pool: string, id: string, slots: number): void {
  const p = poolOf(state, pool);
  const nodes = state.nodes[p]!;
  const known = nodes.find((n) => n.id === id);
  if (known?.live) throw new InternalError(`node ${id} of pool ${pool} is already live`);
  // A returning node's old entry stays dead: its lost tasks were requeued and point at nothing now.
  nodes.push({ id, slots, free: slots, live: true });
  recount(state, p);
}

/**
 * A node was lost (its worker died or stopped answering): its slots go at once and every task
 * running on it goes back to ready. Returns those tasks (the driver forgets their attempts).
 */
export function loseNode(state: SimState, pool: string, id: string): SimTask[] {
  const p = poolOf(state, pool);
  const at = state.nodes[p]!.findIndex((n) => n.id === id && n.live);
  if (at < 0) return [];
  const lost = state.tasks.filter((t) => t.state === TaskState.Running && t.poolIdx === p && t.node === at);
  for (const t of lost) requeue(state, t);
  state.nodes[p]![at]!.live = false;
  recount(state, p);
  return lost;
}

/**
 * A running task's next try goes to another live node of its pool with room for it, one not in
 * `avoid` (where it already failed): a farm retries a command elsewhere before it blames the
 * command. Tightest fit, as placeOn. False when no such node has the free slots: it stays put.
 */
export function moveNode(state: SimState, t: SimTask, avoid: ReadonlySet<string>): boolean {
  if (t.state !== TaskState.Running) throw new InternalError(`moveNode: task ${t.task.id} is not running`);
  const nodes = state.nodes[t.poolIdx]!;
  let pick = -1;
  nodes.forEach((n, i) => {
    if (i !== t.node && n.live && !avoid.has(n.id) && n.free >= t.task.slots && (pick < 0 || n.free < nodes[pick]!.free)) pick = i;
  });
  if (pick < 0) return false;
  nodes[t.node]!.free += t.task.slots;
  nodes[pick]!.free -= t.task.slots;
  t.node = pick;
  return true;
}

/** A running task goes back to ready, as if it had not started (its slot time so far counts as busy). */
export function requeue(state: SimState, t: SimTask): void {
  const title = state.titles[t.titleIdx]!;
  stopRunning(state, t, TaskState.Done);
  t.end = -1;
  // Its queued work comes back at its width then; the next start chooses the width again.
  giveWork(state, title, t.poolIdx, taskWork(t));
  makeReady(state, t);
  state.trace?.({ type: "task:requeue", at: state.now, task: t.task.id, title: title.id, pool: t.task.pool });
  rekey(state, title);
}
