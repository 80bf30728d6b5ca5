// Where the fluid bound is optimistic for a given workload, in words and figures.
import type { Workload } from "../model";
import { holdsScratch, type TitlePipeline } from "../pipeline/expand";

export function caveats(workload: Workload, pipelines: readonly TitlePipeline[]): string[] {
  if (pipelines.length === 0) return [];
  const out = [
    "fluid bound: a pool runs queued work across all its slots the moment a title arrives; real tasks wait for " +
      "their dependencies and hold whole slots, so real backlogs are at least these and clear no earlier " +
      "(each title's critical path is checked on its own)",
    "work at full quality: the planner's downgrades (faster presets, dropped or deferred rungs) take work away, so a " +
      "downgraded plan can beat this bound",
  ];
  if (pipelines.some((p) => p.title.deadline !== null)) {
    out.push(
      "deadline test: deadline work is assumed to go ahead of all other work, earliest deadline first, and to " +
        "interrupt it; the planner does not preempt running tasks, so work already started can delay a release",
    );
  }
  return [...out, ...memoryCaveats(workload, pipelines), ...scratchCaveats(workload, pipelines)];
}

/** A pool whose memory cannot hold its heaviest tasks on every slot at once runs below its slot count. */
function memoryCaveats(workload: Workload, pipelines: readonly TitlePipeline[]): string[] {
  const out: string[] = [];
  for (const pool of workload.capacity.pools) {
    if (pool.memoryGiB === null) continue;
    let heaviest: { memoryGiB: number; slots: number } | null = null;
    for (const p of pipelines) {
      for (const t of p.tasks) {
        if (t.pool !== pool.id) continue;
        if (heaviest === null || t.memoryGiB / t.slots > heaviest.memoryGiB / heaviest.slots) heaviest = t;
      }
    }
    if (heaviest === null) continue;
    const perSlot = heaviest.memoryGiB / heaviest.slots;
    const fits = Math.floor(pool.memoryGiB / perSlot + 1e-9);
    if (fits >= pool.slots) continue;
    out.push(
      `pool ${pool.id}: ${pool.memoryGiB} GiB of memory holds its heaviest tasks (${heaviest.memoryGiB.toFixed(1)} GiB on ` +
        `${heaviest.slots} slot${heaviest.slots === 1 ? "" : "s"}) on only ${fits} of its ${pool.slots} slots at once; the fluid model counts every slot`,
    );
  }
  return out;
}

function scratchCaveats(workload: Workload, pipelines: readonly TitlePipeline[]): string[] {
  const limit = workload.capacity.scratchGiB;
  if (limit === null) return [];
  let total = 0;
  for (const p of pipelines) for (const t of p.tasks) if (holdsScratch(t.kind)) total += t.scratchGiB;
  if (total <= limit) return [];
  return [
    `scratch: ${limit} GiB holds less than the ${total.toFixed(0)} GiB of intermediate files of all titles together; ` +
      "a title's encodes wait until its files fit, which the fluid model ignores",
  ];
}
