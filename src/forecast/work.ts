// How the forecast counts work. One helper, so the basis is easy to change when tasks gain a
// separate `work` or a run-time width.
import type { Task } from "../model";
import { criticalPath } from "../pipeline/path";
import type { TitlePipeline } from "../pipeline/expand";

/**
 * The least slot-time a task can cost, as the cost model predicts it at expansion: its work on one
 * slot (`task.work`; for fixed-width stages, slots × duration). On more slots an encode holds more
 * slot-time (Amdahl: `slots × duration` ≥ `work`), and the scheduler may choose a narrower width at
 * run time than the task's `slots`, down to one; so the one-slot work is the bound that holds for any
 * width it picks. The critical path, by contrast, is taken at full width (the shortest it can be):
 * both are then lower bounds, which is what the fluid model needs. Change the basis here only.
 */
export function slotSeconds(task: Task): number {
  return task.work;
}

export const WORK_BASIS =
  "minimum slot-seconds: each task's predicted work on one slot (fixed-width stages: slots × duration), " +
  "at full quality before any downgrade; critical paths at each task's full width";

/** What the forecast needs of one title. */
export interface TitleLoad {
  id: string;
  tier: string;
  arrival: number;
  deadline: number | null;
  /** Slot-seconds per pool id (only pools the title uses). */
  work: Map<string, number>;
  criticalPath: number;
}

export function titleLoad(p: TitlePipeline): TitleLoad {
  const work = new Map<string, number>();
  for (const t of p.tasks) work.set(t.pool, (work.get(t.pool) ?? 0) + slotSeconds(t));
  const { id, tier, arrival, deadline } = p.title;
  return { id, tier, arrival, deadline, work, criticalPath: criticalPath(p.tasks) };
}
