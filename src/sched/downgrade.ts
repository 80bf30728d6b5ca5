// Deadlines with quality adjustment. When a deadline title's projected finish misses its deadline,
// take the cheapest available steps of its deliverables' downgrade ladders (lowest quality cost
// first; within a deliverable, ladder order) until the projection fits, then apply them to the
// tasks that have not started and record each in the plan. A title projected on time is never
// touched. If even every step cannot save it, all of them are applied anyway: a release that is
// late regardless should be as little late as possible, and its farm time goes back to others.
import type { DowngradeRecord, DowngradeStep } from "../model";
import { packageDuration } from "../cost/model";
import { makeReady, rekey, releaseScratch, takeWork, unready } from "./dispatch";
import { type Mods, noMods, projectFinish, remainingPath } from "./projection";
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

interface Choice {
  deliverable: DeliverableState;
  stepIndex: number;
  step: DowngradeStep;
  rendition: RenditionState | null;
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
  // A deliverable always keeps at least one rendition: dropping the last would not be a downgrade.
  if (step.step === "faster-preset") {
    const pending = active.some((r) => r.tasks.some((i) => state.tasks[i]!.task.kind === "encode" && state.tasks[i]!.state <= TaskState.Ready));
    return pending && !mods.factor.has(d.deliverable) ? null : undefined;
  }
  if (active.length < 2) return undefined;
  const r = step.step === "drop-top-rung" ? active[0] : active.find((x) => x.rendition.name === step.rendition);
  return r && notStarted(state, r) ? r : undefined;
}

function nextChoice(state: SimState, title: SimTitle, cursor: Map<DeliverableState, number>, mods: Mods): Omit<Choice, "timeSaved"> | null {
  let best: Omit<Choice, "timeSaved"> | null = null;
  for (const d of title.deliverables) {
    const steps = d.recipe.downgrades;
    for (let i = cursor.get(d)!; i < steps.length; i++) {
      const step = steps[i]!;
      const rendition = target(state, d, step, mods);
      if (rendition === undefined) continue;
      if (!best || step.qualityCost < best.step.qualityCost) best = { deliverable: d, stepIndex: i, step, rendition };
      break;
    }
  }
  return best;
}

function hypothesise(c: Omit<Choice, "timeSaved">, mods: Mods): void {
  if (c.step.step === "faster-preset") mods.factor.set(c.deliverable.deliverable, c.step.workFactor);
  else c.rendition!.tasks.forEach((i) => mods.removed.add(i));
}

/** Greedy plan of steps; empty when the title is projected on time. */
function planSteps(state: SimState, title: SimTitle, deadline: number): Choice[] {
  let current = projectFinish(state, title, null);
  const chosen: Choice[] = [];
  const mods = noMods();
  const cursor = new Map(title.deliverables.map((d) => [d, d.nextStep]));
  while (current > deadline + 1e-9) {
    const c = nextChoice(state, title, cursor, mods);
    if (!c) break;
    hypothesise(c, mods);
    cursor.set(c.deliverable, c.stepIndex + 1);
    const next = projectFinish(state, title, mods);
    chosen.push({ ...c, timeSaved: Math.max(0, current - next) });
    current = next;
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
    t.task.preset = preset;
    takeWork(state, title, t.poolIdx, before - taskWork(t));
  }
  // Durations changed: keep each pool's ready list longest first.
  title.ready.forEach((list) => list.sort((a, b) => state.tasks[b]!.task.duration - state.tasks[a]!.task.duration || a - b));
}

function drop(state: SimState, title: SimTitle, r: RenditionState): void {
  r.status = "dropped";
  const group = new Set(r.tasks);
  for (const i of r.tasks) {
    detach(state, title, state.tasks[i]!, group);
    state.tasks[i]!.state = TaskState.Cancelled;
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
    fu.remainingWork += taskWork(t);
    fu.workByPool[t.poolIdx]! += taskWork(t);
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
    duration: packageDuration(fu.title.content, 1),
    memoryGiB: 0.5,
    scratchGiB: 0,
    after: [],
    chunk: null,
    preset: null,
  });
  link(state, exit, pkg.idx);
  const publish = fu.tasks.map((i) => state.tasks[i]!).find((t) => t.task.kind === "publish");
  const pub = publish ?? addTask(state, fu, { ...pkg.task, id: `${fu.id}/publish`, kind: "publish", duration: 30, deliverable: null, rendition: null });
  link(state, pkg.idx, pub.idx);
  // Keep the follow-up's task list topological: publish last.
  fu.tasks = [...fu.tasks.filter((i) => i !== pub.idx), pub.idx];
  fu.key = state.policy.key(fu, state.now);
}

function record(state: SimState, title: SimTitle, c: Choice): DowngradeRecord {
  const rec: DowngradeRecord = {
    step: c.step.step,
    at: state.now,
    deliverable: c.deliverable.deliverable,
    timeSaved: c.timeSaved,
    qualityCost: c.step.qualityCost,
  };
  if (c.rendition) rec.rendition = c.rendition.rendition.name;
  if (c.step.step === "faster-preset") rec.preset = c.step.preset;
  title.downgrades.push(rec);
  state.trace?.({ type: "downgrade:apply", at: state.now, title: title.id, downgrade: rec });
  return rec;
}

function apply(state: SimState, title: SimTitle, c: Choice): void {
  const s = c.step;
  if (s.step === "faster-preset") applyPreset(state, title, c.deliverable, s.preset, s.workFactor);
  else if (s.step === "drop-top-rung") drop(state, title, c.rendition!);
  else defer(state, title, c.deliverable, c.rendition!);
  c.deliverable.nextStep = c.stepIndex + 1;
  record(state, title, c);
}

/** Checks one deadline title and downgrades it if its projection misses the deadline. */
export function reviewDeadline(state: SimState, title: SimTitle): void {
  if (title.deadline === null || title.finish !== null || !title.arrived) return;
  const steps = planSteps(state, title, title.deadline);
  if (steps.length === 0) return;
  for (const c of steps) apply(state, title, c);
  title.remainingPath = remainingPath(state, title, null);
  rekey(state, title);
}
