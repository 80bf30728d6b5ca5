// Plans for people: tables (cli-table3) with colour (chalk) for a terminal. Pure: returns strings.
import chalk from "chalk";
import type { Plan, PlanMetrics, PlanTitle } from "../model";
import { type Cell, type Column, renderTable, UNLIMITED, wrapText } from "../util/table";
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
  /** The terminal's columns that tables and lines are fitted to (UNLIMITED: not fitted). */
  width: number;
}

const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const dur = (x: number | null): string => (x === null ? "—" : formatDuration(x));
/** A point in time: an offset from the plan's epoch, written as users write them in YAML. */
const at = (x: number | null): string => (x === null ? "—" : `+${formatDuration(x)}`);

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

export function poolsTable(plan: Plan, width = UNLIMITED): string {
  const m = plan.metrics;
  const rows = plan.pools.map((p) => [p.id, p.slots, pct(m.utilization[p.id] ?? 0), pct(m.idleWhileQueued[p.id] ?? 0), m.peakRunning[p.id] ?? 0]);
  return renderTable(["pool", "slots", "utilisation", { head: "idle while work waits", drop: 2 }, { head: "peak running", drop: 1 }], rows, width);
}

export function turnaroundTable(metrics: PlanMetrics, width = UNLIMITED): string {
  // Stretch: turnaround ÷ the title's turnaround with the farm to itself (plans before it have none).
  const stretch = (tier: string) => (metrics.stretch?.[tier] === undefined ? "—" : `${metrics.stretch[tier]!.mean.toFixed(2)}×`);
  const rows = Object.entries(metrics.turnaround).map(([tier, s]) => [tier, s.count, dur(s.mean), dur(s.p95), dur(s.max), stretch(tier), dur(metrics.waits[tier]?.max ?? null)]);
  const heads = ["tier", "titles", "mean turnaround", { head: "p95", drop: 2 }, { head: "max", drop: 1 }, { head: "mean stretch", drop: 3 }, "longest wait"];
  return renderTable(heads, rows, width);
}

export function tierChangesTable(plan: Plan, width = UNLIMITED): string {
  const changes = plan.titles.flatMap((x) => x.tierChanges.map((c) => ({ id: x.id, c })));
  changes.sort((a, b) => a.c.at - b.c.at || (a.id < b.id ? -1 : 1));
  const rows = changes.map(({ id, c }) => [id, at(c.at), `${c.kind} ${c.from} → ${c.to}`, c.reason]);
  return renderTable(["title", "at", "change", { head: "reason", wrap: true }], rows, width);
}

function shownTitles(plan: Plan, all: boolean): PlanTitle[] {
  const byArrival = [...plan.titles].sort((a, b) => a.arrival - b.arrival || (a.id < b.id ? -1 : 1));
  if (all || byArrival.length <= TITLE_ROWS_LIMIT) return byArrival;
  return byArrival.filter((t) => t.deadline !== null || t.downgrades.length > 0 || t.tierChanges.length > 0);
}

export function titlesTable(plan: Plan, all: boolean, width = UNLIMITED): string {
  const shown = shownTitles(plan, all);
  const rows = shown.map((x) => [x.id, x.tier, at(x.arrival), at(x.deadline), at(x.finish), outcome(x), x.downgrades.length || ""]);
  const columns: Column[] = [{ head: "title" }, { head: "tier" }, { head: "arrival", drop: 1 }, { head: "deadline" }, { head: "finish" }, { head: "outcome" }, { head: "downgrades", drop: 2 }];
  const hidden = plan.titles.length - shown.length;
  const note = hidden > 0 ? chalk.dim(`\n${wrapText(`${hidden} more titles without deadline, downgrade or tier change (--all-titles lists them)`, width)}`) : "";
  return renderTable(columns, rows, width) + note;
}

export function downgradesTable(plan: Plan, width = UNLIMITED): string {
  const rows: Cell[][] = plan.titles.flatMap((x) => x.downgrades.map((d) => [x.id, at(d.at), d.step, d.deliverable, d.rendition ?? d.preset ?? "", d.qualityCost, dur(d.timeSaved)]));
  const columns: Column[] = [{ head: "title" }, { head: "at" }, { head: "step" }, { head: "deliverable", drop: 2 }, { head: "detail", wrap: true }, { head: "quality cost", drop: 1 }, { head: "time saved" }];
  return renderTable(columns, rows, width);
}

/** Per-title ladders of the titles the titles table shows: each rung's size, bitrate and predicted PSNR-Y. */
export function laddersTable(plan: Plan, all: boolean, width = UNLIMITED): string {
  const rows = shownTitles(plan, all).flatMap((x) =>
    (x.ladders ?? []).map((l) => [x.id, l.deliverable, l.rungs.map((r) => `${r.width}x${r.height} ${r.kbps}k ${r.psnr.toFixed(1)} dB`).join(", ")]),
  );
  return renderTable(["title", "deliverable", { head: "rungs (size bitrate predicted PSNR-Y)", wrap: true }], rows, width);
}

/** Below this many seconds a task's length is shown to a tenth of a second (5.3 s, not 5s). */
const SHORT_TASK = 10;

/**
 * Every task's start and end to a tenth of a second: many last seconds, and whole seconds made a
 * 0.3 s task "+5s → +5s" and a package seem to start before the encode it waits for had ended.
 */
export function tasksTable(plan: Plan, width = UNLIMITED): string {
  const tasks = [...plan.tasks].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  const rows = tasks.map((x) => {
    const took = x.end - x.start;
    return [x.id, x.pool, x.slots, `+${formatDuration(x.start, 1)}`, `+${formatDuration(x.end, 1)}`, formatDuration(took, took < SHORT_TASK ? 1 : 0)];
  });
  return renderTable([{ head: "task", wrap: true }, { head: "pool", drop: 2 }, "slots", "start", { head: "end", drop: 1 }, "took"], rows, width);
}

export function formatPlan(plan: Plan, options: FormatOptions): string {
  const w = options.width;
  const parts = [wrapText(headline(plan, options.command), w), poolsTable(plan, w), chalk.bold("Turnaround by tier"), turnaroundTable(plan.metrics, w)];
  parts.push(chalk.bold("Titles"), titlesTable(plan, options.allTitles, w));
  if (plan.metrics.downgraded > 0) parts.push(chalk.bold("Downgrades"), downgradesTable(plan, w));
  if (plan.metrics.ladders) parts.push(chalk.bold("Per-title ladders"), laddersTable(plan, options.allTitles, w));
  if (plan.titles.some((x) => x.tierChanges.length > 0)) parts.push(chalk.bold("Tier changes"), tierChangesTable(plan, w));
  if (options.tasks) parts.push(chalk.bold("Tasks"), tasksTable(plan, w));
  return parts.join("\n") + "\n";
}

/** Late deadline titles, worst first, as lines for a failed CI gate. */
export function lateLines(plan: Plan): string[] {
  return plan.titles
    .filter((t) => t.onTime === false)
    .sort((a, b) => (b.lateBy ?? 0) - (a.lateBy ?? 0) || (a.id < b.id ? -1 : 1))
    .map((t) => `  ${t.id} (${t.tier}): deadline ${at(t.deadline)}, finished ${at(t.finish)}, late by ${dur(t.lateBy)}`);
}
