// Plan metrics: what a farm operator reads first.
import type { LadderSummary, PlanMetrics, PlanTask, PlanTitle, Pool, PredictionMetrics } from "../model";

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * One value per original title (follow-ups carry deferred renditions, not audiences), grouped
 * by the tier the title arrived with; `value` returns null to leave a title out. Tiers sorted.
 */
function groupByTier(titles: readonly PlanTitle[], value: (t: PlanTitle) => number | null): [string, number[]][] {
  const byTier = new Map<string, number[]>();
  for (const t of titles) {
    const v = t.deferredFrom === undefined ? value(t) : null;
    if (v === null) continue;
    const list = byTier.get(t.tier);
    if (list) list.push(v);
    else byTier.set(t.tier, [v]);
  }
  return [...byTier.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const meanOf = (list: readonly number[]): number => list.reduce((s, x) => s + x, 0) / list.length;

export function turnaroundByTier(titles: readonly PlanTitle[]): PlanMetrics["turnaround"] {
  const out: PlanMetrics["turnaround"] = {};
  for (const [tier, list] of groupByTier(titles, (t) => (t.finish === null ? null : t.finish - t.arrival))) {
    list.sort((a, b) => a - b);
    out[tier] = { count: list.length, mean: round(meanOf(list)), p95: round(percentile(list, 0.95)), max: round(list[list.length - 1]!) };
  }
  return out;
}

/** Per tier of arrival: p95 and max of arrival → the title's first task start. */
export function firstSlotByTier(titles: readonly PlanTitle[], tasks: readonly PlanTask[]): NonNullable<PlanMetrics["timeToFirstSlot"]> {
  const first = new Map<string, number>();
  for (const t of tasks) first.set(t.title, Math.min(first.get(t.title) ?? Infinity, t.start));
  const out: NonNullable<PlanMetrics["timeToFirstSlot"]> = {};
  for (const [tier, list] of groupByTier(titles, (t) => (first.has(t.id) ? first.get(t.id)! - t.arrival : null))) {
    list.sort((a, b) => a - b);
    out[tier] = { p95: round(percentile(list, 0.95)), max: round(list[list.length - 1]!) };
  }
  return out;
}

/** Per tier of arrival: mean, p95 and max stretch (turnaround ÷ the title's floor, src/plan/stretch.ts). */
export function stretchByTier(titles: readonly PlanTitle[], stretch: ReadonlyMap<string, number>): NonNullable<PlanMetrics["stretch"]> {
  const out: NonNullable<PlanMetrics["stretch"]> = {};
  for (const [tier, list] of groupByTier(titles, (t) => stretch.get(t.id) ?? null)) {
    list.sort((a, b) => a - b);
    out[tier] = { mean: round(meanOf(list)), p95: round(percentile(list, 0.95)), max: round(list[list.length - 1]!) };
  }
  return out;
}

/** Per tier of arrival: the longest and the mean time titles waited with work ready. */
export function waitsByTier(titles: readonly PlanTitle[]): PlanMetrics["waits"] {
  const out: PlanMetrics["waits"] = {};
  for (const [tier, list] of groupByTier(titles, (t) => t.waited)) out[tier] = { max: round(maxOf(list)), mean: round(meanOf(list)) };
  return out;
}

/** The largest of non-negative values, 0 for none. A loop: Math.max(...list) overflows the call stack past ~10^5 values. */
function maxOf(list: readonly number[]): number {
  return list.reduce((m, x) => (x > m ? x : m), 0);
}

/** Times to the millisecond; GiB need more digits (a small clip's renditions are a few MiB). */
export function round(x: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

export interface MetricsInput {
  titles: readonly PlanTitle[];
  tasks: readonly PlanTask[];
  pools: readonly Pool[];
  busySlotSeconds: readonly number[];
  idleWhileQueued: readonly number[];
  peakRunning: readonly number[];
  peakScratchGiB: number;
  valueChangeDelays: readonly number[];
  promotionDelays: readonly number[];
  prediction: PredictionMetrics;
  /** Per published title: its stretch (src/plan/stretch.ts). */
  stretch: ReadonlyMap<string, number>;
  ladders?: LadderSummary;
}

export function computeMetrics(m: MetricsInput): PlanMetrics {
  const withDeadline = m.titles.filter((t) => t.deadline !== null && t.deferredFrom === undefined);
  const onTime = withDeadline.filter((t) => t.onTime === true).length;
  const makespan = m.tasks.reduce((x, t) => Math.max(x, t.end), 0);
  const firstArrival = m.titles.reduce((x, t) => Math.min(x, t.arrival), Infinity);
  const window = makespan - (Number.isFinite(firstArrival) ? firstArrival : 0);
  const utilization: Record<string, number> = {};
  const peakRunning: Record<string, number> = {};
  const idleWhileQueued: Record<string, number> = {};
  m.pools.forEach((p, i) => {
    utilization[p.id] = window > 0 ? round(m.busySlotSeconds[i]! / (p.slots * window)) : 0;
    idleWhileQueued[p.id] = window > 0 ? round(m.idleWhileQueued[i]! / (p.slots * window)) : 0;
    peakRunning[p.id] = m.peakRunning[i]!;
  });
  return {
    // Not rounded: a CI gate compares it with a threshold, and 0.9996 must not pass a gate of 1.
    deadlineCompliance: withDeadline.length > 0 ? onTime / withDeadline.length : null,
    makespan: round(makespan),
    utilization,
    idleWhileQueued,
    titles: m.titles.length,
    tasks: m.tasks.length,
    late: withDeadline.length - onTime,
    downgraded: m.titles.filter((t) => t.downgrades.length > 0).length,
    turnaround: turnaroundByTier(m.titles),
    stretch: stretchByTier(m.titles, m.stretch),
    peakRunning,
    peakScratchGiB: round(m.peakScratchGiB, 6),
    waits: waitsByTier(m.titles),
    timeToFirstSlot: firstSlotByTier(m.titles, m.tasks),
    valueChangeDelay: {
      changes: m.valueChangeDelays.length,
      mean: round(m.valueChangeDelays.reduce((s, x) => s + x, 0) / Math.max(1, m.valueChangeDelays.length)),
      max: round(maxOf(m.valueChangeDelays)),
    },
    promotions: m.titles.reduce((n, t) => n + t.tierChanges.filter((c) => c.kind === "promote").length, 0),
    promotionDelay: {
      mean: round(m.promotionDelays.reduce((s, x) => s + x, 0) / Math.max(1, m.promotionDelays.length)),
      max: round(maxOf(m.promotionDelays)),
    },
    prediction: m.prediction,
    ...(m.ladders ? { ladders: m.ladders } : {}),
  };
}
