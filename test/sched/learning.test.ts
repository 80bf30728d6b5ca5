// Learning while running (src/sched/learn.ts, src/plan/prediction.ts): a hidden true cost makes
// the cost model wrong by a factor per title; the scheduler learns each title's factor from its
// finished chunks, so its estimates when it starts the rest are much closer, and a release whose
// chunks turn out slower than predicted is re-planned (downgraded) as soon as that is known.
import { describe, expect, test } from "vitest";
import type { Plan, Workload } from "../../src/model";
import { buildPlan, createSimulator } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import type { SimEvent } from "../../src/sched/trace";
import type { Truth } from "../../src/sched/truth";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();
const pool = (slots: number): Workload["capacity"] => ({ pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null });

/** Six hour-long HD titles (15 chunks per rendition, 180 encodes) on 8 slots: chunks run in waves. */
const backlog = aWorkload({
  titles: Array.from({ length: 6 }, (_, i) => aTitle({ id: `t${i}`, content: aContent({ duration: 3600 }) })),
  capacity: pool(8),
});
const truth = (seed: number): Truth => ({ seed, titleSigma: 0.3, taskSigma: 0.02 });
const planWith = (w: Workload, t: Truth | null): Plan => buildPlan(w, book, { policy: "value", seed: null, trace: null, truth: t });

describe("with a hidden true cost", () => {
  test.each([1, 2, 3, 4])("the estimates at start are much closer than the model's first estimates (seed %i)", (seed) => {
    const p = planWith(backlog, truth(seed));
    expect(verifyPlan(p)).toEqual([]);
    const m = p.metrics.prediction;
    expect(m.encodes).toBe(180);
    // Titles stray from the model by σ = 0.3: the first estimates are off by ~10–30%.
    expect(m.firstEstimate.median).toBeGreaterThan(0.05);
    // Chunks of a title stray from each other by only σ = 0.02: once a title has finished a
    // chunk, the rest are estimated within a few percent.
    expect(m.atStart.median).toBeLessThan(m.firstEstimate.median / 3);
    expect(m.atStart.median).toBeLessThan(0.05);
    expect(m.atStart.p90).toBeLessThan(m.firstEstimate.p90);
  });

  test("the plan's `predicted` is the model's figure, not what the encode really took", () => {
    const p = planWith(backlog, truth(1));
    const encodes = p.tasks.filter((t) => t.kind === "encode");
    const off = encodes.filter((t) => Math.abs(t.end - t.start - t.predicted!) > 0.05 * (t.end - t.start));
    expect(off.length).toBeGreaterThan(encodes.length / 2);
  });

  test("the same seed gives a byte-identical plan, another seed a different one", () => {
    const a = JSON.stringify(planWith(backlog, truth(7)));
    const b = JSON.stringify(planWith(structuredClone(backlog), truth(7)));
    expect(a === b).toBe(true);
    const c = JSON.stringify(planWith(backlog, truth(8)));
    expect(c === a).toBe(false);
    // The workload is the same; only the hidden costs (and so the times) differ.
    const [pa, pc] = [JSON.parse(a) as Plan, JSON.parse(c) as Plan];
    expect(pc.tasks.map((t) => t.id)).toEqual(pa.tasks.map((t) => t.id));
    expect(pc.metrics.makespan).not.toBe(pa.metrics.makespan);
  });
});

describe("without a hidden true cost", () => {
  for (const [name, t] of [
    ["no truth", null],
    ["a truth with no spread", { seed: 3, titleSigma: 0, taskSigma: 0 }],
  ] as const) {
    test(`every prediction is exact (${name})`, () => {
      const p = planWith(backlog, t);
      // As the plan JSON reads (a rounding may leave -0 in memory, which JSON writes as 0).
      expect(JSON.parse(JSON.stringify(p.metrics.prediction))).toEqual({
        encodes: 180,
        firstEstimate: { median: 0, p90: 0 },
        atStart: { median: 0, p90: 0 },
        perTitle: { median: 0, p90: 0 },
        batchTotal: 0,
      });
      for (const e of p.tasks.filter((x) => x.kind === "encode")) expect(e.predicted!).toBeCloseTo(e.end - e.start, 2);
      // Only encodes carry a prediction.
      expect(p.tasks.filter((x) => x.kind !== "encode").every((x) => x.predicted === undefined)).toBe(true);
    });
  }
});

describe("a release whose chunks turn out slower than predicted", () => {
  // A premium hour-long episode alone on 8 slots, due at 1.25× the time the model says it needs.
  const episode = aTitle({ id: "ep", tier: "premium", value: { expectedViews: 1_000_000 }, content: aContent({ duration: 3600 }) });
  const modelFinish = planWith(aWorkload({ titles: [episode], capacity: pool(8) }), null).titles[0]!.finish!;
  const w = aWorkload({ titles: [{ ...episode, deadline: 1.25 * modelFinish }], capacity: pool(8) });

  /** The first seed whose hidden factor makes every encode of the episode at least 1.6× dearer. */
  const slow: Truth = (() => {
    for (let seed = 1; seed < 500; seed++) {
      const t: Truth = { seed, titleSigma: 0.5, taskSigma: 0.02 };
      const sim = createSimulator(w, book, { policy: "value", seed: null, trace: null, truth: t });
      const factors = sim.state.tasks.filter((x) => x.task.kind === "encode").map((x) => sim.trueFactor(x.idx));
      if (Math.min(...factors) > 1.6) return t;
    }
    throw new Error("no seed makes the episode that slow");
  })();

  test("is projected on time at first and left alone when the model is right", () => {
    const p = planWith(w, null);
    expect(p.titles[0]!).toMatchObject({ onTime: true, downgrades: [] });
  });

  test("is re-planned when its first chunks finish late: downgraded then, not at arrival", () => {
    const events: SimEvent[] = [];
    const p = buildPlan(w, book, { policy: "value", seed: null, trace: (e) => events.push(e), truth: slow });
    expect(verifyPlan(p)).toEqual([]);
    const ep = p.titles.find((t) => t.id === "ep")!;
    expect(ep.downgrades.length).toBeGreaterThan(0);
    const encodeEnds = events.filter((e) => e.type === "task:end" && e.task.includes("/encode/")).map((e) => e.at);
    const firstEnd = Math.min(...encodeEnds);
    const first = ep.downgrades[0]!;
    // Nothing was known to be wrong before an encode had finished.
    expect(first.at).toBeGreaterThanOrEqual(firstEnd - 1e-3);
    // The re-plan came on an encode's end: what the finished chunk taught moved the projection.
    expect(encodeEnds.some((at) => Math.abs(at - first.at) < 1e-3)).toBe(true);
    // Re-planned in time, the release still makes its deadline at the true cost.
    expect(ep.onTime).toBe(true);
    // It was worth it: without downgrades (fifo, the baseline) the same costs finish later.
    const baseline = buildPlan(w, book, { policy: "fifo", seed: null, trace: null, truth: slow });
    expect(baseline.titles.find((t) => t.id === "ep")!.downgrades).toEqual([]);
    expect(ep.finish!).toBeLessThan(baseline.titles.find((t) => t.id === "ep")!.finish!);
  });
});
