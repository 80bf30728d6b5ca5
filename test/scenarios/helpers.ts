// Shared setup of the scenario tests: the shipped scenarios and recipes, planned through the
// library API exactly as `vps simulate --scenario NAME --seed N --policy P` plans them.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { loadRecipeDir } from "../../src/load/recipes";
import type { Plan, PlanTask, PlanTitle, RecipeBook, Workload } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioFile, resolveScenario } from "../../src/scenario/load";
import type { PolicyName } from "../../src/sched/policy";

export const SCENARIOS_DIR = fileURLToPath(new URL("../../scenarios", import.meta.url));
export const RECIPES_DIR = fileURLToPath(new URL("../../recipes", import.meta.url));

let book: RecipeBook | null = null;
export function shippedBook(): RecipeBook {
  book ??= loadRecipeDir(RECIPES_DIR);
  return book;
}

export function scenarioWorkload(name: string, seed = 42): Workload {
  return generateWorkload(loadScenarioFile(resolveScenario(name, SCENARIOS_DIR)), seed);
}

/** Generates the workload afresh and plans it: the whole pipeline from the scenario file. */
export function planScenario(name: string, policy: PolicyName, seed = 42): Plan {
  return buildPlan(scenarioWorkload(name, seed), shippedBook(), { policy, seed, trace: null });
}

export interface ScenarioRun {
  workload: Workload;
  value: Plan;
  fifo: Plan;
}

/** Plans the scenario under both policies on first use; later calls reuse the plans. */
export function lazyRun(name: string, seed = 42): () => ScenarioRun {
  let run: ScenarioRun | null = null;
  return () => (run ??= runScenario(name, seed));
}

export function runScenario(name: string, seed = 42): ScenarioRun {
  const workload = scenarioWorkload(name, seed);
  const plan = (policy: PolicyName) => buildPlan(workload, shippedBook(), { policy, seed, trace: null });
  return { workload, value: plan("value"), fifo: plan("fifo") };
}

export const turnaround = (t: PlanTitle): number => t.finish! - t.arrival;

export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Titles of a plan by id. */
export const titlesById = (plan: Plan): Map<string, PlanTitle> => new Map(plan.titles.map((t) => [t.id, t]));

export const tasksOf = (plan: Plan, title: string): PlanTask[] => plan.tasks.filter((t) => t.title === title);

/** Original titles (not `+deferred` follow-ups) of one cohort, by id prefix. */
export const cohort = (plan: Plan, prefix: string): PlanTitle[] =>
  plan.titles.filter((t) => t.id.startsWith(`${prefix}-`) && t.deferredFrom === undefined);

/**
 * The contract every shipped scenario's plan keeps under both policies: DESIGN.md's invariants
 * (slots never exceeded, dependencies respected, finish and onTime consistent), and the same plan
 * byte for byte when the scenario is generated and planned again.
 */
export function itKeepsThePlanContract(name: string, run: () => ScenarioRun): void {
  it.each(["value", "fifo"] as const)(`${name} under %s: verifyPlan finds nothing and a second run is byte-identical`, (policy) => {
    const plan = run()[policy];
    expect(plan.policy).toBe(policy);
    expect(plan.tasks.length).toBeGreaterThan(0);
    expect(verifyPlan(plan)).toEqual([]);
    const again = planScenario(name, policy);
    expect(firstDifference(again, plan), "planned again").toBeNull();
    expect(JSON.stringify(again, undefined, 2) === JSON.stringify(plan, undefined, 2)).toBe(true);
  });
}

/** The first title, task or metric that differs between two plans (a readable failure, not a megabyte diff). */
function firstDifference(a: Plan, b: Plan): string | null {
  for (const key of ["titles", "tasks"] as const) {
    const n = Math.max(a[key].length, b[key].length);
    for (let i = 0; i < n; i++) {
      const x = JSON.stringify(a[key][i]);
      const y = JSON.stringify(b[key][i]);
      if (x !== y) return `${key}[${i}]: ${x} vs ${y}`;
    }
  }
  const [x, y] = [JSON.stringify(a.metrics), JSON.stringify(b.metrics)];
  return x === y ? null : `metrics: ${x} vs ${y}`;
}
