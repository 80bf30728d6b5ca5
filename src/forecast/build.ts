// The forecast: read → compute, pure. Expands every title with the cost model, runs the fluid model
// per pool, tests every deadline title on the fluid bound and, when asked, on the simulated plan.
import type { CostModel } from "../cost/types";
import type { Plan, RecipeBook, Workload } from "../model";
import { buildPlan, expandAll } from "../plan/build";
import { round } from "../plan/metrics";
import type { TitlePipeline } from "../pipeline/expand";
import type { PolicyName } from "../sched/policy";
import { caveats } from "./caveats";
import { HOUR, fluidForecast } from "./fluid";
import { planReasons, planSummary, titlePlanView } from "./planView";
import { type WindowCheck, titleRisk, windowChecks } from "./risk";
import type { Clearance, Forecast, HourRow, PoolForecast, RiskReason, TitleForecast } from "./types";
import { type TitleLoad, WORK_BASIS, titleLoad } from "./work";

export interface ForecastOptions {
  costModel: CostModel;
  /** The seed a synthetic workload came from, or null. */
  seed: number | null;
  /** Also simulate the plan under this policy (the planner's view); null = the fluid bound only. */
  policy: PolicyName | null;
}

export function buildForecast(workload: Workload, book: RecipeBook, options: ForecastOptions): Forecast {
  const cost = options.costModel;
  const pipelines = expandAll(workload, book, cost);
  const plan = options.policy === null ? null : buildPlan(workload, book, { policy: options.policy, seed: options.seed, trace: null, costModel: cost });
  return assembleForecast(workload, pipelines, plan, { costModel: cost.name, seed: options.seed });
}

export function assembleForecast(
  workload: Workload,
  pipelines: readonly TitlePipeline[],
  plan: Plan | null,
  meta: { costModel: string; seed: number | null },
): Forecast {
  const { pools } = workload.capacity;
  const loads = pipelines.map(titleLoad);
  const fluid = fluidForecast(pools, loads);
  const titles = deadlineTitles(workload, loads, plan);
  return {
    schemaVersion: 1,
    epoch: workload.epoch,
    seed: meta.seed,
    costModel: meta.costModel,
    workBasis: WORK_BASIS,
    horizon: { from: fluid.first * HOUR, to: fluid.end * HOUR, hours: fluid.end - fluid.first },
    pools: fluid.pools.map(roundPool),
    clears: roundClearance(clearance(fluid.pools, loads)),
    deadlines: { titles: titles.length, atRisk: titles.filter((t) => t.atRisk).length },
    titles,
    plan: plan === null ? null : planSummary(plan),
    caveats: caveats(workload, pipelines),
  };
}

function clearance(pools: readonly PoolForecast[], loads: readonly TitleLoad[]): Clearance {
  let fluid = 0;
  let fluidBy = "";
  for (const p of pools) {
    if (p.doneAt > fluid) [fluid, fluidBy] = [p.doneAt, `pool ${p.id}`];
  }
  let path = 0;
  let pathBy = "";
  for (const l of loads) {
    if (l.arrival + l.criticalPath > path) [path, pathBy] = [l.arrival + l.criticalPath, `critical path of ${l.id}`];
  }
  return { at: Math.max(fluid, path), fluid, criticalPath: path, boundBy: path > fluid ? pathBy : fluidBy };
}

const byDeadline = (a: TitleForecast, b: TitleForecast): number => a.deadline - b.deadline || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function deadlineTitles(workload: Workload, loads: readonly TitleLoad[], plan: Plan | null): TitleForecast[] {
  const { pools } = workload.capacity;
  const checks = new Map<string, Map<string, WindowCheck>>(pools.map((p) => [p.id, windowChecks(p, loads)]));
  const planned = new Map((plan?.titles ?? []).map((t) => [t.id, t]));
  return loads
    .filter((l) => l.deadline !== null)
    .map((l): TitleForecast => {
      const risk = titleRisk(l, pools, checks);
      const pt = planned.get(l.id);
      const view = pt === undefined ? null : titlePlanView(pt);
      const reasons = [...risk.reasons, ...(view === null ? [] : planReasons(view, plan!.policy))];
      return {
        id: l.id,
        tier: l.tier,
        arrival: round(l.arrival),
        deadline: round(l.deadline!),
        criticalPath: round(l.criticalPath),
        work: Object.fromEntries([...l.work].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, round(v)])),
        atRisk: reasons.length > 0,
        slack: round(risk.slack),
        slackBoundBy: risk.slackBoundBy,
        reasons: reasons.map(roundReason),
        plan: view,
      };
    })
    .sort(byDeadline);
}

function roundPool(p: PoolForecast): PoolForecast {
  const hour = (h: HourRow): HourRow => ({
    hour: h.hour,
    start: h.start,
    demand: round(h.demand),
    capacity: round(h.capacity),
    served: round(h.served),
    utilisation: round(h.utilisation, 4),
    load: round(h.load, 4),
    backlog: round(h.backlog),
  });
  const clearsAt = p.clearsAt === null ? null : round(p.clearsAt);
  return { ...p, work: round(p.work), clearsAt, doneAt: round(p.doneAt), peakBacklog: round(p.peakBacklog), hours: p.hours.map(hour) };
}

function roundClearance(c: Clearance): Clearance {
  return { ...c, at: round(c.at), fluid: round(c.fluid), criticalPath: round(c.criticalPath) };
}

/** Every figure a reason carries, rounded like the plan's (messages are already written). */
function roundReason(r: RiskReason): RiskReason {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === "number" ? round(v) : v;
  return out as unknown as RiskReason;
}
