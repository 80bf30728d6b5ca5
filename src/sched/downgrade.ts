// Deadlines with quality adjustment. When a deadline group's projected finish misses its deadline,
// take the cheapest available steps of its titles' downgrade ladders (lowest quality cost first,
// across the whole group, so every episode of a season drop gets a faster preset before any loses
// its top rung; within a deliverable, ladder order) until the projection fits, then apply them to
// the tasks that have not started and record each in the plan. A group projected on time is never
// touched. If even every step cannot save it, every step that helps is applied anyway: a release
// that is late regardless should be as little late as possible, and its farm time goes to others.

/** Projections are sums of floating-point seconds; differences below this are noise. */
const EPS = 1e-6;

/**
 * The deadline a group is planned to: a projection is an estimate (tasks wait for slots in ways
 * it only approximates), so a plan that lands exactly on the deadline misses it by seconds as
 * often as not. Keep a buffer of 2% of the time left, at least a minute.
 */
export function plannedDeadline(deadline: number, now: number): number {
  return deadline - Math.max(60, 0.02 * (deadline - now));
}
import type { DowngradeRecord, DowngradeStep } from "../model";
import { giveWork, makeReady, rekey, resortReady, releaseScratch, takeWork, unready } from "./dispatch";
import { type Mods, noMods, projectGroup, updateProjection } from "./projection";
import {
  addTask,
  createFollowUp,
  type DeliverableState,
  link,
  type RenditionState,
  type SimState,
  type SimTask,
  type SimTitle,
  TaskState,
  taskWork,
} from "./state";

interface Candidate {
  title: SimTitle;
  deliverable: DeliverableState;
  stepIndex: number;
  step: DowngradeStep;
  rendition: RenditionState | null;
}

interface Choice extends Candidate {
  timeSaved: number;
}

function notStarted(state: SimState, r: RenditionState): boolean {
  return r.tasks.every((i) => {
    const s = state.tasks[i]!.state;
    return s === TaskState.Waiting || s === TaskState.Ready;
  });
}

function activeRenditions(d: DeliverableState, mods: Mods): RenditionState[] {
  return d.renditions.filter((r) => r.status === "active" && !mods.removed.has(r.tasks[0]!));
}

/** The rendition a step would remove, null if the step changes presets, undefined if it cannot apply. */
function target(state: SimState, d: DeliverableState, step: DowngradeStep, mods: Mods): RenditionState | null | undefined {
  const active = activeRenditions(d, mods);
  if (step.step === "faster-preset") {
    const pending = active.some((r) => r.tasks.some((i) => state.tasks[i]!.task.kind === "encode" && state.tasks[i]!.state <= TaskState.Ready));
    return pending && !mods.factor.has(d.deliverable) ? null : undefined;
  }
  // A deliverable always keeps at least one rendition: dropping the last would not be a downgrade.
  if (active.length < 2) return undefined;
  const r = step.step === "drop-top-rung" ? active[0] : active.find((x) => x.rendition.name === step.rendition);
  return r && notStarted(state, r) ? r : undefined;
}

/** The next applicable step of every deliverable of every title in the group. */
function candidates(state: SimState, group: readonly SimTitle[], cursor: Map<DeliverableState, number>, mods: Map<SimTitle, Mods>): Candidate[] {
  const out: Candidate[] = [];
  for (const title of group) {
    for (const d of title.deliverables) {
      const steps = d.recipe.downgrades;
      for (let i = cursor.get(d)!; i < steps.length; i++) {
        const rendition = target(state, d, steps[i]!, mods.get(title)!);
        if (rendition === undefined) continue;
        out.push({ title, deliverable: d, stepIndex: i, step: steps[i]!, rendition });
        break;
      }
    }
  }
  // Cheapest quality first; among equals the title due first in the group, then deliverable order.
  return out.sort((a, b) => a.step.qualityCost - b.step.qualityCost || a.title.deadlineRank - b.title.deadlineRank);
}

/** Applies a candidate to the hypothetical mods; returns how to take it back. */
function hypothesise(c: Candidate, mods: Mods): () => void {
  if (c.step.step === "faster-preset") {
    mods.factor.set(c.deliverable.deliverable, c.step.workFactor);
    return () => mods.factor.delete(c.deliverable.deliverable);
  }
  const tasks = c.rendition!.tasks;
  tasks.forEach((i) => mods.removed.add(i));
  return () => tasks.forEach((i) => mods.removed.delete(i));
}

/**
 * Greedy plan for a deadline group projected late: repeatedly take the cheapest step (over every
 * title in the group) that brings the projection forward, until it fits or nothing helps. A step
 * that does not help now (say, another title's critical path is what binds) stays available.
 */
function planSteps(state: SimState, group: readonly SimTitle[], deadline: number): Choice[] {
  const mods = new Map(group.map((t) => [t, noMods()]));
  const cursor = new Map(group.flatMap((t) => t.deliverables.map((d) => [d, d.nextStep] as const)));
  let current = projectGroup(state, group, mods);
  const chosen: Choice[] = [];
  while (current > deadline + EPS) {
    let progressed = false;
    for (const c of candidates(state, group, cursor, mods)) {
      const undo = hypothesise(c, mods.get(c.title)!);
      const next = projectGroup(state, group, mods);
      if (next < current - EPS) {
        cursor.set(c.deliverable, c.stepIndex + 1);
        chosen.push({ ...c, timeSaved: current - next });
        current = next;
        progressed = true;
        break;
      }
      undo();
    }
    if (!progressed) break;
  }
  return chosen;
}

function shrinkScratch(state: SimState, title: SimTitle, t: SimTask): void {
  if (t.task.kind !== "encode") return;
  title.scratchNeed -= t.task.scratchGiB;
  if (title.admitted && !title.scratchReleased) releaseScratch(state, t.task.scratchGiB);
}

/**
 * Detaches a not-started task from its title: its work, scratch and dependents no longer count it.
 * Links inside `group` (a rendition's chunks and their join) stay, so a join is never released
 * early by the removal of the chunks it joins.
 */
function detach(state: SimState, title: SimTitle, t: SimTask, group: ReadonlySet<number>): void {
  if (t.state === TaskState.Ready) unready(state, t);
  takeWork(state, title, t.poolIdx, taskWork(t));
  title.remainingTasks--;
  shrinkScratch(state, title, t);
  unlink(state, title, t, group);
}

/**
 * Takes a task out of its title's DAG: dependents outside `group` no longer wait for it (they are
 * released if it was all they waited for) and the title's task list drops it.
 */
export function unlink(state: SimState, title: SimTitle, t: SimTask, group: ReadonlySet<number>): void {
  const outside = (d: number): boolean => state.tasks[d]!.titleIdx === title.idx && !group.has(d);
  for (const d of t.dependents) {
    if (!outside(d)) continue;
    const dep = state.tasks[d]!;
    dep.after = dep.after.filter((a) => a !== t.idx);
    dep.pendingDeps--;
    if (dep.pendingDeps === 0 && dep.state === TaskState.Waiting && title.arrived) makeReady(state, dep);
  }
  t.dependents = t.dependents.filter((d) => !outside(d));
  title.tasks = title.tasks.filter((i) => i !== t.idx);
}

function applyPreset(state: SimState, title: SimTitle, d: DeliverableState, preset: string, factor: number): void {
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.task.kind !== "encode" || t.task.deliverable !== d.deliverable || t.state > TaskState.Ready) continue;
    const before = taskWork(t);
    t.task.duration *= factor;
    t.task.work *= factor;
    t.modelWork *= factor;
    t.task.preset = preset;
    takeWork(state, title, t.poolIdx, before - taskWork(t));
  }
  // Durations changed: keep each pool's ready list longest first.
  resortReady(state, title);
}

/** Cancels the rendition's tasks that have not started (all of them, for a downgrade), detached from the title. */
export function drop(state: SimState, title: SimTitle, r: RenditionState, status: "dropped" | "failed" = "dropped"): void {
  r.status = status;
  const group = new Set(r.tasks);
  for (const i of r.tasks) {
    const t = state.tasks[i]!;
    if (t.state !== TaskState.Waiting && t.state !== TaskState.Ready) continue;
    detach(state, title, t, group);
    t.state = TaskState.Cancelled;
  }
}

/** Moves a rendition to the title's follow-up, which encodes and packages it after the release. */
function defer(state: SimState, title: SimTitle, d: DeliverableState, r: RenditionState): void {
  r.status = "deferred";
  const finals = title.tasks.filter((i) => !state.tasks[i]!.dependents.some((x) => state.tasks[x]!.titleIdx === title.idx));
  const fu = title.followUp === null ? createFollowUp(state, title) : state.titles[title.followUp]!;
  const group = new Set(r.tasks);
  for (const i of r.tasks) {
    const t = state.tasks[i]!;
    detach(state, title, t, group);
    t.titleIdx = fu.idx;
    t.task.title = fu.id;
    t.task.id = fu.id + t.task.id.slice(title.id.length);
    fu.tasks.push(i);
    fu.remainingTasks++;
    giveWork(state, fu, t.poolIdx, taskWork(t));
    if (t.task.kind === "encode") {
      fu.scratchNeed += t.task.scratchGiB;
      finals.forEach((f) => link(state, f, i));
    }
  }
  const exit = r.tasks[r.tasks.length - 1]!;
  const pkg = addTask(state, fu, {
    ...state.tasks[exit]!.task,
    id: `${fu.id}/package/${d.deliverable}/${r.rendition.name}`,
    kind: "package",
    slots: 1,
    duration: state.cost.packageDuration(fu.title.content, 1),
    work: state.cost.packageDuration(fu.title.content, 1),
    parallel: null,
    memoryGiB: 0.5,
    scratchGiB: 0,
    after: [],
    chunk: null,
    preset: null,
    recipe: null,
  });
  link(state, exit, pkg.idx);
  const publish = fu.tasks.map((i) => state.tasks[i]!).find((t) => t.task.kind === "publish");
  const pub = publish ?? addTask(state, fu, { ...pkg.task, id: `${fu.id}/publish`, kind: "publish", duration: state.cost.publishDuration(), work: state.cost.publishDuration(), deliverable: null, rendition: null });
  link(state, pkg.idx, pub.idx);
  // Keep the follow-up's task list topological: publish last.
  fu.tasks = [...fu.tasks.filter((i) => i !== pub.idx), pub.idx];
  fu.key = state.policy.key(fu, state.now);
}

function record(state: SimState, c: Choice): void {
  const rec: DowngradeRecord = {
    step: c.step.step,
    at: state.now,
    deliverable: c.deliverable.deliverable,
    timeSaved: c.timeSaved,
    qualityCost: c.step.qualityCost,
  };
  if (c.rendition) rec.rendition = c.rendition.rendition.name;
  if (c.step.step === "faster-preset") rec.preset = c.step.preset;
  c.title.downgrades.push(rec);
  state.trace?.({ type: "downgrade:apply", at: state.now, title: c.title.id, downgrade: rec });
}

function apply(state: SimState, c: Choice): void {
  const s = c.step;
  if (s.step === "faster-preset") applyPreset(state, c.title, c.deliverable, s.preset, s.workFactor);
  else if (s.step === "drop-top-rung") drop(state, c.title, c.rendition!);
  else defer(state, c.title, c.deliverable, c.rendition!);
  c.deliverable.nextStep = c.stepIndex + 1;
  record(state, c);
}

/** Titles still running that are due at the same time as `title` (itself included), in rank order. */
export function groupOf(state: SimState, title: SimTitle): SimTitle[] {
  const members = state.activeGroups.get(title.groupEnd);
  if (!members) return [];
  return [...members].map((i) => state.titles[i]!).sort((a, b) => a.deadlineRank - b.deadlineRank);
}

/**
 * Checks a deadline group and downgrades its titles if its projection misses the deadline.
 * A group projected on time is never touched. Returns the titles that changed.
 */
export function reviewGroup(state: SimState, group: readonly SimTitle[]): SimTitle[] {
  const deadline = group[0]?.deadline;
  if (deadline === undefined || deadline === null) return [];
  const steps = planSteps(state, group, plannedDeadline(deadline, state.now));
  for (const c of steps) apply(state, c);
  // Work came off deadline titles: the sequence of least weighted tardiness may have changed.
  if (steps.length > 0) state.orderDirty = true;
  const changed = [...new Set(steps.map((c) => c.title))];
  for (const t of changed) {
    updateProjection(state, t);
    rekey(state, t);
  }
  return changed;
}
