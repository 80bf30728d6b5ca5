// Plans for people: tables (cli-table3) with colour (chalk) for a terminal. Pure: returns strings.
import chalk from "chalk";
import Table from "cli-table3";
import type { Plan, PlanMetrics, PlanTitle } from "../model";
import { formatDuration } from "../util/time";

/** Above this many titles the titles table lists only those with a deadline or a downgrade. */
export const TITLE_ROWS_LIMIT = 50;

export interface FormatOptions {
  /** The command that made the plan, named in the headline: `vps plan`, `vps simulate`. */
  command: string;
  /** List every title, however many. */
  allTitles: boolean;
  /** List every task (start, end, pool). */
  tasks: boolean;
}

const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const dur = (x: number | null): string => (x === null ? "—" : formatDuration(x));
/** A point in time: an offset from the plan's epoch, written as users write them in YAML. */
const at = (x: number | null): string => (x === null ? "—" : `+${formatDuration(x)}`);

function table(head: string[]): Table.Table {
  return new Table({ head: head.map((h) => chalk.bold(h)), style: { head: [], border: [] } });
}

function outcome(t: PlanTitle): string {
  if (t.onTime === null) return chalk.dim("no deadline");
  if (t.onTime) return chalk.green("on time");
  return chalk.red(`late ${formatDuration(t.lateBy ?? 0)}`);
}

/** One line: which command, policy, seed and epoch, and the plan's figures. */
export function headline(plan: Plan, command: string): string {
  const m = plan.metrics;
  const compliance =
    m.deadlineCompliance === null
      ? "no deadlines"
      : `${(m.late === 0 ? chalk.green : chalk.yellow)(pct(m.deadlineCompliance))} of deadlines met`;
  return (
    `${chalk.bold(command)} — policy ${chalk.cyan(plan.policy)}` +
    (plan.seed !== null ? `, seed ${plan.seed}` : "") +
    `, times after ${plan.epoch}` +
    `: ${m.titles} titles, ${m.tasks} tasks, makespan ${formatDuration(m.makespan)}, ${compliance}, ${m.downgraded} downgraded` +
    (m.promotions > 0 ? `, ${m.promotions} promoted` : "") +
    predictionNote(m.prediction) +
    ladderNote(m.ladders)
  );
}

/** Only with per-title ladders: how many, and what the model predicts they save. */
function ladderNote(l: Plan["metrics"]["ladders"]): string {
  if (!l) return "";
  const kept = l.kept > 0 ? ` (${l.kept} kept the recipe's: another encoder, HDR or screen content)` : "";
  const bd = l.bdRate ? `, model-predicted BD-rate vs the recipes' ladders ${signedPct(l.bdRate.median)} median (${signedPct(l.bdRate.p10)} to ${signedPct(l.bdRate.p90)})` : "";
  const bits = l.bitrateRatio !== null ? `, ${pct(l.bitrateRatio)} of the recipes' bitrate` : "";
  return `; per-title ladders for ${l.predicted} title×deliverable${kept}${bd}${bits}`;
}

const signedPct = (x: number): string => `${x > 0 ? "+" : x < 0 ? "−" : ""}${(Math.abs(x) * 100).toFixed(1)}%`;

/** Only when the run's costs strayed from the model (a simulation with noise): how far, and how far after learning. */
function predictionNote(p: Plan["metrics"]["prediction"]): string {
  if (p.firstEstimate.p90 === 0) return "";
  return `; encode estimates off by ${pct(p.firstEstimate.median)} (median) before the run, ${pct(p.atStart.median)} at start after learning`;
}

export function poolsTable(plan: Plan): string {
  const t = table(["pool", "slots", "utilisation", "idle while work waits", "peak running"]);
  for (const p of plan.pools) {
    const m = plan.metrics;
    t.push([p.id, p.slots, pct(m.utilization[p.id] ?? 0), pct(m.idleWhileQueued[p.id] ?? 0), m.peakRunning[p.id] ?? 0]);
  }
  return t.toString();
}

export function turnaroundTable(metrics: PlanMetrics): string {
  const t = table(["tier", "titles", "mean turnaround", "p95", "max", "longest wait"]);
  for (const [tier, s] of Object.entries(metrics.turnaround)) {
    t.push([tier, s.count, dur(s.mean), dur(s.p95), dur(s.max), dur(metrics.waits[tier]?.max ?? null)]);
  }
  return t.toString();
}

export function tierChangesTable(plan: Plan): string {
  const t = table(["title", "at", "change", "reason"]);
  const changes = plan.titles.flatMap((x) => x.tierChanges.map((c) => ({ id: x.id, c })));
  changes.sort((a, b) => a.c.at - b.c.at || (a.id < b.id ? -1 : 1));
  for (const { id, c } of changes) t.push([id, at(c.at), `${c.kind} ${c.from} → ${c.to}`, c.reason]);
  return t.toString();
}

function shownTitles(plan: Plan, all: boolean): PlanTitle[] {
  const byArrival = [...plan.titles].sort((a, b) => a.arrival - b.arrival || (a.id < b.id ? -1 : 1));
  if (all || byArrival.length <= TITLE_ROWS_LIMIT) return byArrival;
  return byArrival.filter((t) => t.deadline !== null || t.downgrades.length > 0 || t.tierChanges.length > 0);
}

export function titlesTable(plan: Plan, all: boolean): string {
  const rows = shownTitles(plan, all);
  const t = table(["title", "tier", "arrival", "deadline", "finish", "outcome", "downgrades"]);
  for (const x of rows) {
    t.push([x.id, x.tier, at(x.arrival), at(x.deadline), at(x.finish), outcome(x), x.downgrades.length || ""]);
  }
  const hidden = plan.titles.length - rows.length;
  const note = hidden > 0 ? chalk.dim(`\n${hidden} more titles without deadline, downgrade or tier change (--all-titles lists them)`) : "";
  return t.toString() + note;
}

export function downgradesTable(plan: Plan): string {
  const t = table(["title", "at", "step", "deliverable", "detail", "quality cost", "time saved"]);
  for (const x of plan.titles) {
    for (const d of x.downgrades) {
      t.push([x.id, at(d.at), d.step, d.deliverable, d.rendition ?? d.preset ?? "", d.qualityCost, dur(d.timeSaved)]);
    }
  }
  return t.toString();
}

/** Per-title ladders of the titles the titles table shows: each rung's size, bitrate and predicted PSNR-Y. */
export function laddersTable(plan: Plan, all: boolean): string {
  const t = table(["title", "deliverable", "rungs (size bitrate predicted PSNR-Y)"]);
  for (const x of shownTitles(plan, all)) {
    for (const l of x.ladders ?? []) {
      t.push([x.id, l.deliverable, l.rungs.map((r) => `${r.width}x${r.height} ${r.kbps}k ${r.psnr.toFixed(1)} dB`).join(", ")]);
    }
  }
  return t.toString();
}

/** Below this many seconds a task's length is shown to a tenth of a second (5.3 s, not 5s). */
const SHORT_TASK = 10;

/**
 * Every task's start and end to a tenth of a second: many last seconds, and whole seconds made a
 * 0.3 s task "+5s → +5s" and a package seem to start before the encode it waits for had ended.
 */
export function tasksTable(plan: Plan): string {
  const t = table(["task", "pool", "slots", "start", "end", "took"]);
  const tasks = [...plan.tasks].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  for (const x of tasks) {
    const took = x.end - x.start;
    t.push([x.id, x.pool, x.slots, `+${formatDuration(x.start, 1)}`, `+${formatDuration(x.end, 1)}`, formatDuration(took, took < SHORT_TASK ? 1 : 0)]);
  }
  return t.toString();
}

export function formatPlan(plan: Plan, options: FormatOptions): string {
  const parts = [headline(plan, options.command), poolsTable(plan), chalk.bold("Turnaround by tier"), turnaroundTable(plan.metrics)];
  parts.push(chalk.bold("Titles"), titlesTable(plan, options.allTitles));
  if (plan.metrics.downgraded > 0) parts.push(chalk.bold("Downgrades"), downgradesTable(plan));
  if (plan.metrics.ladders) parts.push(chalk.bold("Per-title ladders"), laddersTable(plan, options.allTitles));
  if (plan.titles.some((x) => x.tierChanges.length > 0)) parts.push(chalk.bold("Tier changes"), tierChangesTable(plan));
  if (options.tasks) parts.push(chalk.bold("Tasks"), tasksTable(plan));
  return parts.join("\n") + "\n";
}

/** Late deadline titles, worst first, as lines for a failed CI gate. */
export function lateLines(plan: Plan): string[] {
  return plan.titles
    .filter((t) => t.onTime === false)
    .sort((a, b) => (b.lateBy ?? 0) - (a.lateBy ?? 0) || (a.id < b.id ? -1 : 1))
    .map((t) => `  ${t.id} (${t.tier}): deadline ${at(t.deadline)}, finished ${at(t.finish)}, late by ${dur(t.lateBy)}`);
}
