// `vps bench priority`: what the value policy buys premium titles, and what it costs the others,
// against the fifo baseline on the same seeded peak-load workload.
import type { Plan, RecipeBook, Workload } from "../model";
import { buildPlan } from "../plan/build";

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface TierFigures {
  titles: number;
  mean: number;
  p95: number;
}

function tiers(plan: Plan): Record<string, TierFigures> {
  return Object.fromEntries(Object.entries(plan.metrics.turnaround).map(([tier, s]) => [tier, { titles: s.count, mean: s.mean, p95: s.p95 }]));
}

/** value / fifo − 1 of a tier's mean turnaround: negative is faster under value. */
function change(value: Plan, fifo: Plan, tier: string): number | null {
  const v = value.metrics.turnaround[tier]?.mean;
  const f = fifo.metrics.turnaround[tier]?.mean;
  return v === undefined || f === undefined || f === 0 ? null : round(v / f - 1);
}

export function priorityReport(workload: Workload, book: RecipeBook, seed: number) {
  const value = buildPlan(workload, book, { policy: "value", seed, trace: null });
  const fifo = buildPlan(workload, book, { policy: "fifo", seed, trace: null });
  const premiumChange = change(value, fifo, "premium");
  const premiumReduction = premiumChange === null ? null : round(-premiumChange);
  const standardCost = change(value, fifo, "standard");
  return {
    titles: workload.titles.length,
    turnaround: { value: tiers(value), fifo: tiers(fifo) },
    premiumReduction,
    costToOthers: { standard: standardCost, ugc: change(value, fifo, "ugc"), partner: change(value, fifo, "partner") },
    viral: { promotions: value.metrics.promotions, promotionDelay: value.metrics.promotionDelay, valueChangeDelay: value.metrics.valueChangeDelay },
    longestWait: { value: value.metrics.waits, fifo: fifo.metrics.waits },
    longestUgcWait: { value: value.metrics.waits.ugc?.max ?? null, fifo: fifo.metrics.waits.ugc?.max ?? null, bound: workload.policy.maxWait },
    bars: {
      premiumReductionAtLeast: 0.5,
      premiumReductionTarget: 0.8,
      standardCostAtMost: 0.2,
      meets: premiumReduction !== null && premiumReduction >= 0.5 && (standardCost === null || standardCost <= 0.2),
    },
  };
}
