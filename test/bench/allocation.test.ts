// `vps bench cost` part (b) (src/bench/allocation.ts) on a small generated backlog: the lower
// bound really bounds every run, predictive allocation is at least as good as one node per
// encode, and the report's verdicts follow from its numbers.
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ALLOCATION_BARS, allocationBench, FIXED_COUNTS, formatAllocationBench, lowerBound, NODE_SLOTS } from "../../src/bench/allocation";
import { loadRecipeDir } from "../../src/load/recipes";
import type { Workload } from "../../src/model";
import { assemblePlan, createSimulator, type PlanOptions } from "../../src/plan/build";
import type { Allocation } from "../../src/sched/allocate";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioText } from "../../src/scenario/load";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

/** The shape of scenarios/backlog.yaml, a tenth of its size: a catalogue delivery, releases, uploads. */
const SMALL_BACKLOG = `description: A small back-catalogue delivery (test).
window: 30m
capacity:
  pools:
    cpu: { slots: 32, memoryGiB: 128 }
  scratchGiB: 1000
cohorts:
  - id: catalogue
    description: Back catalogue, delivered in the first ten minutes.
    tier: standard
    arrivals: { count: 20, from: 0, to: +10m }
    content:
      classes: { generic: 50, film-grain: 25, animation: 25 }
      duration: { median: 8m, spread: 0.5, min: 2m, max: 20m }
      resolutions: { 1920x1080: 70, 1280x720: 20, 3840x2160: 10 }
      fps: { 24: 50, 25: 50 }
      complexity: { min: 0.3, max: 0.8 }
    deliverables: [h264-sdr, hevc-sdr]
    value:
      expectedViews: { median: 20000, spread: 1.0 }
  - id: premium
    description: Premium episodes due at +6h.
    tier: premium
    arrivals: { count: 3, from: 0, to: +10m }
    content:
      classes: { generic: 100 }
      duration: { median: 20m, spread: 0.2, min: 15m, max: 25m }
      resolutions: { 1920x1080: 100 }
      fps: { 24: 100 }
      complexity: { min: 0.4, max: 0.7 }
    deliverables: [h264-sdr, hevc-sdr]
    deadline: { at: +6h }
    value:
      expectedViews: { median: 1000000, spread: 0.3 }
  - id: ugc
    description: Uploads while the backlog runs.
    tier: ugc
    arrivals: { count: 10 }
    content:
      classes: { generic: 100 }
      duration: { median: 3m, spread: 1.0, min: 10s, max: 10m }
      resolutions: { 1280x720: 100 }
      fps: { 30: 100 }
      complexity: { min: 0.2, max: 0.8 }
    deliverables: [h264-sdr]
    value:
      expectedViews: { median: 500, spread: 2.0 }
`;

const SEED = 3;
const recipes = loadRecipeDir(fileURLToPath(new URL("../../recipes", import.meta.url)));
const workload = generateWorkload(loadScenarioText("small-backlog.yaml", SMALL_BACKLOG), SEED);
const report = allocationBench(workload, recipes, SEED, 0.231);

/** Runs the simulator as the bench does and returns the plan's makespan and the run's lower bound. */
function bounded(w: Workload, book: Parameters<typeof createSimulator>[1], options: PlanOptions) {
  const sim = createSimulator(w, book, options);
  sim.run();
  return { makespan: assemblePlan(w, sim.state, options).metrics.makespan, bound: lowerBound(sim.state, (i) => sim.trueFactor(i)) };
}

describe("lowerBound", () => {
  const truth = { seed: SEED, titleSigma: 0.231, taskSigma: 0.08 };
  const allocations: Allocation[] = [{ mode: "predictive" }, { mode: "planned" }, ...FIXED_COUNTS.map((slots): Allocation => ({ mode: "fixed", slots }))];

  test.each(allocations.map((a) => [a.mode === "fixed" ? `fixed:${a.slots}` : a.mode, a] as const))("is at most the makespan of a %s run", (_name, allocation) => {
    for (const backfill of [true, false]) {
      const { makespan, bound } = bounded(workload, recipes, { policy: backfill ? "value" : "fifo", seed: SEED, trace: null, allocation, backfill, truth });
      expect(bound).toBeGreaterThan(0);
      expect(bound).toBeLessThanOrEqual(makespan + 1e-6);
    }
  });

  test("is tight for a lone encode on an idle pool: its critical path at the widest useful width", () => {
    const hd = aRecipe({ deliverable: "hd", ladder: [{ name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 }], downgrades: [] });
    const w = aWorkload({ titles: [aTitle({ id: "lone", deliverables: ["hd"], content: aContent({ duration: 600 }) })] });
    const lone = bounded(w, aBook([hd]), { policy: "value", seed: null, trace: null });
    // The predictive allocator gives the lone encode its widest useful width: the bound is met.
    expect(lone.bound).toBeCloseTo(lone.makespan, 2);
    // On one slot it takes far longer than the bound.
    const narrow = bounded(w, aBook([hd]), { policy: "value", seed: null, trace: null, allocation: { mode: "fixed", slots: 1 } });
    expect(narrow.bound).toBeCloseTo(lone.bound, 6);
    expect(narrow.makespan).toBeGreaterThan(2 * narrow.bound);
  });

  test("every run in the report is at or above it", () => {
    for (const run of [report.predictive, ...report.fixed]) expect(run.makespanOverLowerBound, run.name).toBeGreaterThanOrEqual(1 - 1e-3);
  });
});

describe("allocationBench on a small backlog", () => {
  const node = report.fixed.find((r) => r.name === `fixed:${NODE_SLOTS}`)!;

  test("runs predictive and every fixed count on the same titles and hidden costs", () => {
    expect(report.titles).toBe(workload.titles.length);
    expect(report.titles).toBeGreaterThan(25);
    expect(report.truth).toEqual({ seed: SEED, titleSigma: 0.231, taskSigma: 0.08 });
    expect(report.fixed.map((r) => r.name)).toEqual(FIXED_COUNTS.map((n) => `fixed:${n}`));
    for (const r of [report.predictive, ...report.fixed]) {
      expect(r.makespanHours).toBeGreaterThan(0);
      expect(r.titlesPerHour).toBeCloseTo(report.titles / r.makespanHours, 0);
      expect(r.utilisation).toBeGreaterThan(0);
      expect(r.utilisation).toBeLessThanOrEqual(1 + 1e-3);
    }
  });

  test("predictive allocation gets through at least as many titles an hour as one node per encode, and the best fixed count", () => {
    expect(report.predictive.titlesPerHour).toBeGreaterThanOrEqual(node.titlesPerHour);
    const best = report.fixed.find((r) => r.name === report.bestFixed)!;
    expect(report.fixed.every((r) => r.titlesPerHour <= best.titlesPerHour)).toBe(true);
    expect(report.predictive.titlesPerHour).toBeGreaterThanOrEqual(best.titlesPerHour);
  });

  test("its ratios and verdicts follow from its numbers", () => {
    const best = report.fixed.find((r) => r.name === report.bestFixed)!;
    const p = report.predictive;
    expect(report.ratios.throughputOverNodePerEncode).toBeCloseTo(p.titlesPerHour / node.titlesPerHour, 2);
    expect(report.ratios.throughputOverBestFixed).toBeCloseTo(p.titlesPerHour / best.titlesPerHour, 2);
    expect(report.bars).toEqual(ALLOCATION_BARS);
    expect(report.meets).toEqual({
      throughputOverNode: p.titlesPerHour >= ALLOCATION_BARS.throughputOverNode * node.titlesPerHour,
      notBelowBestFixed: p.titlesPerHour >= best.titlesPerHour,
      utilisation: p.utilisation >= ALLOCATION_BARS.utilisation,
      utilisationTarget: p.utilisation >= ALLOCATION_BARS.utilisationTarget,
      makespanOverLowerBound: p.makespanOverLowerBound <= ALLOCATION_BARS.makespanOverLowerBound,
    });
  });

  test("the text report says the same", () => {
    const text = formatAllocationBench(report, "small-backlog");
    expect(text).toMatch(new RegExp(`^allocation \\(part b\\) — scenario small-backlog, ${report.titles} titles`));
    for (const r of [report.predictive, ...report.fixed]) expect(text).toContain(`${r.name.padEnd(11)} makespan ${r.makespanHours.toFixed(2)} h`);
    const verdict = (ok: boolean) => (ok ? "meets" : "MISSES");
    expect(text).toContain(`one node per encode (bar 1.3×: ${verdict(report.meets.throughputOverNode)})`);
    expect(text).toContain(`the best fixed count ${report.bestFixed} (bar ≥ 1: ${verdict(report.meets.notBelowBestFixed)})`);
  });

  test("without noise every run takes what the model predicts, and the report says so", () => {
    const small = aWorkload({ titles: Array.from({ length: 4 }, (_, i) => aTitle({ id: `t${i}`, content: aContent({ duration: 120 }) })) });
    const r = allocationBench(small, aBook(), 1, 0);
    expect(r.truth).toMatch(/^none/);
    for (const run of [r.predictive, ...r.fixed]) expect(run.makespanOverLowerBound).toBeGreaterThanOrEqual(1 - 1e-3);
  });
});
