// Side-by-side comparison of plans of the same workload under different policies.
import chalk from "chalk";
import type { Plan } from "../model";
import { renderTable, UNLIMITED } from "../util/table";
import { formatDuration } from "../util/time";

export interface ComparisonRow {
  metric: string;
  /** Values per policy, in the order of `policies`. */
  values: (number | null)[];
  /** Lower is better (turnaround, lateness), higher is better (compliance, utilisation), or neither (counts of events). */
  better: "lower" | "higher" | "neutral";
  unit: "seconds" | "ratio" | "count";
}

export interface Comparison {
  policies: string[];
  rows: ComparisonRow[];
}

function tiersOf(plans: Plan[]): string[] {
  return [...new Set(plans.flatMap((p) => Object.keys(p.metrics.turnaround)))].sort();
}

export function comparePlans(plans: Plan[]): Comparison {
  const rows: ComparisonRow[] = [
    { metric: "deadline compliance", values: plans.map((p) => p.metrics.deadlineCompliance), better: "higher", unit: "ratio" },
    { metric: "late titles", values: plans.map((p) => p.metrics.late), better: "lower", unit: "count" },
    { metric: "downgraded titles", values: plans.map((p) => p.metrics.downgraded), better: "lower", unit: "count" },
    { metric: "makespan", values: plans.map((p) => p.metrics.makespan), better: "lower", unit: "seconds" },
  ];
  for (const pool of plans[0]?.pools ?? []) {
    rows.push({ metric: `utilisation ${pool.id}`, values: plans.map((p) => p.metrics.utilization[pool.id] ?? null), better: "higher", unit: "ratio" });
    rows.push({ metric: `idle while work waits ${pool.id}`, values: plans.map((p) => p.metrics.idleWhileQueued[pool.id] ?? null), better: "lower", unit: "ratio" });
  }
  for (const tier of tiersOf(plans)) {
    const stat = (p: Plan) => p.metrics.turnaround[tier];
    rows.push({ metric: `${tier} mean turnaround`, values: plans.map((p) => stat(p)?.mean ?? null), better: "lower", unit: "seconds" });
    rows.push({ metric: `${tier} p95 turnaround`, values: plans.map((p) => stat(p)?.p95 ?? null), better: "lower", unit: "seconds" });
    rows.push({ metric: `${tier} longest wait`, values: plans.map((p) => p.metrics.waits[tier]?.max ?? null), better: "lower", unit: "seconds" });
  }
  if (plans.some((p) => p.metrics.prediction.firstEstimate.p90 > 0)) {
    const pr = (p: Plan) => p.metrics.prediction;
    rows.push({ metric: "encode estimate error, model (median)", values: plans.map((p) => pr(p).firstEstimate.median), better: "neutral", unit: "ratio" });
    rows.push({ metric: "encode estimate error, learned (median)", values: plans.map((p) => pr(p).atStart.median), better: "lower", unit: "ratio" });
  }
  if (plans.some((p) => p.metrics.promotions > 0)) {
    // Neutral: a policy that publishes an upload before its views jump never needs to promote it.
    rows.push({ metric: "viral promotions", values: plans.map((p) => p.metrics.promotions), better: "neutral", unit: "count" });
    rows.push({ metric: "value change → dispatch (max)", values: plans.map((p) => p.metrics.valueChangeDelay.max), better: "lower", unit: "seconds" });
  }
  return { policies: plans.map((p) => p.policy), rows };
}

function show(v: number | null, unit: ComparisonRow["unit"]): string {
  if (v === null) return "—";
  if (unit === "seconds") return formatDuration(v);
  if (unit === "ratio") return `${(v * 100).toFixed(1)}%`;
  return String(v);
}

/** Change of the first policy against the last (the baseline), coloured by whether it is better. */
function change(row: ComparisonRow): string {
  const first = row.values[0];
  const base = row.values[row.values.length - 1];
  if (first == null || base == null || row.values.length < 2) return "";
  if (first === base) return chalk.dim("same");
  const better = row.better === "lower" ? first < base : first > base;
  const paint = row.better === "neutral" ? chalk.reset : better ? chalk.green : chalk.red;
  if (row.unit === "ratio") return paint(`${first > base ? "+" : ""}${((first - base) * 100).toFixed(1)} pts`);
  if (base === 0) return paint(`${first > base ? "+" : ""}${first - base}`);
  const rel = (first - base) / Math.abs(base);
  return paint(`${rel > 0 ? "+" : ""}${(rel * 100).toFixed(0)}%`);
}

export function formatComparison(c: Comparison, width = UNLIMITED): string {
  const head = [{ head: "metric", wrap: true }, ...c.policies, c.policies.length > 1 ? `${c.policies[0]} vs ${c.policies[c.policies.length - 1]}` : ""];
  return renderTable(head, c.rows.map((row) => [row.metric, ...row.values.map((v) => show(v, row.unit)), change(row)]), width);
}
