// `vps bench farm` really run, small: two titles of the batch on farms of one and two one-slot
// workers, and a few hundred no-op tasks through the coordinator and through BullMQ alone. The
// report's shape and sane values, never its timings (a benchmark claims those; a test does not).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FarmReport } from "../../src/cli/benchFarm";
import type { Plan } from "../../src/model";
import type { Run } from "../cli/run";
import { vpsStart } from "../run/cli";
import { tempDir } from "../tempDir";

let r: Run;
let keep: string;

beforeAll(async () => {
  keep = tempDir({});
  const args = ["--workers", "1,2", "--titles", "t10,t12", "--tasks", "300", "--noop-workers", "2", "--noop-slots", "2", "--json", "--keep", keep];
  r = await vpsStart({}, "bench", "farm", ...args).done;
}, 240_000);

const report = () => JSON.parse(r.stdout) as FarmReport;

describe("vps bench farm", () => {
  it("runs the batch on each farm size and publishes every title", () => {
    expect(r.status, r.stderr).toBe(0);
    const runs = report().batch;
    expect(runs.map((b) => b.workers)).toEqual([1, 2]);
    for (const b of runs) {
      expect(b).toMatchObject({ titles: 2, published: 2 });
      expect(b.wallSeconds).toBeGreaterThan(0);
      expect(b.premiumTurnaround).toBeGreaterThan(0);
      expect(b.overhead.handOvers).toBeGreaterThan(0);
      expect(b.overhead.median).toBeGreaterThanOrEqual(0);
      expect(b.overhead.p99).toBeGreaterThanOrEqual(b.overhead.median);
      expect(b.overhead.max).toBeGreaterThanOrEqual(b.overhead.p99);
    }
  });

  it("records in run.json the worker each task was placed on and when each try held its slot there", () => {
    const plan = JSON.parse(readFileSync(join(keep, "batch", "farm-2", "run.json"), "utf8")) as Plan;
    expect(new Set(plan.tasks.map((t) => t.node)).size).toBe(2);
    for (const t of plan.tasks.filter((x) => x.kind === "encode" || x.kind === "audio")) {
      expect(t.ran, t.id).toBeDefined();
      // The worker's span lies within the coordinator's (same clock here, ms rounding).
      expect(t.ran!.start).toBeGreaterThanOrEqual(t.start - 0.002);
      expect(t.ran!.end).toBeLessThanOrEqual(t.end + 0.002);
      expect(t.ran!.end).toBeGreaterThan(t.ran!.start);
    }
  });

  it("moves the same no-op tasks both ways and says whether each target is met", () => {
    const { scale, targets, meets } = report();
    expect(scale!.coordinator.tasks).toBeGreaterThanOrEqual(300);
    expect(scale!.bullmqAlone.tasks).toBe(scale!.coordinator.tasks);
    expect(scale!.coordinator.tasksPerSecond).toBeGreaterThan(0);
    expect(scale!.ratio).toBeGreaterThan(0);
    expect(targets).toEqual({ overheadMedianMs: 50, throughputRatio: 0.5 });
    expect(typeof meets.overheadMedian).toBe("boolean");
    expect(typeof meets.throughputRatio).toBe("boolean");
  });
});
