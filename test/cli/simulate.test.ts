// `vps simulate`: scenario + seed → workload → plans. Deterministic, replayable with `vps plan`,
// and unchanged by real-time pacing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { verifyPlan } from "../../src/plan/verify";
import { planOf, tempDir, TINY_SCENARIO, vps, type Run } from "./run";

interface Comparison {
  schemaVersion: number;
  scenario: string;
  seed: number;
  comparison: { policies: string[]; rows: { metric: string; values: number[] }[] };
  plans: Record<string, Plan>;
}

const SHIPPED = ["default", "many-formats", "mixed-content", "peak-hour", "premium-rush", "scheduled-release", "viral"];

describe("vps simulate --seed 42 (value against the fifo baseline)", () => {
  let first: Run;
  let doc: Comparison;
  /** `simulate --seed 42 --policy value --workload-out w.yaml`: one plan, and its workload. */
  let single: Plan;
  const workloadOut = join(tempDir(), "w.yaml");
  beforeAll(() => {
    first = vps("simulate", "--seed", "42");
    expect(first.status, first.stderr).toBe(0);
    doc = JSON.parse(first.stdout) as Comparison;
    single = planOf(vps("simulate", "--seed", "42", "--policy", "value", "--workload-out", workloadOut));
  });

  it("prints both plans and a comparison of them", () => {
    expect(doc).toMatchObject({ schemaVersion: 1, scenario: "default", seed: 42 });
    expect(Object.keys(doc.plans).sort()).toEqual(["fifo", "value"]);
    for (const [policy, plan] of Object.entries(doc.plans)) {
      expect(plan.policy).toBe(policy);
      expect(plan.seed).toBe(42);
      expect(verifyPlan(plan), policy).toEqual([]);
    }
    // Both policies planned the same workload.
    expect(doc.plans.value!.titles.map((t) => t.id).filter((id) => !id.includes("+"))).toEqual(
      doc.plans.fifo!.titles.map((t) => t.id).filter((id) => !id.includes("+")),
    );
    expect(doc.comparison.policies).toEqual(["value", "fifo"]);
    const compliance = doc.comparison.rows.find((r) => r.metric === "deadline compliance");
    expect(compliance?.values).toEqual([doc.plans.value!.metrics.deadlineCompliance, doc.plans.fifo!.metrics.deadlineCompliance]);
  });

  it("is deterministic: a second run prints the same bytes", () => {
    const second = vps("simulate", "--seed", "42");
    expect(second.status).toBe(0);
    expect(second.stdout === first.stdout).toBe(true);
  });

  it("--policy value prints that one plan alone, the same as in the comparison", () => {
    expect(single.schemaVersion).toBe(1);
    expect(single.policy).toBe("value");
    expect(single).toEqual(doc.plans.value);
  });

  it("a different seed gives a different workload and plan", () => {
    const other = planOf(vps("simulate", "--seed", "43", "--policy", "value"));
    expect(other.seed).toBe(43);
    expect(other.titles).not.toEqual(doc.plans.value!.titles);
    expect(verifyPlan(other)).toEqual([]);
  });

  it("replayable: --workload-out writes a workload that `vps plan` turns into the same plan", () => {
    expect(readFileSync(workloadOut, "utf8")).toMatch(/^epoch: /m);
    // The simulation drew its hidden true costs from the seed (--noise 0.231 by default); a plan
    // replays them when given the same noise and seed.
    const replayed = planOf(vps("plan", workloadOut, "--policy", "value", "--noise", "0.231", "--noise-seed", "42"));
    expect(replayed.titles).toEqual(single.titles);
    expect(replayed.tasks).toEqual(single.tasks);
    expect(replayed.metrics).toEqual(single.metrics);
    // A plan of a file records no seed: the workload is given, not generated.
    expect(replayed.seed).toBeNull();
  });
});

describe("vps simulate --scenario", () => {
  const dir = tempDir({ "tiny.yaml": TINY_SCENARIO, "broken.yaml": TINY_SCENARIO.replace("    tier: ugc\n", "    tier: ugc\n    colour: blue\n") });

  it("an unknown name → exit 2 listing the shipped scenarios", () => {
    const r = vps("simulate", "--scenario", "no-such-scenario");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('unknown scenario "no-such-scenario"');
    for (const name of SHIPPED) expect(r.stderr).toContain(name);
  });

  it("a path to a scenario file is simulated", () => {
    const plan = planOf(vps("simulate", "--scenario", join(dir, "tiny.yaml"), "--policy", "value"));
    expect(plan.titles).toHaveLength(6);
    expect(plan.titles.every((t) => /^clip-\d+$/.test(t.id) && t.tier === "ugc")).toBe(true);
    expect(plan.pools).toEqual([{ id: "cpu", slots: 8 }]);
    for (const t of plan.titles) expect(t.deadline! - t.arrival).toBeCloseTo(3600, 2);
    expect(verifyPlan(plan)).toEqual([]);
  });

  it.each([[[]], [["--policy", "fifo"]]])("--table %j is headed by the command that made it, vps simulate (it said vps plan)", (extra) => {
    const r = vps("simulate", "--scenario", join(dir, "tiny.yaml"), "--table", ...extra);
    expect(r.status, r.stderr).toBe(0);
    const heads = r.stdout.split("\n").filter((l) => l.includes(" — policy "));
    expect(heads).toHaveLength(extra.length === 0 ? 2 : 1);
    for (const h of heads) expect(h).toMatch(/^vps simulate — policy (value|fifo), seed 42,/);
    expect(r.stdout).not.toContain("vps plan —");
  });

  it("a scenario file with a mistake → exit 2 with its file:line:col, and no --workload-out written", () => {
    const out = join(tempDir(), "w.yaml");
    const r = vps("simulate", "--scenario", join(dir, "broken.yaml"), "--workload-out", out, "-o", out + ".plan.json");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "broken.yaml")}:10:5 cohorts[0].colour: `);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(out + ".plan.json")).toBe(false);
  });
});

describe("vps simulate --accelerate", () => {
  it("paces the run with progress on stderr, and the plan is the one computed without pacing", () => {
    const scenario = join(tempDir({ "tiny.yaml": TINY_SCENARIO }), "tiny.yaml");
    const paced = vps("simulate", "--scenario", scenario, "--policy", "value", "--accelerate", "100000");
    expect(paced.status, paced.stderr).toBe(0);
    const lines = paced.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toContain("simulated");
    expect(lines.at(-1)).toMatch(/6\/6 titles/);
    const unpaced = vps("simulate", "--scenario", scenario, "--policy", "value");
    expect(unpaced.stderr).toBe("");
    expect(paced.stdout).toBe(unpaced.stdout);
  });

  it("side by side, both policies are paced and both plans are unchanged", () => {
    const scenario = join(tempDir({ "tiny.yaml": TINY_SCENARIO }), "tiny.yaml");
    const paced = vps("simulate", "--scenario", scenario, "--accelerate", "100000");
    expect(paced.status, paced.stderr).toBe(0);
    expect(paced.stderr.trimEnd().split("\n").at(-1)).toMatch(/value: .*\| fifo: /);
    expect(paced.stdout).toBe(vps("simulate", "--scenario", scenario).stdout);
  });
});
