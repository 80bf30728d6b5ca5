// peak-hour: the scale scenario (~15,000 titles, ~210,000 tasks on 20,000 slots). One run under
// `value` only; it takes a few seconds.
import { describe, expect, it } from "vitest";
import { verifyPlan } from "../../src/plan/verify";
import { planScenario } from "./helpers";

describe("peak-hour, seed 42", () => {
  it(
    "under value the plan is sound and keeps at least 5,000 tasks running at the peak",
    () => {
      const plan = planScenario("peak-hour", "value");
      expect(plan.metrics.tasks).toBeGreaterThanOrEqual(200_000);
      expect(plan.metrics.peakRunning.cpu).toBeGreaterThanOrEqual(5000);
      expect(plan.metrics.peakRunning.cpu).toBeLessThanOrEqual(20_000);
      expect(plan.titles.filter((t) => t.finish === null)).toHaveLength(0);
      expect(verifyPlan(plan)).toEqual([]);
    },
    120_000,
  );
});
