// The generator: determinism, stream independence, and each rule of a cohort.
import { describe, expect, it } from "vitest";
import { arrivalTimes, expectedCount, rateProfile, timeAtMass } from "../../src/scenario/arrivals";
import { generateCohort, generateWorkload, idWidth } from "../../src/scenario/generate";
import type { ArrivalSpec } from "../../src/scenario/types";
import { stream } from "../../src/util/rng";
import { aCohort, aScenario } from "./builders";

const HOUR = 3600;

describe("generateWorkload", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const s = aScenario();
    expect(generateWorkload(s, 7)).toEqual(generateWorkload(s, 7));
    expect(generateWorkload(s, 7)).not.toEqual(generateWorkload(s, 8));
  });

  it("sorts titles by arrival, then id, across cohorts", () => {
    const s = aScenario({
      cohorts: [
        aCohort({ id: "b", arrivals: { kind: "count", count: 3, from: 60, to: 60, peaks: [] } }),
        aCohort({ id: "a", arrivals: { kind: "count", count: 3, from: 60, to: 60, peaks: [] } }),
        aCohort({ id: "c", arrivals: { kind: "count", count: 2, from: 0, to: 0, peaks: [] } }),
      ],
    });
    expect(generateWorkload(s, 1).titles.map((t) => t.id)).toEqual(
      ["c-0001", "c-0002", "a-0001", "a-0002", "a-0003", "b-0001", "b-0002", "b-0003"],
    );
  });

  it("copies capacity and tiers into a workload with no custom pipelines", () => {
    const w = generateWorkload(aScenario(), 1);
    expect(w.capacity.pools).toEqual([{ id: "cpu", slots: 16, memoryGiB: null }]);
    expect(w.tiers.premium).toBe(8);
    expect(w.pipelines).toEqual({});
    expect(w.epoch).toBe("2026-01-01T00:00:00Z");
  });
});

describe("stream independence", () => {
  const other = aCohort({ id: "std", tier: "standard" });

  it("changing one cohort's content mix changes no other cohort and not its own arrivals", () => {
    const before = generateWorkload(aScenario({ cohorts: [aCohort(), other] }), 5);
    const changed = aCohort();
    changed.content = { ...changed.content, classes: [{ item: "animation", weight: 1 }], hdrShare: 0 };
    const after = generateWorkload(aScenario({ cohorts: [changed, other] }), 5);
    const pick = (w: typeof before, prefix: string) => w.titles.filter((t) => t.id.startsWith(prefix));
    expect(pick(after, "std-")).toEqual(pick(before, "std-"));
    expect(pick(after, "ugc-").map((t) => [t.id, t.arrival])).toEqual(pick(before, "ugc-").map((t) => [t.id, t.arrival]));
    // Even the cohort's own durations stay: each attribute has its own stream.
    expect(pick(after, "ugc-").map((t) => t.content.duration)).toEqual(pick(before, "ugc-").map((t) => t.content.duration));
    expect(pick(after, "ugc-").every((t) => t.content.contentClass === "animation")).toBe(true);
  });

  it("adding a cohort leaves the others' titles as they were", () => {
    const before = generateWorkload(aScenario({ cohorts: [aCohort()] }), 5).titles;
    const after = generateWorkload(aScenario({ cohorts: [aCohort(), other] }), 5).titles;
    expect(after.filter((t) => t.id.startsWith("ugc-"))).toEqual(before);
  });
});

describe("arrivals", () => {
  it("places exactly `count` titles within [from, to], sorted, in whole seconds", () => {
    const t = arrivalTimes({ kind: "count", count: 200, from: 600, to: 1800, peaks: [] }, stream(1, "a"));
    expect(t).toHaveLength(200);
    expect(t.every((x) => x >= 600 && x <= 1800 && Number.isInteger(x))).toBe(true);
    expect([...t].sort((a, b) => a - b)).toEqual(t);
  });

  it("puts a batch with from = to all at that instant", () => {
    expect(arrivalTimes({ kind: "count", count: 3, from: 0, to: 0, peaks: [] }, stream(1, "a"))).toEqual([0, 0, 0]);
  });

  it("draws about rate × hours Poisson arrivals", () => {
    const spec: ArrivalSpec = { kind: "rate", perHour: 1000, from: 0, to: 2 * HOUR, peaks: [] };
    const counts = [1, 2, 3, 4, 5].map((seed) => arrivalTimes(spec, stream(seed, "a")).length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    // sd of one count is √2000 ≈ 45; five seeds average within ±3 sd of the mean comfortably.
    expect(Math.abs(mean - 2000)).toBeLessThan(60);
    expect(new Set(counts).size).toBeGreaterThan(1);
  });

  it("multiplies the rate inside a peak", () => {
    const spec: ArrivalSpec = { kind: "count", count: 4000, from: 0, to: 3 * HOUR, peaks: [{ from: HOUR, to: 2 * HOUR, factor: 3 }] };
    const t = arrivalTimes(spec, stream(9, "a"));
    const inPeak = t.filter((x) => x >= HOUR && x < 2 * HOUR).length;
    // Mass 1 + 3 + 1: the peak hour holds 3/5 of the arrivals.
    expect(inPeak / t.length).toBeGreaterThan(0.57);
    expect(inPeak / t.length).toBeLessThan(0.63);
  });

  it("builds the rate profile from overlapping peaks and inverts it", () => {
    const peaks = [
      { from: 10, to: 30, factor: 2 },
      { from: 20, to: 50, factor: 3 },
    ];
    const segs = rateProfile(0, 40, peaks);
    expect(segs).toEqual([
      { from: 0, to: 10, factor: 1 },
      { from: 10, to: 20, factor: 2 },
      { from: 20, to: 30, factor: 6 },
      { from: 30, to: 40, factor: 3 },
    ]);
    expect(timeAtMass(segs, 10)).toBe(10);
    expect(timeAtMass(segs, 40)).toBe(20 + 10 / 6);
    expect(expectedCount({ kind: "rate", perHour: 3600, from: 0, to: 40, peaks })).toBe(10 + 20 + 60 + 30);
  });
});

describe("titles of a cohort", () => {
  it("pads ids by population size, at least four digits", () => {
    expect(idWidth(12)).toBe(4);
    expect(idWidth(12_000)).toBe(5);
    const titles = generateCohort(aCohort({ id: "prem", arrivals: { kind: "count", count: 3, from: 0, to: 10, peaks: [] } }), 1);
    expect(titles.map((t) => t.id)).toEqual(["prem-0001", "prem-0002", "prem-0003"]);
  });

  it("only requests HDR deliverables for HDR 10-bit sources at least 1080 tall, and keeps the SDR ones", () => {
    const titles = generateCohort(aCohort({ arrivals: { kind: "count", count: 400, from: 0, to: 10, peaks: [] } }), 3);
    for (const t of titles) {
      const hdr = t.content.hdr !== "sdr";
      expect(t.deliverables.includes("hevc-hdr10")).toBe(hdr);
      expect(t.deliverables).toContain("h264-sdr");
      if (hdr) expect(t.content.bitDepth).toBe(10);
      if (Math.min(t.content.width, t.content.height) < 1080) expect(hdr).toBe(false);
    }
    const hd = titles.filter((t) => t.content.height >= 1080);
    const share = hd.filter((t) => t.content.hdr !== "sdr").length / hd.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });

  it("clamps durations to [min, max] in whole seconds", () => {
    const c = aCohort({ arrivals: { kind: "count", count: 500, from: 0, to: 10, peaks: [] } });
    c.content = { ...c.content, duration: { median: 60, spread: 3, min: 30, max: 90 } };
    const d = generateCohort(c, 2).map((t) => t.content.duration);
    expect(Math.min(...d)).toBe(30);
    expect(Math.max(...d)).toBe(90);
    expect(d.every(Number.isInteger)).toBe(true);
  });

  it("uses per-class complexity ranges", () => {
    const c = aCohort({ arrivals: { kind: "count", count: 300, from: 0, to: 10, peaks: [] } });
    c.content = { ...c.content, complexityByClass: { screen: { min: 0, max: 0.1 } } };
    for (const t of generateCohort(c, 4)) {
      if (t.content.contentClass === "screen") expect(t.content.complexity).toBeLessThanOrEqual(0.1);
      else expect(t.content.complexity).toBeGreaterThanOrEqual(0.2);
    }
  });

  it("sets deadlines after arrival within the jitter, for the given share", () => {
    const c = aCohort({
      arrivals: { kind: "count", count: 1000, from: 0, to: HOUR, peaks: [] },
      deadline: { kind: "after", after: 2 * HOUR, jitter: 1800, share: 0.5 },
    });
    const titles = generateCohort(c, 6);
    const withDeadline = titles.filter((t) => t.deadline !== null);
    expect(withDeadline.length / titles.length).toBeGreaterThan(0.45);
    expect(withDeadline.length / titles.length).toBeLessThan(0.55);
    for (const t of withDeadline) {
      expect(t.deadline! - t.arrival).toBeGreaterThanOrEqual(2 * HOUR - 1800);
      expect(t.deadline! - t.arrival).toBeLessThanOrEqual(2 * HOUR + 1800);
    }
  });

  it("gives a fixed release time to the whole cohort", () => {
    const c = aCohort({ deadline: { kind: "at", at: 6 * HOUR, share: 1 } });
    expect(new Set(generateCohort(c, 1).map((t) => t.deadline))).toEqual(new Set([6 * HOUR]));
  });

  it("draws expected views from a heavy-tailed lognormal and leaves views so far at 0", () => {
    const c = aCohort({ arrivals: { kind: "count", count: 2000, from: 0, to: 10, peaks: [] } });
    const views = generateCohort(c, 8).map((t) => t.value.expectedViews).sort((a, b) => a - b);
    const median = views[1000]!;
    expect(median).toBeGreaterThan(350);
    expect(median).toBeLessThan(700);
    expect(views[views.length - 1]!).toBeGreaterThan(100 * median);
    expect(generateCohort(c, 8).every((t) => t.value.viewsSoFar === 0)).toBe(true);
  });
});
