// The simulator's mutable state. Tasks and titles are addressed by dense integer indices so the
// hot loop works on arrays, not string maps; ids are only for output.
import type { AnalyticsEvent, DowngradeRecord, TaskFailure, PolicyConfig, Pool, Recipe, Rendition, Task, TierChange, Title } from "../model";
import type { CostModel } from "../cost/types";
import { holdsScratch, type TitlePipeline } from "../pipeline/expand";
import { initialViralState, type ViralState } from "../value/viral";
import { titleWeight } from "../value/weight";
import { EventQueue } from "./eventQueue";
import { Fenwick } from "./fenwick";
import { IndexedHeap } from "./heap";
import type { Policy } from "./policy";
import type { TraceSink } from "./trace";
import { type Allocation, fixWidths } from "./allocate";

export const enum TaskState {
  Waiting = 0,
  Ready = 1,
  Running = 2,
  Done = 3,
  Cancelled = 4,
  /** Ran and failed for good (the driver's tries and fallbacks are spent): its dependents never run. */
  Failed = 5,
}

export interface SimTask {
  idx: number;
  /**
   * The task's id as it was expanded: stable while a downgrade moves the task to a deferred
   * follow-up (which renames `task.id`), so a real run's journal finds it again on resume.
   */
  key: string;
  /** Owned by the scheduler (downgrades change its duration, preset, id and title). */
  task: Task;
  titleIdx: number;
  poolIdx: number;
  after: number[];
  dependents: number[];
  pendingDeps: number;
  state: TaskState;
  start: number;
  /** When the task ended (set by its completion; -1 before); while it runs the scheduler knows only `estEnd`. */
  end: number;
  /** When the scheduler expects a running task to end: start + its estimate, moved as it learns. */
  estEnd: number;
  /** While running: the node of its pool it runs on (an index into `SimState.nodes[pool]`); -1 otherwise. */
  node: number;
  /** The cost model's work for the task as configured now (presets change it), before any learning. */
  modelWork: number;
  /** At start: seconds the cost model alone predicted on the slots it got, and the scheduler's estimate then. */
  predicted: number;
  estimate: number;
}

export interface RenditionState {
  rendition: Rendition;
  /** Encode tasks and the join, if any. */
  tasks: number[];
  status: "active" | "dropped" | "deferred" | "failed";
}

export interface DeliverableState {
  deliverable: string;
  recipe: Recipe;
  renditions: RenditionState[];
  /** Index of the next downgrade step of the recipe's ladder. */
  nextStep: number;
}

export interface SimTitle {
  idx: number;
  id: string;
  /** A private copy: analytics events change its value figures during the run. */
  title: Title;
  /** The tier the title is served as now (its own, or the tier a viral promotion lifted it to). */
  tier: string;
  viral: ViralState;
  tierChanges: TierChange[];
  weight: number;
  arrival: number;
  deadline: number | null;
  /** Rank among deadline titles by (deadline, index); -1 without a deadline. */
  deadlineRank: number;
  /**
   * One past the last rank with the same deadline: titles due together form a group, and the
   * prefix of due work up to here is everything that must be done by this title's deadline.
   */
  groupEnd: number;
  /** First rank of the title's group: the prefix of due work before it is everything ahead of it. */
  groupStart: number;
  /** Projected finish at the last review (absolute seconds); the value policy's urgency uses it. */
  projected: number;
  /**
   * Seconds to spare: the least of the title's own (deadline − now − remaining path) and the
   * laxity of every deadline group due at or after it. Under earliest-deadline-first a later group
   * waits for this one, so a tight season drop at +6h makes a recap due at +5h just as urgent.
   */
  laxity: number;
  /** The group part of `laxity` at the last full refresh. */
  groupLaxity: number;
  /** In the policy's at-risk band at the last re-key. */
  atRisk: boolean;
  /**
   * Position of the title's block in the deadline sequence (src/sched/order.ts): the band is served
   * in this order. Under earliest-deadline-first, the group's groupEnd; otherwise the title's place.
   */
  sequenceBlock: number;
  /** In the band though not at risk itself: a title sequenced after it is, and waits for it. */
  bandFollower: boolean;
  tasks: number[];
  remainingTasks: number;
  remainingWork: number;
  workByPool: number[];
  remainingPath: number;
  /** Ready tasks per pool, longest first. */
  ready: number[][];
  parked: boolean[];
  arrived: boolean;
  finish: number | null;
  scratchNeed: number;
  admitted: boolean;
  scratchReleased: boolean;
  packagesLeft: number;
  downgrades: DowngradeRecord[];
  /** Why the title is held (a task failed for good and the rest of its work was cancelled), or null. */
  failed: TitleFailure | null;
  /** Renditions left out because they failed (`--partial publish`): the title is published without them. */
  failedRenditions: TitleFailure[];
  deliverables: DeliverableState[];
  followUp: number | null;
  deferredFrom: string | null;
  key: number;
  /** Ready tasks in all pools, and tasks running: a title waits while it has the first and not the second. */
  readyCount: number;
  runningCount: number;
  waitingSince: number | null;
  waited: number;
  /** Learning: Σ ln(actual ÷ model) over the title's finished encodes, their count, and the correction it gives. */
  learnLog: number;
  learnN: number;
  correction: number;
}

/** One machine's share of a pool. */
export interface PoolNode {
  id: string;
  slots: number;
  free: number;
  /** A lost node keeps its index (running tasks point at it) but has no slots. */
  live: boolean;
}

export interface SimState {
  now: number;
  tasks: SimTask[];
  titles: SimTitle[];
  pools: Pool[];
  poolIndex: Map<string, number>;
  freeSlots: number[];
  /**
   * Per pool, the machines its slots are on (src/sched/nodes.ts): a task runs on one. The simulator
   * and a local run have one node per pool; a farm one per live worker. `freeSlots` is their sum.
   */
  nodes: PoolNode[][];
  freeMemory: number[];
  freeScratch: number;
  heaps: IndexedHeap[];
  parkedTitles: number[][];
  /** Remaining work of deadline titles by deadline rank, one tree per pool. */
  dueWork: Fenwick[];
  /** The scheduler's own timed events (arrivals, aging, reviews, analytics); task ends come from the driver. */
  events: EventQueue;
  /** Tasks started by the dispatch in progress, in start order (the driver runs them). */
  started: number[];
  policy: Policy;
  trace: TraceSink | null;
  busySlotSeconds: number[];
  /** Slot-seconds a pool left idle while ready work waited in its queue (blocked or parked). */
  idleWhileQueued: number[];
  /** Σ slots × end over running tasks per pool: with the busy slots it gives the work still running. */
  runningSlotEnd: number[];
  running: number[];
  peakRunning: number[];
  scratchUsed: number;
  peakScratch: number;
  activeDeadline: Set<number>;
  /** Arrived, unfinished deadline titles by group (keyed by groupEnd), in arrival order. */
  activeGroups: Map<number, Set<number>>;
  /**
   * Per pool: the latest time a task of a title that is not at risk may still be running without
   * eating into the laxity of an at-risk title that has work left in the pool (Infinity: none).
   */
  guardUntil: number[];
  allocation: Allocation;
  /** Let lower-priority work start around a blocked head where it does not delay the head's reservation. */
  backfill: boolean;
  /** Per pool: predicted work (slot-seconds) of arrived titles not started yet. */
  queuedWork: number[];
  /** Per pool: running tasks by expected end (earliest first), for reservations. */
  runningEnds: IndexedHeap[];
  /** Titles in the policy's at-risk band, kept by `rekey`. */
  atRiskTitles: Set<number>;
  /** The deadline titles in the order the band serves them (src/sched/order.ts). */
  sequence: number[];
  /** The sequence must be searched again before the next dispatch (new deadline work, weights, capacity). */
  orderDirty: boolean;
  /** Estimates proved wrong since the last search: search again at the next review. */
  orderStale: boolean;
  /** Some title's own risk may have changed: update the band along the sequence before the next dispatch. */
  bandDirty: boolean;
  eventsProcessed: number;
  tasksDone: number;
  /** Tasks that failed for good (real runs only). */
  tasksFailed: number;
  titlesDone: number;
  lateTitles: number;
  runningEncodes: number;
  peakRunningEncodes: number;
  tiers: Record<string, number>;
  config: PolicyConfig;
  cost: CostModel;
  /** The workload's analytics events, then those reported while running; `value` events in the queue point into this list. */
  analytics: AnalyticsEvent[];
  titleIndex: Map<string, number>;
  /** Value changes not yet seen by a dispatch decision: title index and when it changed. */
  pendingChanges: { title: number; at: number }[];
  valueChangeDelays: number[];
  promotionDelays: number[];
  /** Analytics events ignored (unknown or published title), by title id. */
  ignoredEvents: Map<string, { count: number; first: number; why: string }>;
}

/** A task that failed for good, as the plan reports it. */
export type TitleFailure = TaskFailure;

/** The title whose source a task reads: its own, or for a deferred follow-up the original's. */
export function sourceTitle(state: SimState, t: SimTask): SimTitle {
  const owner = state.titles[t.titleIdx]!;
  return owner.deferredFrom === null ? owner : state.titles[state.titleIndex.get(owner.deferredFrom)!]!;
}

export function taskWork(t: SimTask): number {
  return t.task.duration * t.task.slots;
}

interface Rank {
  rank: number;
  groupStart: number;
  groupEnd: number;
}

/** Rank and group bounds of every deadline title, by (deadline, index). */
function deadlineRanks(pipelines: TitlePipeline[]): Map<number, Rank> {
  const withDeadline = pipelines
    .map((p, i) => ({ i, d: p.title.deadline }))
    .filter((x): x is { i: number; d: number } => x.d !== null)
    .sort((a, b) => a.d - b.d || a.i - b.i);
  const out = new Map<number, Rank>();
  for (let start = 0; start < withDeadline.length; ) {
    let end = start;
    while (end < withDeadline.length && withDeadline[end]!.d === withDeadline[start]!.d) end++;
    for (let rank = start; rank < end; rank++) out.set(withDeadline[rank]!.i, { rank, groupStart: start, groupEnd: end });
    start = end;
  }
  return out;
}

function newTitle(idx: number, source: Title, tiers: Record<string, number>, poolCount: number): SimTitle {
  const title = { ...source, value: { ...source.value } };
  return {
    idx,
    id: title.id,
    title,
    tier: title.tier,
    viral: initialViralState(),
    tierChanges: [],
    weight: titleWeight(title, tiers),
    arrival: title.arrival,
    deadline: title.deadline,
    deadlineRank: -1,
    groupEnd: -1,
    groupStart: -1,
    projected: 0,
    laxity: Infinity,
    groupLaxity: Infinity,
    atRisk: false,
    sequenceBlock: -1,
    bandFollower: false,
    tasks: [],
    remainingTasks: 0,
    remainingWork: 0,
    workByPool: new Array<number>(poolCount).fill(0),
    remainingPath: 0,
    ready: Array.from({ length: poolCount }, () => []),
    parked: new Array<boolean>(poolCount).fill(false),
    arrived: false,
    finish: null,
    scratchNeed: 0,
    admitted: false,
    scratchReleased: false,
    packagesLeft: 0,
    downgrades: [],
    failed: null,
    failedRenditions: [],
    deliverables: [],
    followUp: null,
    deferredFrom: null,
    key: 0,
    readyCount: 0,
    runningCount: 0,
    waitingSince: null,
    waited: 0,
    learnLog: 0,
    learnN: 0,
    correction: 1,
  };
}

export function addTask(state: SimState, title: SimTitle, task: Task): SimTask {
  const poolIdx = state.poolIndex.get(task.pool);
  if (poolIdx === undefined) throw new Error(`task ${task.id} names unknown pool ${task.pool}`);
  const st: SimTask = {
    idx: state.tasks.length,
    key: task.id,
    task,
    titleIdx: title.idx,
    poolIdx,
    after: [],
    dependents: [],
    pendingDeps: 0,
    state: TaskState.Waiting,
    start: -1,
    end: -1,
    estEnd: -1,
    node: -1,
    modelWork: task.work,
    predicted: 0,
    estimate: 0,
  };
  state.tasks.push(st);
  title.tasks.push(st.idx);
  title.remainingTasks++;
  const work = taskWork(st);
  title.remainingWork += work;
  title.workByPool[poolIdx]! += work;
  if (title.arrived) state.queuedWork[poolIdx]! += work;
  if (holdsScratch(task.kind)) title.scratchNeed += task.scratchGiB;
  if (task.kind === "package") title.packagesLeft++;
  return st;
}

export function link(state: SimState, from: number, to: number): void {
  const t = state.tasks[to]!;
  t.after.push(from);
  state.tasks[from]!.dependents.push(to);
  const dep = state.tasks[from]!;
  if (dep.state !== TaskState.Done) t.pendingDeps++;
}

/**
 * The simulator takes ownership of the pipeline's Task objects (expandAll makes fresh ones for
 * every run): copying 200,000 of them doubled the memory and the garbage collector's work.
 * Dependencies move to numeric `after` lists; the id strings are dropped.
 */
function addPipeline(state: SimState, p: TitlePipeline, title: SimTitle): void {
  const local = new Map<string, number>();
  for (const task of p.tasks) local.set(task.id, addTask(state, title, task).idx);
  for (const task of p.tasks) {
    const to = local.get(task.id)!;
    for (const a of task.after) link(state, local.get(a)!, to);
    task.after = [];
  }
  title.deliverables = p.deliverables.map((d) => ({
    deliverable: d.deliverable,
    recipe: d.recipe,
    nextStep: 0,
    renditions: d.renditions.map((r) => ({
      rendition: r.rendition,
      tasks: [...r.encodes, ...(r.join ? [r.join] : [])].map((id) => local.get(id)!),
      status: "active" as const,
    })),
  }));
}

export interface StateInput {
  pools: Pool[];
  scratchGiB: number | null;
  tiers: Record<string, number>;
  pipelines: TitlePipeline[];
  policy: Policy;
  config: PolicyConfig;
  events: readonly AnalyticsEvent[];
  cost: CostModel;
  trace: TraceSink | null;
  allocation: Allocation;
  backfill: boolean;
}

export function createState(input: StateInput): SimState {
  // A copy: a farm changes a pool's slots as workers come and go (src/sched/nodes.ts).
  const pools = input.pools.map((p) => ({ ...p }));
  const ranks = deadlineRanks(input.pipelines);
  const state: SimState = {
    now: 0,
    tasks: [],
    titles: [],
    pools,
    poolIndex: new Map(pools.map((p, i) => [p.id, i])),
    freeSlots: pools.map((p) => p.slots),
    nodes: pools.map((p) => [{ id: p.id, slots: p.slots, free: p.slots, live: true }]),
    freeMemory: pools.map((p) => p.memoryGiB ?? Infinity),
    freeScratch: input.scratchGiB ?? Infinity,
    heaps: pools.map(() => new IndexedHeap()),
    parkedTitles: pools.map(() => []),
    dueWork: pools.map(() => new Fenwick(ranks.size)),
    events: new EventQueue(),
    started: [],
    policy: input.policy,
    trace: input.trace,
    busySlotSeconds: pools.map(() => 0),
    idleWhileQueued: pools.map(() => 0),
    runningSlotEnd: pools.map(() => 0),
    running: pools.map(() => 0),
    peakRunning: pools.map(() => 0),
    scratchUsed: 0,
    peakScratch: 0,
    activeDeadline: new Set(),
    activeGroups: new Map(),
    guardUntil: pools.map(() => Infinity),
    allocation: input.allocation,
    backfill: input.backfill,
    queuedWork: pools.map(() => 0),
    runningEnds: pools.map(() => new IndexedHeap()),
    atRiskTitles: new Set(),
    sequence: [],
    orderDirty: false,
    orderStale: false,
    bandDirty: false,
    eventsProcessed: 0,
    tasksDone: 0,
    tasksFailed: 0,
    titlesDone: 0,
    lateTitles: 0,
    runningEncodes: 0,
    peakRunningEncodes: 0,
    tiers: input.tiers,
    config: input.config,
    cost: input.cost,
    analytics: [...input.events],
    titleIndex: new Map(input.pipelines.map((p, i) => [p.title.id, i])),
    pendingChanges: [],
    valueChangeDelays: [],
    promotionDelays: [],
    ignoredEvents: new Map(),
  };
  input.pipelines.forEach((p, i) => {
    const title = newTitle(i, p.title, input.tiers, pools.length);
    const r = ranks.get(i);
    title.deadlineRank = r?.rank ?? -1;
    title.groupStart = r?.groupStart ?? -1;
    title.groupEnd = r?.groupEnd ?? -1;
    title.sequenceBlock = title.groupEnd;
    state.titles.push(title);
    addPipeline(state, p, title);
  });
  if (input.allocation.mode === "fixed") fixWidths(state, input.allocation.slots);
  return state;
}

/** A follow-up title that carries renditions deferred past `from`'s release. */
export function createFollowUp(state: SimState, from: SimTitle): SimTitle {
  const id = `${from.id}+deferred`;
  const title = newTitle(state.titles.length, { ...from.title, id, arrival: state.now, deadline: null }, {}, state.pools.length);
  title.weight = from.weight;
  title.correction = from.correction;
  title.learnLog = from.learnLog;
  title.learnN = from.learnN;
  title.tier = from.tier;
  title.arrival = state.now;
  title.arrived = true;
  title.deferredFrom = from.id;
  state.titles.push(title);
  from.followUp = title.idx;
  return title;
}
