// The forecast for people: tables (cli-table3) with colour (chalk), like the plan's. Pure: returns a string.
import chalk from "chalk";
import type { Forecast, PoolForecast, TitleForecast } from "./types";
import { pct } from "../util/format";
import { type Column, renderTable, UNLIMITED, wrapText } from "../util/table";
import { at, dur, slotHours } from "./text";

export function forecastHeadline(f: Forecast): string {
  const work = f.pools.map((p) => `${p.id} ${slotHours(p.work)}`).join(", ");
  const risk =
    f.deadlines.titles === 0
      ? "no deadlines"
      : `${(f.deadlines.atRisk === 0 ? chalk.green : chalk.yellow)(`${f.deadlines.atRisk} of ${f.deadlines.titles}`)} deadline titles at risk`;
  const demand = f.horizon.hours > 0 ? `work ${work} slot-h` : "no work";
  return (
    `${chalk.bold("vps forecast")} — times after ${f.epoch}` +
    (f.seed !== null ? `, seed ${f.seed}` : "") +
    `, cost model ${f.costModel}: ${demand}, ${risk}`
  );
}

/** Per pool and hour: demand against capacity and the backlog left at the hour's end (slot-hours). */
export function hoursTable(pools: readonly PoolForecast[], width = UNLIMITED): string {
  const rows = pools.flatMap((p) =>
    p.hours.map((h) => {
      const load = h.load > 1 ? chalk.yellow(pct(h.load)) : pct(h.load);
      const backlog = h.backlog > 0 ? chalk.yellow(slotHours(h.backlog)) : slotHours(h.backlog);
      return [p.id, at(h.start), slotHours(h.demand), slotHours(h.capacity), load, pct(h.utilisation), backlog];
    }),
  );
  const columns = ["pool", "hour", "demand slot-h", { head: "capacity slot-h", drop: 2 }, "load", { head: "utilisation", drop: 1 }, "backlog slot-h"];
  return renderTable(columns, rows, width);
}

export function clearLines(f: Forecast): string {
  const pools = f.pools.map((p) => {
    const clears = p.clearsAt === null ? "no hour ends with a backlog" : `backlog clears at ${chalk.bold(at(p.clearsAt))} (peak ${slotHours(p.peakBacklog)} slot-h)`;
    return `  pool ${p.id}: ${clears}; last work done at ${at(p.doneAt)}`;
  });
  const c = f.clears;
  const lines = [
    ...pools,
    `  fluid bound, full quality: all work done no earlier than ${chalk.bold(at(c.at))} (${c.boundBy}; ` +
      `fluid last work done ${at(c.fluid)}, latest arrival + critical path ${at(c.criticalPath)})`,
  ];
  if (f.plan !== null) {
    const p = f.plan;
    const held = f.pools.map((x) => `${x.id} ${slotHours(p.work[x.id] ?? 0)} (fluid minimum ${slotHours(x.work)})`).join(", ");
    lines.push(
      `  simulated plan (policy ${p.policy}): last task ends at ${chalk.bold(at(p.makespan))}; ${p.downgraded} title(s) downgraded, ` +
        `${p.late} late; slot-h its tasks held: ${held}`,
    );
  }
  return lines.join("\n");
}

function verdict(t: TitleForecast): string {
  if (!t.atRisk) return chalk.green("ok");
  return chalk.red(`at risk: ${[...new Set(t.reasons.map((r) => r.kind))].join(", ")}`);
}

function planCells(t: TitleForecast): (string | number)[] {
  if (t.plan === null) return [];
  const p = t.plan;
  const outcome = p.onTime === null ? "—" : p.onTime ? chalk.green(`on time, ${dur(p.margin)} spare`) : chalk.red(`late ${dur(p.lateBy)}`);
  return [at(p.finish), outcome, p.downgrades.length || ""];
}

/** Deadline titles: the fluid bound's slack beside what the simulated plan does. */
export function titlesTable(f: Forecast, width = UNLIMITED): string {
  const columns: Column[] = [{ head: "title" }, { head: "tier", drop: 3 }, { head: "arrival", drop: 1 }, { head: "deadline" }, { head: "critical path", drop: 2 }, { head: "fluid slack (bound by)", wrap: true }];
  if (f.plan !== null) columns.push({ head: "plan finish", drop: 4 }, { head: "plan outcome", wrap: true }, { head: "downgrades", drop: 5 });
  columns.push({ head: "verdict", wrap: true });
  const rows = f.titles.map((x) => {
    const slack = `${x.slack < 0 ? chalk.red(dur(x.slack)) : dur(x.slack)} (${x.slackBoundBy})`;
    return [x.id, x.tier, at(x.arrival), at(x.deadline), dur(x.criticalPath), slack, ...planCells(x), verdict(x)];
  });
  return renderTable(columns, rows, width);
}

export function reasonLines(f: Forecast): string {
  return f.titles
    .filter((t) => t.atRisk)
    .flatMap((t) => [`  ${chalk.bold(t.id)} (${t.tier}, due ${at(t.deadline)}):`, ...t.reasons.map((r) => `    - ${r.message}`)])
    .join("\n");
}

export function formatForecast(f: Forecast, width = UNLIMITED): string {
  const parts = [wrapText(forecastHeadline(f), width)];
  if (f.horizon.hours > 0) {
    parts.push(chalk.bold("Demand and capacity per hour (fluid model, by title arrival)"), hoursTable(f.pools, width));
  }
  parts.push(chalk.bold("Backlog"), wrapText(clearLines(f), width));
  if (f.titles.length > 0) {
    const label = f.plan === null ? "fluid bound" : `fluid bound | simulated plan, policy ${f.plan.policy}`;
    parts.push(chalk.bold(`Deadline titles (${label})`), titlesTable(f, width));
  }
  if (f.deadlines.atRisk > 0) parts.push(chalk.bold("Why at risk"), wrapText(reasonLines(f), width));
  if (f.caveats.length > 0) parts.push(chalk.bold("Where the fluid bound is optimistic"), wrapText(f.caveats.map((c) => `  - ${c}`).join("\n"), width));
  return parts.join("\n") + "\n";
}


/** At-risk titles, earliest deadline first, as lines for a failed CI gate. */
export function riskLines(f: Forecast): string[] {
  return f.titles.filter((t) => t.atRisk).map((t) => `  ${t.id} (${t.tier}, due ${at(t.deadline)}): ${t.reasons.map((r) => r.message).join("; ")}`);
}
