// The CI gate: deadline compliance as an exit code.
import type { Plan } from "../model";
import { lateLines } from "../plan/format";
import { GateError } from "../util/errors";
import { pct } from "../util/format";

export function checkCompliance(plan: Plan, min: number | undefined, label = ""): void {
  if (min === undefined) return;
  const c = plan.metrics.deadlineCompliance;
  // A plan without deadline titles cannot miss one: the gate passes.
  if (c === null || c >= min) return;
  throw new GateError(
    `${label}deadline compliance ${pct(c)} is below the required ${pct(min)}: ${plan.metrics.late} title(s) late`,
    lateLines(plan),
  );
}
