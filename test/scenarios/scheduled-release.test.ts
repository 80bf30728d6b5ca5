// scheduled-release: a season drops at +6h on a farm too small to encode it all at full quality.
// What the user cares about: every episode is out on time, the quality traded for it is recorded,
// and deferred renditions really are encoded after the release.
import { describe, expect, it } from "vitest";
import type { PlanTitle } from "../../src/model";
import { cohort, itKeepsThePlanContract, lazyRun, tasksOf, titlesById } from "./helpers";

const run = lazyRun("scheduled-release");
const STEPS = ["faster-preset", "drop-top-rung", "defer-rendition"];

describe("scheduled-release, seed 42", () => {
  it("value publishes every episode on time", () => {
    const eps = cohort(run().value, "ep");
    expect(eps).toHaveLength(8);
    expect(eps.filter((t) => t.onTime !== true).map((t) => `${t.id} late by ${t.lateBy}`)).toEqual([]);
  });

  it("value records the downgrades that made it: step, deliverable, a quality cost and the time it saved", () => {
    const eps = cohort(run().value, "ep");
    expect(eps.some((t) => t.downgrades.length > 0)).toBe(true);
    const wanted = new Map(run().workload.titles.map((t) => [t.id, t.deliverables]));
    for (const t of run().value.titles) {
      for (const d of t.downgrades) {
        const where = `${t.id} ${d.step} ${d.deliverable}`;
        expect(STEPS, where).toContain(d.step);
        expect(wanted.get(t.id), where).toContain(d.deliverable);
        expect(d.qualityCost, where).toBeGreaterThan(0);
        expect(d.timeSaved, where).toBeGreaterThan(0);
        expect(d.at, where).toBeGreaterThanOrEqual(t.arrival);
      }
    }
  });

  it("only deadline titles are downgraded: trading quality on a title without one buys nothing", () => {
    const downgradedWithoutDeadline = run().value.titles.filter((t) => t.downgrades.length > 0 && t.deadline === null);
    expect(downgradedWithoutDeadline.map((t) => t.id)).toEqual([]);
  });

  it("every deferred rendition goes to a +deferred follow-up that starts after the original is published", () => {
    const plan = run().value;
    const byId = titlesById(plan);
    const deferrals = plan.titles.flatMap((t) => t.downgrades.filter((d) => d.step === "defer-rendition").map((d) => ({ t, d })));
    expect(deferrals.length).toBeGreaterThan(0);
    for (const { t, d } of deferrals) {
      const where = `${t.id} ${d.deliverable}/${d.rendition}`;
      const followUp: PlanTitle | undefined = byId.get(`${t.id}+deferred`);
      expect(followUp?.deferredFrom, where).toBe(t.id);
      const publish = tasksOf(plan, t.id).find((x) => x.kind === "publish");
      expect(publish, where).toBeDefined();
      const later = tasksOf(plan, followUp!.id);
      expect(later.length, where).toBeGreaterThan(0);
      const early = later.filter((x) => x.start < publish!.end).map((x) => `${x.id} starts ${x.start}`);
      expect(early, `${where}: original published at ${publish!.end}`).toEqual([]);
      // The deferred rendition is encoded by the follow-up, not by the original.
      const encodes = (title: string) => tasksOf(plan, title).filter((x) => x.kind === "encode" && x.deliverable === d.deliverable && x.rendition === d.rendition);
      expect(encodes(followUp!.id).length, where).toBeGreaterThan(0);
      expect(encodes(t.id), where).toEqual([]);
    }
    // No follow-up appears without a deferral behind it.
    const followUps = plan.titles.filter((t) => t.deferredFrom !== undefined).map((t) => t.deferredFrom);
    expect(new Set(followUps)).toEqual(new Set(deferrals.map(({ t }) => t.id)));
  });

  it("fifo, which never trades quality, meets far fewer deadlines", () => {
    const value = run().value.metrics.deadlineCompliance!;
    const fifo = run().fifo.metrics.deadlineCompliance!;
    expect(value).toBe(1);
    expect(fifo).toBeLessThan(value - 0.5);
    expect(cohort(run().fifo, "ep").filter((t) => t.onTime === true).length).toBeLessThan(4);
  });

  itKeepsThePlanContract("scheduled-release", run);
});
