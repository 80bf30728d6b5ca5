// default: the quick-start scenario `vps simulate --seed 42` runs. Its header promises that with a
// sensible order every deadline can be met.
import { describe, expect, it } from "vitest";
import { itKeepsThePlanContract, lazyRun } from "./helpers";

const run = lazyRun("default");

describe("default, seed 42", () => {
  it("value meets every deadline", () => {
    const plan = run().value;
    expect(plan.titles.some((t) => t.deadline !== null)).toBe(true);
    expect(plan.titles.filter((t) => t.onTime === false).map((t) => `${t.id} late by ${t.lateBy}`)).toEqual([]);
    expect(plan.metrics.deadlineCompliance).toBe(1);
  });

  itKeepsThePlanContract("default", run);
});
