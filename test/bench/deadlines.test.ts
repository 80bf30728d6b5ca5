// `vps bench deadlines` (src/bench/deadlines.ts, src/bench/orlib.ts): the OR-Library parser, the
// instance as a vps workload, vps's tardiness read off its plan, the EDD and ATC references on a
// hand-made instance, and a report whose figures follow from its inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  ATC_GRID,
  atcOrder,
  deadlinesReport,
  eddLongestFirstOrder,
  eddOrder,
  formatDeadlinesBench,
  instanceWorkload,
  JOB_BOOK,
  METHOD_LABELS,
  UNIT,
  vpsRun,
  weightedTardiness,
} from "../../src/bench/deadlines";
import { parseOptima, parseWtInstances, parseWtPair, type WtInstance } from "../../src/bench/orlib";
import { loadWorkloadText } from "../../src/load/workload";
import { workloadToYaml } from "../../src/load/write";
import { expandAll } from "../../src/plan/build";
import { InputError } from "../../src/util/errors";
import { titleWeight } from "../../src/value/weight";

const DATA = join(__dirname, "..", "..", "..", "shared", "data", "orlib-wt40");
const wt40 = parseWtInstances(readFileSync(join(DATA, "wt40.txt"), "utf8"), 40, "wt40.txt");
const optima = parseOptima(readFileSync(join(DATA, "wtopt40.txt"), "utf8"), wt40.length, "wtopt40.txt");

/** Every order of the jobs, for instances small enough to solve by enumeration. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) => Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]));
}
const optimum = (inst: WtInstance) => Math.min(...permutations(inst.p.length).map((o) => weightedTardiness(inst, o)));

/**
 * Three jobs all due at 0: every job is late from the start, so the objective is Σ w·C and the
 * optimum is shortest weighted processing time first (Smith's rule): w/p = 1/3, 1, 2 gives
 * j3, j2, j1 with C = 2, 3, 6 and 4·2 + 1·3 + 1·6 = 17. EDD, all due dates equal, keeps job order:
 * C = 3, 4, 6 and 1·3 + 1·4 + 4·6 = 31. ATC's slack is 0 for every job at every step, so its index
 * is w/p whatever k: Smith's order, 17.
 */
const ALL_LATE: WtInstance = { p: [3, 1, 2], w: [1, 1, 4], d: [0, 0, 0] };
/** Three equal jobs due at 6, 4, 2: run last-listed first, each ends on its due date; optimum 0. */
const ON_TIME: WtInstance = { p: [2, 2, 2], w: [1, 1, 1], d: [6, 4, 2] };

describe("the OR-Library parser", () => {
  test("wt40.txt holds 125 instances of 40 jobs, p in 1..100 and w in 1..10; wtopt40.txt one optimum each, 18 of them 0", () => {
    expect(wt40).toHaveLength(125);
    for (const inst of wt40) {
      expect([inst.p.length, inst.w.length, inst.d.length]).toEqual([40, 40, 40]);
      expect(inst.p.every((p) => p >= 1 && p <= 100)).toBe(true);
      expect(inst.w.every((w) => w >= 1 && w <= 10)).toBe(true);
    }
    // The first numbers of the file: p, then w, then d of instance 1.
    expect([wt40[0]!.p[0], wt40[0]!.p[1], wt40[0]!.w[0], wt40[0]!.w[1], wt40[0]!.d[0]]).toEqual([26, 24, 1, 10, 1588]);
    expect(optima).toHaveLength(125);
    expect(optima.slice(0, 3)).toEqual([913, 1225, 537]);
    expect(optima.filter((x) => x === 0)).toHaveLength(18);
  });

  test("refuses what is not whitespace-separated integers in whole instances", () => {
    expect(() => parseWtInstances("1 2 x", 1, "f.txt")).toThrow(/^f\.txt: expected whitespace-separated integers, found "x" \(number 3\)$/);
    expect(() => parseWtInstances("1 2 3 4", 1, "f.txt")).toThrow(/expected a multiple of 3 integers .* found 4/);
    expect(() => parseWtInstances("", 1)).toThrow(InputError);
    expect(() => parseWtInstances("0 1 1", 1)).toThrow(/instance 1: expected processing times > 0/);
    expect(() => parseWtInstances("1 1 1  1 0 1", 1)).toThrow(/instance 2: expected weights > 0/);
    expect(() => parseWtInstances("1 1 -1", 1)).toThrow(/expected due dates >= 0/);
    expect(() => parseOptima("1 2", 3, "o.txt")).toThrow(/^o\.txt: expected 3 optimal values, one per instance, found 2$/);
    expect(() => parseOptima("-1", 1)).toThrow(/expected optimal values >= 0/);
    expect(parseWtInstances(" 3 1\n2\n1 1 4 0 0 0 ", 3)).toEqual([ALL_LATE]);
  });

  test("an instances file and its optima: the job count follows from the two (wt40, wt50, wt100 alike)", () => {
    const files = { instances: "wt.txt", optima: "opt.txt" };
    expect(parseWtPair("3 1 2 1 1 4 0 0 0  2 2 2 1 1 1 6 4 2", "17\n0\n", files)).toEqual({ instances: [ALL_LATE, ON_TIME], optima: [17, 0] });
    expect(parseWtPair("5 7 2", "21", files).instances).toEqual([{ p: [5], w: [7], d: [2] }]);
    expect(() => parseWtPair("1 2 3 4", "0 0", files)).toThrow(/^wt\.txt: expected 3 integers per job for each of the 2 instances opt\.txt lists, found 4 integers$/);
    expect(() => parseWtPair("1 1 1", "", files)).toThrow(/^opt\.txt: expected one optimal value per instance, found none$/);
  });
});

describe("an instance as a vps workload", () => {
  test("each job is one task of its processing time on the one slot, weighed by its tier, due at its due date", () => {
    const inst = wt40[0]!;
    const workload = instanceWorkload(inst);
    const pipelines = expandAll(workload, JOB_BOOK);
    pipelines.forEach((pipeline, j) => {
      expect(pipeline.tasks).toHaveLength(1);
      const task = pipeline.tasks[0]!;
      expect([task.kind, task.pool, task.slots, task.after]).toEqual(["encode", "cpu", 1, []]);
      expect(task.duration).toBeCloseTo(inst.p[j]! * UNIT, 9);
      expect(titleWeight(pipeline.title, workload.tiers)).toBe(inst.w[j]);
      expect(pipeline.title.deadline).toBe(inst.d[j]! * UNIT);
    });
    expect(workload.capacity.pools).toEqual([{ id: "cpu", slots: 1, memoryGiB: null }]);
  });

  test("it is a workload vps itself loads: written as YAML and read back, it is the same", () => {
    const workload = instanceWorkload(ON_TIME);
    const loaded = loadWorkloadText("wt.yaml", workloadToYaml(workload), JOB_BOOK);
    expect(loaded.titles).toEqual(workload.titles);
    expect(loaded.pipelines).toEqual(workload.pipelines);
    expect(loaded.tiers).toMatchObject(workload.tiers);
  });
});

describe("tardiness of vps, EDD and ATC", () => {
  test("a hand-made instance: optimum 17, EDD 31, ATC 17 at every k; vps's figure is that of the order it ran", () => {
    expect(optimum(ALL_LATE)).toBe(17);
    expect(eddOrder(ALL_LATE)).toEqual([0, 1, 2]);
    expect(weightedTardiness(ALL_LATE, eddOrder(ALL_LATE))).toBe(31);
    for (const k of ATC_GRID) {
      expect(atcOrder(ALL_LATE, k)).toEqual([2, 1, 0]);
      expect(weightedTardiness(ALL_LATE, atcOrder(ALL_LATE, k))).toBe(17);
    }
    const vps = vpsRun(ALL_LATE);
    expect([...vps.order].sort()).toEqual([0, 1, 2]);
    expect(vps.idle).toBe(0);
    expect(vps.tardiness).toBe(weightedTardiness(ALL_LATE, vps.order));
    expect(vps.tardiness).toBeGreaterThanOrEqual(17);
  });

  test("vps's tardiness is read off its plan: finish − deadline, in units, times the weight", () => {
    // One job of 5 units due at 2 is late by 3; weight 7.
    expect(vpsRun({ p: [5], w: [7], d: [2] })).toMatchObject({ tardiness: 21, order: [0], idle: 0 });
    expect(vpsRun({ p: [5], w: [7], d: [9] }).tardiness).toBe(0);
    // fifo has no at-risk band: the arrival order (here the job order), 5·1 + 9·1.
    expect(vpsRun({ p: [5, 4], w: [1, 1], d: [0, 0] }, "fifo")).toEqual({ tardiness: 14, order: [0, 1], idle: 0, startedAtRisk: 0, allAtRiskAtStart: false });
  });

  test("EDD runs the on-time instance on time, and so does ATC", () => {
    expect(optimum(ON_TIME)).toBe(0);
    expect(eddOrder(ON_TIME)).toEqual([2, 1, 0]);
    expect(weightedTardiness(ON_TIME, eddOrder(ON_TIME))).toBe(0);
    expect(weightedTardiness(ON_TIME, atcOrder(ON_TIME, 2))).toBe(0);
  });

  test("EDD has no tardiness on every wt40 instance whose optimum is 0 (if any order is on time, EDD is)", () => {
    const zero = wt40.filter((_, i) => optima[i] === 0);
    expect(zero).toHaveLength(18);
    for (const inst of zero) expect(weightedTardiness(inst, eddOrder(inst))).toBe(0);
  });
});

describe("the report", () => {
  // Instance 1 (optimum 913) and instance 51 (optimum 0): small, and one of each kind.
  const two = [wt40[0]!, wt40[50]!];
  const twoOptima = [optima[0]!, optima[50]!];
  const report = deadlinesReport(two, twoOptima);

  test("gaps over the instances of optimum > 0 only; optimum 0 counted, not divided by", () => {
    expect([report.instances, report.jobs, report.unitSeconds]).toEqual([2, 40, UNIT]);
    const [first, second] = report.results;
    expect(first!.edd).toBe(weightedTardiness(two[0]!, eddOrder(two[0]!)));
    expect(first!.atc2).toBe(weightedTardiness(two[0]!, atcOrder(two[0]!, 2)));
    expect(first!.atcBest).toBe(Math.min(...ATC_GRID.map((k) => weightedTardiness(two[0]!, atcOrder(two[0]!, k)))));
    expect(weightedTardiness(two[0]!, atcOrder(two[0]!, first!.atcBestK))).toBe(first!.atcBest);
    for (const m of ["vps", "edd", "atc2", "atcBest"] as const) {
      const f = report.methods[m];
      expect(f.gap.instances).toBe(1);
      expect(f.gap.mean).toBeCloseTo((first![m] - 913) / 913, 4);
      expect(f.gap.median).toBe(f.gap.mean);
      expect(f.gap.max).toBe(f.gap.mean);
      expect(f.zeroOptimum).toEqual({ instances: 1, solved: second![m] === 0 ? 1 : 0 });
      expect(f.optimal.count).toBe([first![m] === 913, second![m] === 0].filter(Boolean).length);
      expect(f.belowListed).toBe(0);
    }
    expect(report.methods.edd.zeroOptimum.solved).toBe(1);
    expect(report.vpsIdle).toBe(0);
  });

  test("the figures move with the inputs: a lower listed optimum widens every gap; later due dates clear the tardiness", () => {
    const lower = deadlinesReport(two, [twoOptima[0]! / 2, 0]);
    expect(lower.methods.edd.gap.mean).toBeCloseTo((report.results[0]!.edd - 456.5) / 456.5, 4);
    expect(lower.methods.atcBest.gap.mean).toBeGreaterThan(report.methods.atcBest.gap.mean);
    const relaxed = { ...two[0]!, d: two[0]!.d.map(() => 10_000) };
    const easy = deadlinesReport([relaxed], [0]);
    expect(easy.results[0]).toMatchObject({ vps: 0, vpsFifo: 0, edd: 0, atc2: 0, atcBest: 0 });
    expect(easy.methods.vps).toEqual({ gap: { instances: 0, mean: 0, median: 0, max: 0 }, optimal: { count: 1, share: 1 }, zeroOptimum: { instances: 1, solved: 1 }, belowListed: 0 });
    // Listed above what a method reaches: counted as below the listed value, not hidden.
    expect(deadlinesReport([ALL_LATE], [20]).methods.atc2.belowListed).toBe(1);
    expect(deadlinesReport([ALL_LATE, ON_TIME, ALL_LATE], [17, 0, 17]).methods.edd.gap).toEqual({ instances: 2, mean: 0.8235, median: 0.8235, max: 0.8235 });
  });

  test("the at-risk figures are vps's own runs, summed", () => {
    const runs = two.map((inst) => vpsRun(inst));
    expect(report.vpsBands).toEqual({
      jobs: 80,
      startedAtRisk: runs[0]!.startedAtRisk + runs[1]!.startedAtRisk,
      allAtRiskAtStart: runs.filter((r) => r.allAtRiskAtStart).length,
      eddLongestFirst: runs.filter((r, i) => JSON.stringify(r.order) === JSON.stringify(eddLongestFirstOrder(two[i]!))).length,
    });
    // Jobs due together, longest first; then by due date.
    expect(eddLongestFirstOrder({ p: [1, 3, 2, 5], w: [1, 1, 1, 1], d: [4, 4, 4, 1] })).toEqual([3, 1, 2, 0]);
  });

  test("one optimum per instance", () => {
    expect(() => deadlinesReport(two, [913])).toThrow(/expected one optimum per instance \(2\), found 1/);
  });

  test("for people: a row per method with its gaps and counts", () => {
    const text = formatDeadlinesBench(report);
    for (const label of Object.values(METHOD_LABELS)) expect(text).toContain(label);
    expect(text).toMatch(/2 instances of 40 jobs/);
    expect(text).toContain(`${report.methods.edd.optimal.count}/2`);
    expect(text).toContain(`${report.vpsBands.startedAtRisk} of 80 jobs started from the at-risk band`);
  });
});
