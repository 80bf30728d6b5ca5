// The README's examples are what users copy first: they must load as written.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadRecipeDir, loadRecipeText } from "../../src/load/recipes";
import { loadWorkloadText } from "../../src/load/workload";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";

const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The first ```yaml block after a heading that starts with `heading`. */
function yamlAfter(heading: string): string {
  const at = readme.indexOf(`### ${heading}`);
  expect(at).toBeGreaterThanOrEqual(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at));
  return block![1]!;
}

describe("the README", () => {
  test("workload example loads and plans (source files are not checked here)", () => {
    const book = loadRecipeDir(join(root, "recipes"));
    const workload = loadWorkloadText("README.md", yamlAfter("Workload"), book);
    expect(workload.titles.map((t) => t.id)).toEqual(["ep-101"]);
    expect(workload.pipelines["with-qc"]).toHaveLength(5);
    const plan = buildPlan(workload, book, { policy: "value", seed: null, trace: null });
    expect(verifyPlan(plan)).toEqual([]);
  });

  test("policy and events example loads as part of the workload example", () => {
    const book = loadRecipeDir(join(root, "recipes"));
    const workload = loadWorkloadText("README.md", `${yamlAfter("Workload")}${yamlAfter("Value over time")}`, book);
    expect(workload.policy.viral.promoteAbove).toBe(20000);
    expect(workload.events.map((e) => e.at)).toEqual([2400, 3000]);
  });

  test("recipe example loads once its elided recipes are removed", () => {
    const text = yamlAfter("Recipe library").replace(/\n {2}- class: animation[\s\S]*$/, "\n");
    const recipes = loadRecipeText("README.md", text);
    expect(recipes.map((r) => r.id)).toEqual(["h264-sdr/generic"]);
  });
});
