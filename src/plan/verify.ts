// Checks a plan against the invariants of the plan contract (DESIGN.md): no pool ever holds more
// slots than it has, no task starts before its `after` tasks end, every title's finish is the end
// of its last task and its deadline outcome follows from it. Used by the tests and by
// `vps verify plan.json`, so a plan edited by hand or produced by another tool can be checked too.
import type { Plan, PlanTask } from "../model";

/** Plans round times to milliseconds; comparisons allow for that. */
const EPS = 0.002;

function checkPools(plan: Plan, out: string[]): void {
  const slots = new Map(plan.pools.map((p) => [p.id, p.slots]));
  const byPool = new Map<string, { t: number; d: number }[]>();
  for (const task of plan.tasks) {
    if (!slots.has(task.pool)) {
      out.push(`task ${task.id} runs on unknown pool ${task.pool}`);
      continue;
    }
    const list = byPool.get(task.pool) ?? [];
    list.push({ t: task.start, d: task.slots }, { t: task.end, d: -task.slots });
    byPool.set(task.pool, list);
  }
  for (const [pool, events] of byPool) {
    // Ends before starts at the same instant: a slot freed at t can be taken at t.
    events.sort((a, b) => a.t - b.t || a.d - b.d);
    let used = 0;
    for (const e of events) {
      used += e.d;
      if (used > slots.get(pool)!) {
        out.push(`pool ${pool} holds ${used} slots at ${e.t} but has ${slots.get(pool)}`);
        break;
      }
    }
  }
}

function checkDependencies(tasks: Map<string, PlanTask>, out: string[]): void {
  for (const task of tasks.values()) {
    if (task.end + EPS < task.start) out.push(`task ${task.id} ends before it starts`);
    for (const a of task.after) {
      const dep = tasks.get(a);
      if (!dep) out.push(`task ${task.id} waits for unknown task ${a}`);
      else if (task.start + EPS < dep.end) out.push(`task ${task.id} starts at ${task.start} before ${a} ends at ${dep.end}`);
    }
  }
}

function checkTitles(plan: Plan, out: string[]): void {
  const lastEnd = new Map<string, number>();
  for (const t of plan.tasks) lastEnd.set(t.title, Math.max(lastEnd.get(t.title) ?? -Infinity, t.end));
  for (const title of plan.titles) {
    const end = lastEnd.get(title.id);
    if (end === undefined) {
      if (title.finish !== null) out.push(`title ${title.id} has a finish but no tasks`);
      continue;
    }
    // A title held after a failure (real runs) was never published: no finish, and late if it had a deadline.
    const held = title.failed !== undefined;
    if (held ? title.finish !== null : title.finish === null || Math.abs(title.finish - end) > EPS) out.push(`title ${title.id} finish ${title.finish} is not its last task's end ${end}`);
    const onTime = title.deadline === null ? null : held ? false : title.finish === null ? null : title.finish <= title.deadline + EPS;
    if (onTime !== title.onTime) out.push(`title ${title.id} onTime ${title.onTime} does not follow from finish and deadline`);
  }
  const withDeadline = plan.titles.filter((t) => t.deadline !== null && t.deferredFrom === undefined);
  const expected = withDeadline.length === 0 ? null : withDeadline.filter((t) => t.onTime).length / withDeadline.length;
  const got = plan.metrics.deadlineCompliance;
  if ((expected === null) !== (got === null) || (expected !== null && Math.abs(expected - got!) > 1e-9)) {
    out.push(`deadlineCompliance ${got} does not match the titles (${expected})`);
  }
}

/** Every broken invariant, as a sentence; empty for a sound plan. */
export function verifyPlan(plan: Plan): string[] {
  const out: string[] = [];
  const tasks = new Map<string, PlanTask>();
  for (const t of plan.tasks) {
    if (tasks.has(t.id)) out.push(`task id ${t.id} appears twice`);
    tasks.set(t.id, t);
  }
  checkPools(plan, out);
  checkDependencies(tasks, out);
  checkTitles(plan, out);
  return out;
}
