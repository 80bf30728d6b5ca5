// premium-rush: eight premium episodes land on a backlogged farm and must be out in two hours.
// What the user cares about: the value policy serves the rush on time and fast; arrival order does not.
import { describe, expect, it } from "vitest";
import { cohort, itKeepsThePlanContract, lazyRun, mean, turnaround } from "./helpers";

const run = lazyRun("premium-rush");

describe("premium-rush, seed 42", () => {
  it("has the eight premium episodes with deadlines", () => {
    const prem = cohort(run().value, "prem");
    expect(prem).toHaveLength(8);
    expect(prem.every((t) => t.tier === "premium" && t.deadline !== null)).toBe(true);
  });

  it("value cuts premium mean turnaround by at least half compared with fifo", () => {
    const value = mean(cohort(run().value, "prem").map(turnaround));
    const fifo = mean(cohort(run().fifo, "prem").map(turnaround));
    expect(value).toBeLessThanOrEqual(0.5 * fifo);
    // The metrics a user reads say the same.
    expect(run().value.metrics.turnaround.premium!.mean).toBeLessThanOrEqual(0.5 * run().fifo.metrics.turnaround.premium!.mean);
  });

  it("value publishes at least seven of the eight episodes on time, and a late one only after downgrading it", () => {
    // The rush is at the edge of what the farm can do in two hours: the last episode to arrive can
    // only be saved by downgrading episodes that are on time, which a release manager forbids.
    const late = cohort(run().value, "prem").filter((t) => t.onTime !== true);
    expect(late.length).toBeLessThanOrEqual(1);
    for (const t of late) expect(t.downgrades.length, `${t.id} late by ${t.lateBy}`).toBeGreaterThanOrEqual(3);
  });

  it("fifo, serving the backlog first, misses most premium deadlines", () => {
    const prem = cohort(run().fifo, "prem");
    const onTime = prem.filter((t) => t.onTime === true).length;
    expect(onTime).toBeLessThan(prem.length / 2);
    expect(prem.filter((t) => t.onTime === false).every((t) => t.lateBy! > 0)).toBe(true);
  });

  it("the backlog is not starved: every title finishes under both policies", () => {
    for (const plan of [run().value, run().fifo]) {
      const unfinished = plan.titles.filter((t) => t.finish === null).map((t) => t.id);
      expect(unfinished, plan.policy).toEqual([]);
      expect(plan.titles.length).toBe(run().workload.titles.length + plan.titles.filter((t) => t.deferredFrom !== undefined).length);
    }
  });

  itKeepsThePlanContract("premium-rush", run);
});
