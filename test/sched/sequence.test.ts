// The deadline sequence (src/sched/sequence.ts, src/sched/order.ts): what a user with more
// deadline work than the farm can do on time gets — the order of least weighted tardiness, the
// heavier title first when one of two must be late, earliest deadline first whenever everything
// can be on time — and, through the whole scheduler, vps at the optimum of OR-Library instances.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vpsRun } from "../../src/bench/deadlines";
import { parseOptima, parseWtInstances, type WtInstance } from "../../src/bench/orlib";
import { atcOrder, eddOrder, type SeqFarm, type SeqJob, sequence, tardiness } from "../../src/sched/sequence";

const ONE_SLOT: SeqFarm = { now: 0, slots: [1], start: [0] };
const job = (p: number, d: number, w = 1): SeqJob => ({ work: [p], deadline: d, weight: w, minEnd: p });

/** Every order of n jobs, to find the optimum of small instances by enumeration. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) => Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]));
}
const optimum = (jobs: SeqJob[], farm = ONE_SLOT) => Math.min(...permutations(jobs.length).map((o) => tardiness(jobs, farm, o)));

describe("the deadline sequence", () => {
  it("keeps earliest deadline first when that has every title on time", () => {
    const jobs = [job(30, 100), job(10, 20), job(20, 60)];
    expect(sequence(jobs, ONE_SLOT)).toEqual([1, 2, 0]);
    expect(tardiness(jobs, ONE_SLOT, [1, 2, 0])).toBe(0);
  });

  it("puts the heavier title first when one of two due together must be late", () => {
    // Both due at 10, each takes 10: whichever goes second is 10 late. A premium (weight 8) and a ugc (1).
    const jobs = [job(10, 10, 1), job(10, 10, 8)];
    expect(sequence(jobs, ONE_SLOT)).toEqual([1, 0]);
    expect(tardiness(jobs, ONE_SLOT, sequence(jobs, ONE_SLOT))).toBe(10);
  });

  it("finds the optimum of small instances, never worse than EDD or ATC", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ p: fc.integer({ min: 1, max: 50 }), d: fc.integer({ min: 0, max: 150 }), w: fc.integer({ min: 1, max: 10 }) }), { minLength: 1, maxLength: 6 }), (spec) => {
        const jobs = spec.map((j) => job(j.p, j.d, j.w));
        const found = tardiness(jobs, ONE_SLOT, sequence(jobs, ONE_SLOT));
        expect(found).toBeCloseTo(optimum(jobs), 6);
        expect(found).toBeLessThanOrEqual(tardiness(jobs, ONE_SLOT, eddOrder(jobs)) + 1e-9);
        for (const k of [0.5, 2, 5]) expect(found).toBeLessThanOrEqual(tardiness(jobs, ONE_SLOT, atcOrder(jobs, ONE_SLOT, k)) + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it("gives the same order for the same titles every time", () => {
    const jobs = Array.from({ length: 30 }, (_, i) => job(1 + ((i * 37) % 23), (i * 53) % 200, 1 + (i % 7)));
    expect(sequence(jobs, ONE_SLOT)).toEqual(sequence(jobs, ONE_SLOT));
  });

  it("counts each pool at its own speed, the running work first, and a title's own critical path", () => {
    // Two pools: cpu of 4 slots busy until 10, gpu of 1 slot free. Job 0 needs 40 cpu slot-seconds
    // (10 s on 4 slots, from 10) and 5 on the gpu; its critical path ends at 30.
    const farm: SeqFarm = { now: 0, slots: [4, 1], start: [10, 0] };
    const jobs: SeqJob[] = [{ work: [40, 5], deadline: 25, weight: 2, minEnd: 30 }];
    expect(tardiness(jobs, farm, [0])).toBe(2 * (30 - 25));
    // A pool with no slots left (a farm that lost its workers) never gets the work through.
    expect(tardiness(jobs, { now: 0, slots: [0, 1], start: [0, 0] }, [0])).toBe(Infinity);
  });
});

describe("vps on OR-Library weighted tardiness (one slot, the whole scheduler)", () => {
  const DATA = join(__dirname, "..", "..", "..", "shared", "data", "orlib-wt40");
  const wt40 = parseWtInstances(readFileSync(join(DATA, "wt40.txt"), "utf8"), 40, "wt40.txt");
  const optima = parseOptima(readFileSync(join(DATA, "wtopt40.txt"), "utf8"), wt40.length, "wtopt40.txt");
  // The first ten instances with a positive optimum, and the first five where every job can be on time.
  const positive = wt40.map((inst, i) => ({ inst, opt: optima[i]! })).filter((x) => x.opt > 0).slice(0, 10);
  const zero = wt40.map((inst, i) => ({ inst, opt: optima[i]! })).filter((x) => x.opt === 0).slice(0, 5);

  it("is within 1% of the optimum on instances where some job must be late", () => {
    const gaps = positive.map(({ inst, opt }) => (vpsRun(inst).tardiness - opt) / opt);
    expect(Math.max(...gaps)).toBeLessThan(0.01);
  });

  it("has every job on time where that is possible", () => {
    for (const { inst } of zero as { inst: WtInstance }[]) expect(vpsRun(inst).tardiness).toBe(0);
  });
});
