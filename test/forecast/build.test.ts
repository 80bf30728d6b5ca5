// The whole forecast on small built workloads: figures, the two views, the schema, determinism.
import Ajv from "ajv";
import { describe, expect, test } from "vitest";
import { defaultCostModel } from "../../src/cost/model";
import { buildForecast } from "../../src/forecast/build";
import { formatForecast } from "../../src/forecast/format";
import { forecastSchema } from "../../src/forecast/schema";
import type { Forecast } from "../../src/forecast/types";
import { slotSeconds } from "../../src/forecast/work";
import { expandAll } from "../../src/plan/build";
import { aBook, aTitle, aWorkload } from "../builders";

const book = aBook();
const validate = new Ajv({ allErrors: true, strict: false }).compile(forecastSchema as object);

function expectValid(f: Forecast): void {
  const ok = validate(JSON.parse(JSON.stringify(f)));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/**
 * On 4 slots: a feature due 5 minutes after it arrives, three episodes of 20,000 slot-s of encodes each due
 * together at 2 h (more than the 28,800 slot-s the pool has by then), a clip due tomorrow.
 */
const risky = aWorkload({
  capacity: { pools: [{ id: "cpu", slots: 4, memoryGiB: null }], scratchGiB: null },
  titles: [
    aTitle({ id: "rush", arrival: 600, deadline: 900, tier: "premium" }),
    aTitle({ id: "ep-1", arrival: 0, deadline: 7200, work: 20000 }),
    aTitle({ id: "ep-2", arrival: 0, deadline: 7200, work: 20000 }),
    aTitle({ id: "ep-3", arrival: 0, deadline: 7200, work: 20000 }),
    aTitle({ id: "clip", arrival: 0, deadline: 86400, content: { duration: 120, width: 1280, height: 720 } }),
    aTitle({ id: "backlog", arrival: 1800 }),
  ],
});

describe("buildForecast", () => {
  const f = buildForecast(risky, book, { costModel: defaultCostModel, seed: null, policy: "value" });

  test("demand over the horizon is every task's minimum work, per pool", () => {
    const tasks = expandAll(risky, book, defaultCostModel).flatMap((p) => p.tasks);
    const total = tasks.reduce((s, t) => s + slotSeconds(t), 0);
    const cpu = f.pools[0]!;
    expect(cpu.hours.reduce((s, h) => s + h.demand, 0)).toBeCloseTo(total, 1);
    expect(cpu.work).toBeCloseTo(total, 2);
    // At full width an encode holds more slot-time than on one slot (Amdahl): the minimum is below it.
    expect(total).toBeLessThan(tasks.reduce((s, t) => s + t.slots * t.duration, 0));
    expect(cpu.hours.at(-1)!.backlog).toBe(0);
    expect(f.horizon).toEqual({ from: 0, to: cpu.hours.length * 3600, hours: cpu.hours.length });
  });

  test("lists the deadline titles earliest deadline first, with the reason each is at risk", () => {
    expect(f.titles.map((t) => t.id)).toEqual(["rush", "ep-1", "ep-2", "ep-3", "clip"]);
    const rush = f.titles[0]!;
    expect(rush.atRisk).toBe(true);
    expect(rush.reasons.map((r) => r.kind)).toContain("critical-path");
    expect(rush.criticalPath).toBeGreaterThan(300);
    expect(rush.slack).toBeLessThanOrEqual(300 - rush.criticalPath + 1e-3);
    for (const ep of f.titles.slice(1, 4)) {
      const farm = ep.reasons.find((r) => r.kind === "farm");
      expect(farm, ep.id).toMatchObject({ pool: "cpu", from: 0, to: 7200, capacity: 4 * 7200 });
      expect(farm?.kind === "farm" && farm.due > farm.capacity).toBe(true);
    }
    const clip = f.titles[4]!;
    expect(clip.atRisk).toBe(false);
    expect(clip.reasons).toEqual([]);
    expect(clip.slack).toBeGreaterThan(20 * 3600);
    expect(f.deadlines).toEqual({ titles: 5, atRisk: 4 });
  });

  test("shows the simulated plan beside the fluid bound, consistent with the plan itself", () => {
    expect(f.plan).not.toBeNull();
    const rush = f.titles[0]!;
    // Nothing finishes a title before arrival + its critical path, in the plan either.
    expect(rush.plan!.finish!).toBeGreaterThanOrEqual(rush.arrival + rush.criticalPath - 1e-3);
    expect(rush.plan!.onTime).toBe(false);
    expect(rush.reasons.find((r) => r.kind === "plan-late")!.message).toMatch(/^simulated plan \(policy value\): finishes at \+\S+, \S+ late/);
    expect(f.titles[4]!.plan!.onTime).toBe(true);
    expect(f.titles[4]!.plan!.margin!).toBeGreaterThan(0);
  });

  test("validates against its JSON Schema, and is byte-identical when built again", () => {
    expectValid(f);
    const again = buildForecast(risky, book, { costModel: defaultCostModel, seed: null, policy: "value" });
    expect(JSON.stringify(again)).toBe(JSON.stringify(f));
  });

  test("the tables name every at-risk title with its reasons, and the caveats", () => {
    const text = formatForecast(f);
    expect(text).toContain("Demand and capacity per hour");
    expect(text).toMatch(/rush \(premium, due \+15m00s\):\n {4}- critical path \S+ > 5m00s between arrival/);
    expect(text).toContain("pool cpu: ");
    expect(text).toContain("Where the fluid bound is optimistic");
    expect(text).not.toMatch(/clip \(standard/);
  });
});

test("without deadlines or downgrades the plan never beats the fluid bound: later, and more slot-time", () => {
  const busy = aWorkload({
    capacity: { pools: [{ id: "cpu", slots: 8, memoryGiB: null }], scratchGiB: null },
    titles: [0, 0, 600, 1200, 4000].map((arrival, i) => aTitle({ id: `t${i}`, arrival })),
  });
  const f = buildForecast(busy, book, { costModel: defaultCostModel, seed: 7, policy: "fifo" });
  expect(f.plan!.downgraded).toBe(0);
  expect(f.plan!.makespan).toBeGreaterThanOrEqual(f.clears.at - 1e-3);
  expect(f.plan!.work.cpu!).toBeGreaterThanOrEqual(f.pools[0]!.work - 1e-3);
  expect(f.seed).toBe(7);
  expect(f.titles).toEqual([]);
  expectValid(f);
});

test("--no-plan: the fluid bound only", () => {
  const f = buildForecast(risky, book, { costModel: defaultCostModel, seed: null, policy: null });
  expect(f.plan).toBeNull();
  expect(f.titles.every((t) => t.plan === null && t.reasons.every((r) => r.kind === "critical-path" || r.kind === "farm"))).toBe(true);
  expect(f.deadlines.atRisk).toBe(4);
  expectValid(f);
});

test("an empty workload forecasts nothing to do", () => {
  const f = buildForecast(aWorkload({ titles: [] }), book, { costModel: defaultCostModel, seed: null, policy: "value" });
  expect(f.horizon).toEqual({ from: 0, to: 0, hours: 0 });
  expect(f.pools).toEqual([{ id: "cpu", slots: 16, work: 0, clearsAt: null, doneAt: 0, peakBacklog: 0, hours: [] }]);
  expect(f.clears).toEqual({ at: 0, fluid: 0, criticalPath: 0, boundBy: "" });
  expect(f.titles).toEqual([]);
  expect(f.caveats).toEqual([]);
  expectValid(f);
  expect(formatForecast(f)).toContain("no work, no deadlines");
});

test("a memory-limited pool and a small scratch are named as caveats, with figures", () => {
  const tight = aWorkload({
    capacity: { pools: [{ id: "cpu", slots: 16, memoryGiB: 4 }], scratchGiB: 4 },
    titles: [aTitle({ id: "a" }), aTitle({ id: "b" })],
  });
  const f = buildForecast(tight, book, { costModel: defaultCostModel, seed: null, policy: null });
  expect(f.caveats.find((c) => c.startsWith("pool cpu: 4 GiB of memory"))).toMatch(/on only \d+ of its 16 slots at once/);
  expect(f.caveats.find((c) => c.startsWith("scratch: 4 GiB"))).toBeDefined();
});
