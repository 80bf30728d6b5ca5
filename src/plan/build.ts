// The planner: expand every title into tasks, simulate them over the fixed capacity under a
// policy, and assemble the plan contract of DESIGN.md. Pure: same inputs, same plan, byte for byte.
import { type CostModel, defaultCostModel } from "../cost/model";
import type { LadderSummary, Plan, PlanLadder, PlanTask, PlanTitle, RecipeBook, Rendition, Task, Workload } from "../model";
import { checkTaskLimit } from "../pipeline/count";
import { expandTitle, holdsScratch, type TitlePipeline } from "../pipeline/expand";
import { totalWork } from "../pipeline/path";
import { makePolicy, type PolicyName } from "../sched/policy";
import { DEFAULT_REVIEW_INTERVAL, Simulator } from "../sched/simulator";
import { Scheduler, type SchedulerInput, type SchedulerOptions } from "../sched/scheduler";
import { ignoredEventWarnings } from "../sched/analytics";
import { type SimState, sourceTitle, TaskState } from "../sched/state";
import type { TraceSink } from "../sched/trace";
import type { Allocation } from "../sched/allocate";
import type { Truth } from "../sched/truth";
import { InputError } from "../util/errors";
import { computeMetrics, round } from "./metrics";
import { predictionMetrics } from "./prediction";
import { titleStretch } from "./stretch";

export interface PlanOptions {
  policy: PolicyName;
  /** The seed the workload was generated from, if any (recorded in the plan). */
  seed: number | null;
  trace: TraceSink | null;
  reviewInterval?: number;
  /** Predicts every task's work and duration: a fitted model (`--cost-model`), or the shipped defaults. */
  costModel?: CostModel;
  /** How encodes get their slots: predictive (default) or one fixed width for every encode. */
  allocation?: Allocation;
  /** Backfill around reservations (default on); off = strict priority order, a blocked head blocks its pool. */
  backfill?: boolean;
  /** Draw a hidden true cost that differs from the model (seeded), so predictions can be wrong. */
  truth?: Truth | null;
  /**
   * The ffmpeg arguments of a task in its final form (after downgrades), or null for none; called
   * at assembly with the task and the id of the title whose source it reads (a deferred
   * follow-up's original). Without it no task carries `argv`.
   */
  commands?: (task: Task, sourceTitle: string) => string[] | null;
  /** Warnings found before planning (a written value the measured source contradicts), listed first. */
  warnings?: readonly string[];
  /** Set when the workload's titles carry per-title ladders (src/ladder/perTitle.ts): reported in metrics. */
  ladders?: LadderSummary;
}

export function expandAll(workload: Workload, book: RecipeBook, cost: CostModel = defaultCostModel): TitlePipeline[] {
  checkTaskLimit(workload, book, cost);
  const pipelines = workload.titles.map((t) => expandTitle(t, workload, book, cost));
  checkScratch(workload, pipelines);
  return pipelines;
}

/** A title whose intermediate files cannot fit in scratch at all could never be encoded. */
function checkScratch(workload: Workload, pipelines: TitlePipeline[]): void {
  const limit = workload.capacity.scratchGiB;
  if (limit === null) return;
  const problems = pipelines
    .map((p) => ({ id: p.title.id, need: p.tasks.reduce((s, t) => s + (holdsScratch(t.kind) ? t.scratchGiB : 0), 0) }))
    .filter((x) => x.need > limit);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new InputError(
      `capacity.scratchGiB is ${limit} GiB but title ${first.id} needs ${first.need.toFixed(1)} GiB of intermediate files` +
        (problems.length > 1 ? ` (and ${problems.length - 1} more titles do not fit)` : ""),
    );
  }
}

export function planStats(pipelines: TitlePipeline[]): { meanWork: number } {
  const n = Math.max(1, pipelines.length);
  return { meanWork: pipelines.reduce((s, p) => s + totalWork(p.tasks), 0) / n };
}

/** What the scheduler is built from, for either clock: the expanded titles and the options. */
function schedulerSetup(workload: Workload, book: RecipeBook, options: PlanOptions): [SchedulerInput, SchedulerOptions] {
  const cost = options.costModel ?? defaultCostModel;
  const pipelines = expandAll(workload, book, cost);
  const policy = makePolicy(options.policy, planStats(pipelines), workload.policy);
  const { capacity, tiers, events } = workload;
  return [
    { pools: capacity.pools, scratchGiB: capacity.scratchGiB, tiers, pipelines, config: workload.policy, events, cost },
    { policy, reviewInterval: options.reviewInterval ?? DEFAULT_REVIEW_INTERVAL, trace: options.trace, allocation: options.allocation, backfill: options.backfill },
  ];
}

/** Builds the simulator for a workload (the CLI's real-time driver steps it itself). */
export function createSimulator(workload: Workload, book: RecipeBook, options: PlanOptions): Simulator {
  const [input, schedulerOptions] = schedulerSetup(workload, book, options);
  return new Simulator(input, { ...schedulerOptions, truth: options.truth });
}

/** Builds the scheduler alone, for a driver with its own clock (`vps run`: real tasks, real time). */
export function createScheduler(workload: Workload, book: RecipeBook, options: PlanOptions): Scheduler {
  return new Scheduler(...schedulerSetup(workload, book, options));
}

export function buildPlan(workload: Workload, book: RecipeBook, options: PlanOptions): Plan {
  const sim = createSimulator(workload, book, options);
  sim.run();
  return assemblePlan(workload, sim.state, options);
}

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function planTitles(state: SimState): PlanTitle[] {
  return state.titles
    .map((t): PlanTitle => {
      // A held title was never published: it has no finish, and misses its deadline if it has one.
      const finish = t.finish === null || t.failed !== null ? null : round(t.finish);
      const onTime = t.deadline === null ? null : finish === null ? (t.failed !== null ? false : null) : t.finish! <= t.deadline + 1e-9;
      const title: PlanTitle = {
        id: t.id,
        tier: t.title.tier,
        arrival: round(t.arrival),
        deadline: t.deadline === null ? null : round(t.deadline),
        finish,
        onTime,
        lateBy: onTime === null || finish === null ? null : round(Math.max(0, t.finish! - t.deadline!)),
        downgrades: t.downgrades.map((d) => ({ ...d, at: round(d.at), timeSaved: round(d.timeSaved) })),
        tierChanges: t.tierChanges.map((c) => ({ ...c, at: round(c.at) })),
        waited: round(t.waited),
      };
      if (t.failed !== null) title.failed = { ...t.failed, at: round(t.failed.at) };
      if (t.failedRenditions.length > 0) title.failedRenditions = t.failedRenditions.map((f) => ({ ...f, at: round(f.at) }));
      if (t.deferredFrom !== null) title.deferredFrom = t.deferredFrom;
      else if (t.title.ladders) title.ladders = planLadders(t.title.ladders);
      return title;
    })
    .sort(byId);
}

/** A title's per-title ladders as the plan shows them, deliverables in name order. */
function planLadders(ladders: Readonly<Record<string, Rendition[]>>): PlanLadder[] {
  return Object.keys(ladders)
    .sort()
    .map((deliverable) => ({
      deliverable,
      rungs: ladders[deliverable]!.map((r) => ({ name: r.name, width: r.width, height: r.height, kbps: r.bitrateKbps, psnr: r.psnr ?? 0 })),
    }));
}

function planTasks(state: SimState, commands: PlanOptions["commands"]): PlanTask[] {
  return state.tasks
    .filter((t) => t.state !== TaskState.Cancelled)
    .map((t): PlanTask => {
      const task: PlanTask = {
        id: t.task.id,
        title: t.task.title,
        kind: t.task.kind,
        pool: t.task.pool,
        slots: t.task.slots,
        start: round(t.start),
        end: round(t.end),
        after: t.after.map((a) => state.tasks[a]!.task.id).sort(),
      };
      if (t.task.deliverable !== null) task.deliverable = t.task.deliverable;
      if (t.task.rendition !== null) task.rendition = t.task.rendition;
      if (t.task.chunk !== null) task.chunk = t.task.chunk;
      if (t.task.chunks !== null) task.chunks = t.task.chunks;
      if (t.task.preset !== null) task.preset = t.task.preset;
      if (t.task.recipe !== null) task.recipe = t.task.recipe;
      if (t.task.kind === "encode") task.predicted = round(t.predicted);
      if (t.task.reason !== undefined) task.reason = t.task.reason;
      if (t.state === TaskState.Failed) task.failed = true;
      const argv = commands?.(t.task, sourceTitle(state, t).id) ?? null;
      if (argv !== null) task.argv = argv;
      return task;
    })
    .sort(byId);
}

export function assemblePlan(workload: Workload, state: SimState, options: PlanOptions): Plan {
  const titles = planTitles(state);
  const tasks = planTasks(state, options.commands);
  return {
    schemaVersion: 1,
    epoch: workload.epoch,
    policy: options.policy,
    seed: options.seed,
    pools: workload.capacity.pools.map((p) => ({ id: p.id, slots: p.slots })),
    titles,
    tasks,
    metrics: computeMetrics({
      titles,
      tasks,
      pools: workload.capacity.pools,
      busySlotSeconds: state.busySlotSeconds,
      idleWhileQueued: state.idleWhileQueued,
      peakRunning: state.peakRunning,
      peakScratchGiB: state.peakScratch,
      valueChangeDelays: state.valueChangeDelays,
      promotionDelays: state.promotionDelays,
      prediction: predictionMetrics(state),
      stretch: titleStretch(state),
      ladders: options.ladders,
    }),
    warnings: [...(options.warnings ?? []), ...ignoredEventWarnings(state)],
  };
}
