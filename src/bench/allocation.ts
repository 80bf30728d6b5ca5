// `vps bench cost`, part (b): what prediction buys a fixed farm. On one seeded backlog (the
// `backlog` scenario), with the same hidden true costs for every run, compare
//  - predictive allocation: the value policy, each encode's width chosen at start from its
//    predicted cost and speedup curve, reservations with backfill, estimates learned as it runs;
//  - naive allocations with no prediction and no reservations: first come first served, strict
//    order, and every encode on the same fixed number of slots — one whole 8-slot node per encode
//    (common practice) and each of 1, 2, 4, 8 and 16 slots (the best of them is the bar).
// For each: makespan, throughput (titles per hour of makespan), utilisation, and the makespan's
// ratio to its lower bound: the larger of (the whole run's work on one slot per task, at its true
// cost, spread over every slot from the first arrival) and the longest title's arrival plus its
// critical path at the widest useful width.
import { amdahl } from "../cost/model";
import type { RecipeBook, Workload } from "../model";
import { assemblePlan, createSimulator, type PlanOptions } from "../plan/build";
import { type Allocation, widestUseful } from "../sched/allocate";
import type { SimState, SimTask } from "../sched/state";
import { DEFAULT_TASK_SIGMA } from "../sched/truth";
import { pct } from "../util/format";

export interface AllocationRun {
  name: string;
  makespanHours: number;
  titlesPerHour: number;
  utilisation: number;
  makespanOverLowerBound: number;
  deadlineCompliance: number | null;
}

export const FIXED_COUNTS = [1, 2, 4, 8, 16] as const;
/** One whole node of the benchmark farm per encode. */
export const NODE_SLOTS = 8;

/** The bars of issue 5 for part (b). */
export const ALLOCATION_BARS = { throughputOverNode: 1.3, utilisation: 0.85, utilisationTarget: 0.95, makespanOverLowerBound: 1.1 } as const;

/** Work of a task on one slot at its true cost (what no allocation can do with less). */
function serialWork(t: SimTask, factor: number): number {
  const p = t.task.parallel;
  return p === null ? (t.end - t.start) * t.task.slots : t.modelWork * factor;
}

/** Shortest possible time of a task: fixed-width tasks as they ran, encodes at their widest useful width. */
function shortest(state: SimState, t: SimTask, factor: number): number {
  const p = t.task.parallel;
  if (p === null) return t.end - t.start;
  return amdahl(t.modelWork * factor, widestUseful(p, state.pools[t.poolIdx]!.slots), p);
}

/**
 * Lower bound of the makespan: total work over capacity, or the longest title's arrival + critical
 * path, at the true costs the simulator drew (`trueFactor` of a task index).
 */
export function lowerBound(state: SimState, trueFactor: (taskIdx: number) => number): number {
  const firstArrival = state.titles.reduce((m, t) => Math.min(m, t.arrival), Infinity);
  const slots = state.pools.reduce((s, p) => s + p.slots, 0);
  let work = 0;
  const finish = new Float64Array(state.tasks.length);
  let path = 0;
  for (const title of state.titles) {
    for (const idx of title.tasks) {
      const t = state.tasks[idx]!;
      if (t.start < 0) continue;
      const factor = trueFactor(idx);
      work += serialWork(t, factor);
      let ready = title.arrival;
      for (const a of t.after) ready = Math.max(ready, finish[a]!);
      finish[idx] = ready + shortest(state, t, factor);
      path = Math.max(path, finish[idx]!);
    }
  }
  return Math.max(firstArrival + work / slots, path);
}

function run(name: string, workload: Workload, book: RecipeBook, options: PlanOptions): AllocationRun {
  const sim = createSimulator(workload, book, options);
  sim.run();
  const plan = assemblePlan(workload, sim.state, options);
  const hours = plan.metrics.makespan / 3600;
  const titles = plan.titles.filter((t) => t.deferredFrom === undefined).length;
  const pools = workload.capacity.pools;
  const busy = sim.state.busySlotSeconds.reduce((s, x) => s + x, 0);
  const firstArrival = Math.min(...workload.titles.map((t) => t.arrival));
  const capacity = pools.reduce((s, p) => s + p.slots, 0) * (plan.metrics.makespan - firstArrival);
  return {
    name,
    makespanHours: round(hours),
    titlesPerHour: round(titles / hours),
    utilisation: round(busy / capacity),
    makespanOverLowerBound: round(plan.metrics.makespan / lowerBound(sim.state, (i) => sim.trueFactor(i))),
    deadlineCompliance: plan.metrics.deadlineCompliance,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function allocationBench(workload: Workload, book: RecipeBook, seed: number, titleSigma: number) {
  const truth = titleSigma > 0 ? { seed, titleSigma, taskSigma: DEFAULT_TASK_SIGMA } : null;
  const naive = (allocation: Allocation): PlanOptions => ({ policy: "fifo", seed, trace: null, allocation, backfill: false, truth });
  const predictive = run("predictive", workload, book, { policy: "value", seed, trace: null, allocation: { mode: "predictive" }, backfill: true, truth });
  const fixed = FIXED_COUNTS.map((n) => run(`fixed:${n}`, workload, book, naive({ mode: "fixed", slots: n })));
  const node = fixed.find((r) => r.name === `fixed:${NODE_SLOTS}`)!;
  const best = fixed.reduce((b, r) => (r.titlesPerHour > b.titlesPerHour ? r : b));
  const bars = ALLOCATION_BARS;
  return {
    titles: workload.titles.length,
    truth: truth ?? "none: every task takes what the model predicts",
    predictive,
    fixed,
    bestFixed: best.name,
    ratios: {
      throughputOverNodePerEncode: round(predictive.titlesPerHour / node.titlesPerHour),
      throughputOverBestFixed: round(predictive.titlesPerHour / best.titlesPerHour),
    },
    bars,
    meets: {
      throughputOverNode: predictive.titlesPerHour >= bars.throughputOverNode * node.titlesPerHour,
      notBelowBestFixed: predictive.titlesPerHour >= best.titlesPerHour,
      utilisation: predictive.utilisation >= bars.utilisation,
      utilisationTarget: predictive.utilisation >= bars.utilisationTarget,
      makespanOverLowerBound: predictive.makespanOverLowerBound <= bars.makespanOverLowerBound,
    },
  };
}

export type AllocationReport = ReturnType<typeof allocationBench>;

export function formatAllocationBench(r: AllocationReport, scenario: string): string {
  const line = (x: AllocationRun) =>
    `  ${x.name.padEnd(11)} makespan ${x.makespanHours.toFixed(2)} h, ${x.titlesPerHour.toFixed(1)} titles/h, utilisation ${pct(x.utilisation)}, ` +
    `${x.makespanOverLowerBound.toFixed(3)}× the lower bound, deadlines ${x.deadlineCompliance === null ? "—" : pct(x.deadlineCompliance)}`;
  const m = r.meets;
  const verdict = (ok: boolean) => (ok ? "meets" : "MISSES");
  return (
    `allocation (part b) — scenario ${scenario}, ${r.titles} titles, same hidden true costs for every run\n` +
    `${line(r.predictive)}\n${r.fixed.map(line).join("\n")}\n` +
    `throughput ${r.ratios.throughputOverNodePerEncode.toFixed(2)}× one node per encode (bar ${r.bars.throughputOverNode}×: ${verdict(m.throughputOverNode)}), ` +
    `${r.ratios.throughputOverBestFixed.toFixed(2)}× the best fixed count ${r.bestFixed} (bar ≥ 1: ${verdict(m.notBelowBestFixed)}); ` +
    `utilisation bar ${pct(r.bars.utilisation)}: ${verdict(m.utilisation)}; makespan ≤ ${r.bars.makespanOverLowerBound}× lower bound: ${verdict(m.makespanOverLowerBound)}\n`
  );
}
