// The allocation flags of `vps plan` and `vps simulate` end to end: --allocation, --no-backfill,
// --noise (and plan's --noise-seed), and what a bad value gets back.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { verifyPlan } from "../../src/plan/verify";
import { GOOD_WORKLOAD, planOf, tempDir, vps } from "./run";

const dir = tempDir({ "good.yaml": GOOD_WORKLOAD });
const good = join(dir, "good.yaml");
const encodes = (p: Plan) => p.tasks.filter((t) => t.kind === "encode");

describe("vps simulate --seed 42 --policy value", () => {
  let noisy: Plan;
  let exact: Plan;
  beforeAll(() => {
    noisy = planOf(vps("simulate", "--seed", "42", "--policy", "value", "--json"));
    exact = planOf(vps("simulate", "--seed", "42", "--policy", "value", "--json", "--noise", "0"));
  });

  it("draws hidden true costs by default, so the model's first estimates are off and learning narrows them", () => {
    const m = noisy.metrics.prediction;
    expect(m.encodes).toBeGreaterThan(0);
    expect(m.firstEstimate.median).toBeGreaterThan(0);
    expect(m.atStart.median).toBeLessThan(m.firstEstimate.median);
    expect(verifyPlan(noisy)).toEqual([]);
  });

  it("--noise 0: every encode takes exactly what the model predicts", () => {
    expect(exact.metrics.prediction).toMatchObject({ firstEstimate: { median: 0, p90: 0 }, atStart: { median: 0, p90: 0 }, batchTotal: 0 });
    for (const t of encodes(exact)) expect(t.predicted!).toBeCloseTo(t.end - t.start, 2);
    // The same workload (follow-ups of deferred renditions aside), planned at other times.
    const originals = (p: Plan) => p.titles.map((t) => t.id).filter((id) => !id.includes("+"));
    expect(originals(exact)).toEqual(originals(noisy));
    expect(exact.metrics.makespan).not.toBe(noisy.metrics.makespan);
  });
});

describe("vps plan with allocation flags", () => {
  it("--allocation fixed:2 gives every encode 2 slots", () => {
    const plan = planOf(vps("plan", good, "--allocation", "fixed:2", "--json"));
    expect(verifyPlan(plan)).toEqual([]);
    expect(encodes(plan).length).toBeGreaterThan(2);
    expect(encodes(plan).every((t) => t.slots === 2)).toBe(true);
  });

  it("--allocation planned keeps the cost model's widths: 1080p on 4 slots, 720p on 2", () => {
    const plan = planOf(vps("plan", good, "--allocation", "planned", "--json"));
    const widths = new Set(encodes(plan).map((t) => `${t.rendition}:${t.slots}`));
    expect(widths).toContain("1080p:4");
    expect(widths).toContain("720p:2");
  });

  it("--no-backfill is accepted and still gives a sound plan", () => {
    const plan = planOf(vps("plan", good, "--no-backfill", "--json"));
    expect(verifyPlan(plan)).toEqual([]);
  });

  it("has no noise unless asked; --noise with --noise-seed draws it reproducibly", () => {
    const plain = planOf(vps("plan", good, "--json"));
    expect(plain.metrics.prediction.firstEstimate.median).toBe(0);
    const a = vps("plan", good, "--noise", "0.3", "--noise-seed", "5", "--json");
    const b = vps("plan", good, "--noise", "0.3", "--noise-seed", "5", "--json");
    expect(planOf(a).metrics.prediction.firstEstimate.median).toBeGreaterThan(0);
    expect(a.stdout === b.stdout).toBe(true);
    const c = vps("plan", good, "--noise", "0.3", "--noise-seed", "6", "--json");
    expect(planOf(c).tasks).not.toEqual(planOf(a).tasks);
  });
});

describe("a bad allocation or noise value", () => {
  const plan = () => ["plan", good];
  const simulate = () => ["simulate", "--seed", "42", "--policy", "value"];
  it.each([
    ["plan --allocation fixed:0", plan, ["--allocation", "fixed:0"], /expected predictive, planned or fixed:N .*N ≥ 1.*found "fixed:0"/],
    ["simulate --allocation fixed:0", simulate, ["--allocation", "fixed:0"], /expected predictive, planned or fixed:N .*N ≥ 1.*found "fixed:0"/],
    ["plan --allocation wide", plan, ["--allocation", "wide"], /expected predictive, planned or fixed:N.*found "wide"/],
    ["plan --noise -1", plan, ["--noise", "-1"], /expected a log-normal σ between 0 and 2.*found "-1"/],
    ["simulate --noise abc", simulate, ["--noise", "abc"], /expected a log-normal σ between 0 and 2.*found "abc"/],
  ])("%s exits 2 saying what was expected, and prints no plan", (_name, args, flags, says) => {
    const r = vps(...args(), ...flags);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(r.stdout).toBe("");
  });
});
