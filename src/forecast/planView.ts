// The second view: what the planner would do. The simulated plan (the same buildPlan as `vps plan`)
// runs whole tasks on whole slots in dependency order and may downgrade, so it can be later than the
// fluid bound (no preemption, dependencies) or earlier (downgrades take work away).
import type { DowngradeRecord, Plan, PlanTitle } from "../model";
import { round } from "../plan/metrics";
import type { PlanSummary, RiskReason, TitlePlanView } from "./types";
import { at, dur } from "./text";

export function planSummary(plan: Plan): PlanSummary {
  const m = plan.metrics;
  const work: Record<string, number> = Object.fromEntries(plan.pools.map((p) => [p.id, 0]));
  for (const t of plan.tasks) work[t.pool] = (work[t.pool] ?? 0) + (t.end - t.start) * t.slots;
  for (const id of Object.keys(work)) work[id] = round(work[id]!);
  return { policy: plan.policy, makespan: m.makespan, deadlineCompliance: m.deadlineCompliance, late: m.late, downgraded: m.downgraded, work };
}

/** `faster-preset h264-sdr → veryfast`, `defer-rendition hevc-hdr10 2160p`, `drop-top-rung hevc-sdr`. */
export function describeDowngrade(d: DowngradeRecord): string {
  const detail = d.preset !== undefined ? ` → ${d.preset}` : d.rendition !== undefined ? ` ${d.rendition}` : "";
  return `${d.step} ${d.deliverable}${detail}`;
}

export function titlePlanView(t: PlanTitle): TitlePlanView {
  return {
    finish: t.finish,
    onTime: t.onTime,
    lateBy: t.lateBy,
    margin: t.finish === null || t.deadline === null ? null : t.deadline - t.finish,
    downgrades: t.downgrades.map(describeDowngrade),
  };
}

const listed = (steps: string[]): string => (steps.length === 1 ? "1 downgrade" : `${steps.length} downgrades`) + ` (${steps.join(", ")})`;

/** Why the simulated plan puts a title at risk: it is late, or on time only by downgrading. */
export function planReasons(view: TitlePlanView, policy: string): RiskReason[] {
  const label = `simulated plan (policy ${policy})`;
  const steps = view.downgrades;
  if (view.onTime === false || view.finish === null) {
    const finish = view.finish === null ? "does not finish it" : `finishes at ${at(view.finish)}, ${dur(view.lateBy)} late`;
    const after = steps.length > 0 ? ` even after ${listed(steps)}` : "";
    return [{ kind: "plan-late", message: `${label}: ${finish}${after}`, finish: view.finish, lateBy: view.lateBy, downgrades: steps }];
  }
  if (steps.length === 0) return [];
  const margin = view.margin ?? 0;
  return [
    {
      kind: "plan-downgraded",
      message: `${label}: on time (${at(view.finish)}, ${dur(margin)} to spare) only after ${listed(steps)}`,
      finish: view.finish,
      margin,
      downgrades: steps,
    },
  ];
}
