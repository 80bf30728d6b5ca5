// The verifier must catch every broken invariant, or the property tests that rely on it prove nothing.
import { describe, expect, test } from "vitest";
import type { Plan } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

function sound(): Plan {
  const titles = [aTitle({ id: "a", deadline: 5000 }), aTitle({ id: "b", arrival: 10, content: aContent({ duration: 60 }) })];
  return buildPlan(aWorkload({ titles, capacity: { pools: [{ id: "cpu", slots: 4, memoryGiB: null }], scratchGiB: null } }), aBook(), {
    policy: "value",
    seed: null,
    trace: null,
  });
}

describe("verifyPlan", () => {
  test("accepts a plan the planner made", () => {
    expect(verifyPlan(sound())).toEqual([]);
  });

  test("catches a pool holding more slots than it has", () => {
    const plan = sound();
    plan.pools[0]!.slots = 1;
    expect(verifyPlan(plan).join("\n")).toMatch(/pool cpu holds \d+ slots/);
  });

  test("catches a task that starts before a task it waits for", () => {
    const plan = sound();
    const pkg = plan.tasks.find((t) => t.kind === "package")!;
    pkg.start = 0;
    expect(verifyPlan(plan).join("\n")).toMatch(/starts at 0 before/);
  });

  test("catches a dependency on a task that does not exist, and duplicate ids", () => {
    const plan = sound();
    plan.tasks[0]!.after.push("nope");
    plan.tasks.push({ ...plan.tasks[1]! });
    const problems = verifyPlan(plan).join("\n");
    expect(problems).toMatch(/unknown task nope/);
    expect(problems).toMatch(/appears twice/);
  });

  test("catches a finish that is not the last task's end and an outcome that does not follow", () => {
    const plan = sound();
    plan.titles[0]!.finish! += 100;
    plan.titles[0]!.onTime = false;
    const problems = verifyPlan(plan).join("\n");
    expect(problems).toMatch(/is not its last task's end/);
    expect(problems).toMatch(/onTime false does not follow/);
    expect(problems).toMatch(/deadlineCompliance/);
  });

  test("catches a task on an unknown pool", () => {
    const plan = sound();
    plan.tasks[0]!.pool = "gpu";
    expect(verifyPlan(plan).join("\n")).toMatch(/unknown pool gpu/);
  });
});
