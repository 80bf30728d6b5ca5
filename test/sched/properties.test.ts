// Invariants of the plan contract over arbitrary small workloads, under every policy, every
// allocation of slots to encodes, with and without backfill, with and without a hidden true cost.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { encodeMemoryGiB, encodeParallelFraction, encodeSlots } from "../../src/cost/model";
import type { Plan, Title, Workload } from "../../src/model";
import { assemblePlan, buildPlan, createSimulator, expandAll, type PlanOptions } from "../../src/plan/build";
import { titleStretch } from "../../src/plan/stretch";
import { verifyPlan } from "../../src/plan/verify";
import { type Allocation, memoryWidth, widestUseful } from "../../src/sched/allocate";
import { holdsScratch } from "../../src/pipeline/expand";
import { POLICY_NAMES } from "../../src/sched/policy";
import type { SimEvent } from "../../src/sched/trace";
import type { Truth } from "../../src/sched/truth";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();
/** VPS_PROPERTY_RUNS=20 multiplies every property's runs for a deeper search than CI's. */
const runs = (n: number) => n * Number(process.env.VPS_PROPERTY_RUNS ?? 1);

const titleArb = (i: number): fc.Arbitrary<Title> =>
  fc
    .record({
      arrival: fc.integer({ min: 0, max: 7200 }),
      tier: fc.constantFrom("premium", "partner", "standard", "ugc"),
      duration: fc.integer({ min: 20, max: 2400 }),
      height: fc.constantFrom(360, 720, 1080, 2160),
      deliverables: fc.subarray(["h264-sdr", "hevc-4k"], { minLength: 1 }),
      deadlineAfter: fc.option(fc.integer({ min: 60, max: 20_000 }), { nil: null }),
      views: fc.integer({ min: 0, max: 5_000_000 }),
      complexity: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((r) =>
      aTitle({
        id: `t${String(i).padStart(2, "0")}`,
        arrival: r.arrival,
        tier: r.tier,
        value: { expectedViews: r.views, viewsSoFar: 0, subscribers: 0, revenuePerView: 0 },
        content: aContent({ duration: r.duration, height: r.height, width: Math.round((r.height * 16) / 9), complexity: r.complexity }),
        deliverables: r.deliverables,
        deadline: r.deadlineAfter === null ? null : r.arrival + r.deadlineAfter,
      }),
    );

const workloadArb: fc.Arbitrary<Workload> = fc
  .record({
    titles: fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => titleArb(i)))),
    slots: fc.integer({ min: 1, max: 40 }),
    memoryGiB: fc.option(fc.integer({ min: 16, max: 64 }), { nil: null }),
    scratchFactor: fc.option(fc.double({ min: 1, max: 3, noNaN: true }), { nil: null }),
  })
  .map((r) => {
    const w = aWorkload({ titles: r.titles, capacity: { pools: [{ id: "cpu", slots: r.slots, memoryGiB: r.memoryGiB }], scratchGiB: null } });
    if (r.scratchFactor === null) return w;
    // Tight but feasible: the largest single title's intermediate files, times a factor.
    const need = Math.max(...expandAll(w, book).map((p) => p.tasks.reduce((s, t) => s + (holdsScratch(t.kind) ? t.scratchGiB : 0), 0)));
    return { ...w, capacity: { ...w.capacity, scratchGiB: need * r.scratchFactor } };
  });

describe.each(POLICY_NAMES)("under the %s policy", (policy) => {
  test("capacity is never exceeded, dependencies are respected, every title finishes", () => {
    fc.assert(
      fc.property(workloadArb, (w) => {
        const plan = buildPlan(w, book, { policy, seed: null, trace: null });
        expect(verifyPlan(plan)).toEqual([]);
        expect(plan.titles.every((t) => t.finish !== null)).toBe(true);
        if (w.capacity.scratchGiB !== null) expect(plan.metrics.peakScratchGiB).toBeLessThanOrEqual(w.capacity.scratchGiB + 1e-6);
      }),
      { numRuns: runs(60) },
    );
  });

  test("memory of running tasks never exceeds a pool's memory", () => {
    fc.assert(
      fc.property(workloadArb, (w) => {
        const events: SimEvent[] = [];
        const sim = createSimulator(w, book, { policy, seed: null, trace: (e) => events.push(e) });
        const limit = w.capacity.pools[0]!.memoryGiB ?? Infinity;
        let worst = 0;
        const mem = new Map(sim.state.tasks.map((t) => [t.task.id, t.task.memoryGiB]));
        let used = 0;
        const tracking = (e: SimEvent) => {
          if (e.type === "task:start") used += mem.get(e.task) ?? 0;
          if (e.type === "task:end") used -= mem.get(e.task) ?? 0;
          worst = Math.max(worst, used);
        };
        sim.run();
        // Task ids may be renamed by a deferral; map memory by the id seen at start.
        for (const t of sim.state.tasks) mem.set(t.task.id, t.task.memoryGiB);
        events.forEach(tracking);
        expect(worst).toBeLessThanOrEqual(limit + 1e-6);
      }),
      { numRuns: runs(40) },
    );
  });

  test("the same workload gives a byte-identical plan", () => {
    fc.assert(
      fc.property(workloadArb, (w) => {
        const a = JSON.stringify(buildPlan(w, book, { policy, seed: 7, trace: null }));
        const b = JSON.stringify(buildPlan(structuredClone(w), book, { policy, seed: 7, trace: null }));
        expect(a).toBe(b);
      }),
      { numRuns: runs(25) },
    );
  });
});

test("the trace has one start and one end per planned task and one finish per title", () => {
  fc.assert(
    fc.property(workloadArb, (w) => {
      const events: SimEvent[] = [];
      const plan = buildPlan(w, book, { policy: "value", seed: null, trace: (e) => events.push(e) });
      const count = (type: SimEvent["type"]) => events.filter((e) => e.type === type).length;
      expect(count("task:start")).toBe(plan.tasks.length);
      expect(count("task:end")).toBe(plan.tasks.length);
      expect(count("title:finish")).toBe(plan.titles.length);
      expect(count("downgrade:apply")).toBe(plan.titles.reduce((s, t) => s + t.downgrades.length, 0));
      // Virtual time never runs backwards.
      expect(events.every((e, i) => i === 0 || e.at >= events[i - 1]!.at)).toBe(true);
    }),
    { numRuns: runs(30) },
  );
});

// ---- allocation, backfill and hidden true costs (issue 5) ----

const allocationArb: fc.Arbitrary<Allocation> = fc.oneof(
  fc.constant<Allocation>({ mode: "predictive" }),
  fc.constant<Allocation>({ mode: "planned" }),
  fc.integer({ min: 1, max: 16 }).map((slots): Allocation => ({ mode: "fixed", slots })),
);
const truthArb: fc.Arbitrary<Truth | null> = fc.option(
  fc.record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    titleSigma: fc.double({ min: 0, max: 0.6, noNaN: true }),
    taskSigma: fc.double({ min: 0, max: 0.1, noNaN: true }),
  }),
  { nil: null },
);
const runArb = fc.record({ w: workloadArb, allocation: allocationArb, backfill: fc.boolean(), truth: truthArb, policy: fc.constantFrom(...POLICY_NAMES) });

/** The highest memory (GiB) the tasks running at once ever hold in the pool, from the trace. */
function peakMemory(w: Workload, options: Omit<PlanOptions, "trace">): { plan: Plan; peak: number } {
  const events: SimEvent[] = [];
  const sim = createSimulator(w, book, { ...options, trace: (e) => events.push(e) });
  sim.run();
  // Task ids may be renamed by a deferral; the final id is what the trace saw after the rename.
  const mem = new Map(sim.state.tasks.map((t) => [t.task.id, t.task.memoryGiB]));
  let used = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === "task:start") used += mem.get(e.task) ?? 0;
    if (e.type === "task:end") used -= mem.get(e.task) ?? 0;
    peak = Math.max(peak, used);
  }
  return { plan: assemblePlan(w, sim.state, { ...options, trace: null }), peak };
}

describe("under every allocation, with and without backfill and a hidden true cost", () => {
  test("stretch is at least 1: no title finishes sooner than its floor", () => {
    fc.assert(
      fc.property(runArb, ({ w, allocation, backfill, truth, policy }) => {
        const sim = createSimulator(w, book, { policy, seed: null, trace: null, allocation, backfill, truth });
        sim.run();
        for (const [id, s] of titleStretch(sim.state)) expect(s, id).toBeGreaterThanOrEqual(1 - 1e-9);
        const plan = assemblePlan(w, sim.state, { policy, seed: null, trace: null, allocation, backfill, truth });
        for (const figures of Object.values(plan.metrics.stretch ?? {})) expect(figures.mean).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: runs(40) },
    );
  });

  test("slots and memory are never exceeded, dependencies are respected, every title finishes", () => {
    fc.assert(
      fc.property(runArb, ({ w, allocation, backfill, truth, policy }) => {
        const { plan, peak } = peakMemory(w, { policy, seed: null, allocation, backfill, truth });
        expect(verifyPlan(plan)).toEqual([]);
        expect(plan.titles.every((t) => t.finish !== null)).toBe(true);
        expect(peak).toBeLessThanOrEqual((w.capacity.pools[0]!.memoryGiB ?? Infinity) + 1e-6);
        if (w.capacity.scratchGiB !== null) expect(plan.metrics.peakScratchGiB).toBeLessThanOrEqual(w.capacity.scratchGiB + 1e-6);
      }),
      { numRuns: runs(60) },
    );
  });

  test("encodes get the width their allocation promises", () => {
    fc.assert(
      fc.property(runArb, ({ w, allocation, backfill, truth, policy }) => {
        const plan = buildPlan(w, book, { policy, seed: null, trace: null, allocation, backfill, truth });
        const pool = w.capacity.pools[0]!;
        const deadline = new Map(plan.titles.map((t) => [t.id, t.deadline]));
        for (const t of plan.tasks.filter((x) => x.kind === "encode")) {
          const recipe = book.recipes.find((r) => r.id === t.recipe)!;
          const rendition = recipe.ladder.find((r) => r.name === t.rendition)!;
          const planned = Math.min(encodeSlots(rendition), pool.slots);
          const memory = memoryWidth(encodeMemoryGiB(recipe.codec, rendition), pool);
          if (allocation.mode === "fixed") expect(t.slots).toBe(Math.min(allocation.slots, pool.slots));
          else if (allocation.mode === "planned") expect(t.slots).toBe(planned);
          else {
            // Never wider than useful (or than its deadline's plan or its memory share demands)…
            const widest = widestUseful(encodeParallelFraction(recipe.codec, rendition), pool.slots);
            expect(t.slots).toBeLessThanOrEqual(Math.max(widest, planned, memory));
            // …never narrower than its memory share, nor, for a release, than planned.
            expect(t.slots).toBeGreaterThanOrEqual(memory);
            if (deadline.get(t.title) !== null) expect(t.slots, t.id).toBeGreaterThanOrEqual(planned);
          }
        }
      }),
      { numRuns: runs(40) },
    );
  });

  test("the same input gives a byte-identical plan", () => {
    fc.assert(
      fc.property(runArb, ({ w, allocation, backfill, truth, policy }) => {
        const options = { policy, seed: 7, trace: null, allocation, backfill, truth };
        const a = JSON.stringify(buildPlan(w, book, options));
        const b = JSON.stringify(buildPlan(structuredClone(w), book, structuredClone(options)));
        expect(a).toBe(b);
      }),
      { numRuns: runs(25) },
    );
  });
});
