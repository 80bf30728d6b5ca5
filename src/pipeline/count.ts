// What a workload expands into, known without building its tasks: how many (a workload far
// beyond the task limit is refused with the figure before its expansion could run out of memory)
// and on which pools.
import type { PipelineStage, RecipeBook, Title, Workload } from "../model";
import { hasAudio, titleAudio } from "../recipes/delivery";
import { select } from "../recipes/select";
import { InputError } from "../util/errors";
import { LIMITS, grouped } from "../util/limits";
import { type CostModel, defaultCostModel } from "../cost/model";
import type { Recipe, Rendition } from "../model";
import { chunksOfRendition, DEFAULT_PIPELINE, utilityPool } from "./expand";

/** Tasks of one rendition: one encode, or one per chunk and their join. */
const renditionTasks = (chunks: number): number => (chunks > 1 ? chunks + 1 : 1);

/** The number of tasks `expandTitle` makes for this title with `cost` (test/load/limits.test.ts holds them equal). */
export function countTasks(title: Title, workload: Workload, book: RecipeBook, cost: CostModel = defaultCostModel): number {
  const stages: PipelineStage[] = (title.pipeline ? workload.pipelines[title.pipeline] : undefined) ?? DEFAULT_PIPELINE;
  const selections = title.deliverables.map((d) => select(book, d, title));
  const chunks = (r: Recipe, rendition: Rendition) => chunksOfRendition(title, r, rendition, cost, workload.policy.maxResponse);
  const encodes = selections.reduce((n, s) => n + s.ladder.reduce((m, rung) => m + renditionTasks(chunks(s.recipe, rung)), 0), 0);
  const audio = hasAudio(title) ? titleAudio(selections.map((s) => s.recipe)).length : 0;
  const normalise = (title.normalise ?? []).length > 0 ? 1 : 0;
  return stages.reduce((n, s) => n + (s.kind === "encode" ? encodes + audio : s.kind === "package" ? title.deliverables.length : 1), normalise);
}

/**
 * The pools the workload's tasks run on, in the capacity's order: each deliverable's recipe pool,
 * custom stages' pools, and the utility pool of the small stages. A farm waits for workers of
 * these only: a declared pool nothing runs on needs none.
 */
export function poolsUsed(workload: Workload, book: RecipeBook): string[] {
  const used = new Set<string>();
  if (workload.titles.length > 0) used.add(utilityPool(workload.capacity));
  for (const t of workload.titles) {
    for (const d of t.deliverables) used.add(select(book, d, t).recipe.pool);
    const stages = t.pipeline ? (workload.pipelines[t.pipeline] ?? []) : [];
    for (const s of stages) if (s.kind === "custom" && s.pool !== null) used.add(s.pool);
  }
  return workload.capacity.pools.map((p) => p.id).filter((id) => used.has(id));
}

/** Refuses (an input error, exit 2) a workload that expands into more than LIMITS.tasks tasks. */
export function checkTaskLimit(workload: Workload, book: RecipeBook, cost: CostModel = defaultCostModel): void {
  let total = 0;
  let largest = { id: "", tasks: 0 };
  for (const t of workload.titles) {
    const n = countTasks(t, workload, book, cost);
    total += n;
    if (n > largest.tasks) largest = { id: t.id, tasks: n };
  }
  if (total <= LIMITS.tasks) return;
  throw new InputError(
    `the workload expands into ${grouped(total)} tasks, more than vps plans at once (${grouped(LIMITS.tasks)}, about 2 GB of memory): ` +
      `split it into batches (the largest title, ${largest.id}, has ${grouped(largest.tasks)} tasks)`,
  );
}
