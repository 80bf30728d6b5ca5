// One scheduler, two clocks: the real-time driver of `vps run` (src/run/driver.ts), run under a
// virtual clock with a runner whose tasks take what the simulator's hidden truth says, makes every
// decision the simulator makes: the same starts, widths, ends, downgrades and metrics, byte for
// byte. So nothing the planner decides is lost when the same scheduler runs real work.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { amdahl } from "../../src/cost/model";
import { loadRecipeDir } from "../../src/load/recipes";
import type { Plan, Workload } from "../../src/model";
import { assemblePlan, createScheduler, createSimulator, type PlanOptions } from "../../src/plan/build";
import { drive } from "../../src/run/driver";
import { loadScenarioFile } from "../../src/scenario/load";
import { generateWorkload } from "../../src/scenario/generate";
import { VirtualWorld } from "../virtualWorld";

const ROOT = join(__dirname, "..", "..");
const book = loadRecipeDir(join(ROOT, "recipes"));

/** The plan the real-time driver makes under the virtual world, with the simulator's truth. */
async function drivenPlan(workload: Workload, options: PlanOptions): Promise<Plan> {
  const truth = createSimulator(workload, book, options);
  const world = new VirtualWorld((t) => {
    const f = truth.trueFactor(t.idx);
    return { seconds: t.task.parallel === null ? t.task.duration * f : amdahl(t.modelWork * f, t.task.slots, t.task.parallel), failure: null };
  });
  const sched = createScheduler(workload, book, options);
  const result = await drive(sched, world, world, { partial: "hold" });
  expect(result.interrupted).toBe(false);
  return assemblePlan(workload, sched.state, options);
}

function simulatedPlan(workload: Workload, options: PlanOptions): Plan {
  const sim = createSimulator(workload, book, options);
  sim.run();
  return assemblePlan(workload, sim.state, options);
}

/** Everything but the warnings: analytics reports after the last title are never waited for in a real run. */
const decisions = (p: Plan) => JSON.stringify({ ...p, warnings: undefined });

describe("the real-time driver under a virtual clock decides as the simulator does", () => {
  const cases: [string, number, number][] = [
    ["default", 42, 0.231],
    ["premium-rush", 1, 0.231],
    ["scheduled-release", 7, 0],
    ["viral", 3, 0.231],
    ["mixed-content", 5, 0.4],
  ];
  test.each(cases)("%s, seed %i, noise %f", async (scenario, seed, noise) => {
    const workload = generateWorkload(loadScenarioFile(join(ROOT, "scenarios", `${scenario}.yaml`)), seed);
    const options: PlanOptions = {
      policy: "value",
      seed,
      trace: null,
      truth: noise > 0 ? { seed, titleSigma: noise, taskSigma: 0.08 } : null,
    };
    const simulated = simulatedPlan(workload, options);
    const driven = await drivenPlan(workload, options);
    expect(driven.tasks.length).toBe(simulated.tasks.length);
    expect(decisions(driven)).toBe(decisions(simulated));
  });
});
