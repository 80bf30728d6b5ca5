// Deadlines with quality adjustment, as a release manager sees them in the plan.
import { describe, expect, test } from "vitest";
import type { Recipe, Title, Workload } from "../../src/model";
import { expandTitle } from "../../src/pipeline/expand";
import { criticalPath } from "../../src/pipeline/path";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import type { SimEvent } from "../../src/sched/trace";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

/** A farm big enough that only the title's own critical path matters. */
const bigFarm = (titles: Title[]): Workload =>
  aWorkload({ capacity: { pools: [{ id: "cpu", slots: 1000, memoryGiB: null }], scratchGiB: null }, titles });

function pathWith(title: Title, recipe: Recipe): number {
  const w = bigFarm([title]);
  return criticalPath(expandTitle(title, w, { recipes: [recipe] }).tasks);
}

describe("a release deadline", () => {
  // Ten minutes: not chunked, so the encode is most of the critical path and a preset change shows.
  const release = aTitle({ id: "ep1", tier: "premium", content: aContent({ duration: 600 }) });
  const full = pathWith(release, aRecipe());
  const faster = pathWith(release, aRecipe({ preset: "veryfast", ladder: aRecipe().ladder }));

  test("is met by a recorded downgrade when full quality would miss it", () => {
    // Between the two paths, with room for the planner's buffer (2% of the time left, at least
    // a minute) above the faster-preset path: full quality misses, the faster preset alone fits.
    const deadline = faster + 60 + (full - faster - 60) / 3;
    expect(deadline).toBeLessThan(full);
    const title = { ...release, deadline };
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "value", seed: null, trace: null });
    const t = plan.titles.find((x) => x.id === "ep1")!;
    expect(t.onTime).toBe(true);
    expect(t.downgrades).toEqual([
      expect.objectContaining({ step: "faster-preset", deliverable: "h264-sdr", preset: "veryfast", qualityCost: 3 }),
    ]);
    expect(t.downgrades[0]!.timeSaved).toBeGreaterThan(0);
    const encodes = plan.tasks.filter((x) => x.kind === "encode");
    expect(encodes.every((x) => x.preset === "veryfast")).toBe(true);
    expect(verifyPlan(plan)).toEqual([]);
  });

  test("that fits at full quality is never downgraded", () => {
    const title = { ...release, deadline: full * 1.5 };
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "value", seed: null, trace: null });
    expect(plan.titles[0]!.onTime).toBe(true);
    expect(plan.titles[0]!.downgrades).toEqual([]);
    expect(plan.tasks.filter((x) => x.kind === "encode").every((x) => x.preset === "medium")).toBe(true);
  });

  test("that no downgrade can save is reported late, by how much, with every step applied", () => {
    const title = { ...release, deadline: 60 };
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "value", seed: null, trace: null });
    const t = plan.titles[0]!;
    expect(t.onTime).toBe(false);
    expect(t.lateBy).toBeCloseTo(t.finish! - 60, 3);
    expect(t.downgrades.map((d) => d.step)).toEqual(["faster-preset", "drop-top-rung"]);
    // The dropped top rung is gone from the plan, and nothing waits for it.
    expect(plan.tasks.some((x) => x.rendition === "1080p")).toBe(false);
    expect(plan.tasks.flatMap((x) => x.after).some((a) => a.includes("1080p"))).toBe(false);
    expect(verifyPlan(plan)).toEqual([]);
  });

  test("is not downgraded under fifo, the baseline", () => {
    const title = { ...release, deadline: (full + faster) / 2 };
    // At the widths the paths above were measured at: on an idle farm the predictive allocator
    // would widen the encodes and make the deadline without any downgrade.
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "fifo", seed: null, trace: null, allocation: { mode: "planned" } });
    expect(plan.titles[0]!.downgrades).toEqual([]);
    expect(plan.titles[0]!.onTime).toBe(false);
  });
});

describe("deferring a 4K rendition", () => {
  const uhd = aTitle({
    id: "film",
    tier: "premium",
    content: aContent({ duration: 1800, width: 3840, height: 2160 }),
    deliverables: ["hevc-4k"],
  });
  const hevc = aBook().recipes.find((r) => r.deliverable === "hevc-4k")!;
  const full = pathWith(uhd, hevc);
  const without4k = pathWith(uhd, { ...hevc, ladder: hevc.ladder.slice(1) });

  test("moves it after the release into a follow-up title, so the release is on time", () => {
    const title = { ...uhd, deadline: (full + without4k) / 2 };
    const events: SimEvent[] = [];
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "value", seed: null, trace: (e) => events.push(e) });
    const release = plan.titles.find((t) => t.id === "film")!;
    const followUp = plan.titles.find((t) => t.id === "film+deferred")!;
    expect(release.onTime).toBe(true);
    expect(release.downgrades).toEqual([expect.objectContaining({ step: "defer-rendition", rendition: "2160p", qualityCost: 1 })]);
    expect(followUp.deferredFrom).toBe("film");
    expect(followUp.deadline).toBeNull();
    // The 4K rendition is still encoded and packaged, but only after the release is published.
    const publish = plan.tasks.find((t) => t.id === "film/publish")!;
    const deferred = plan.tasks.filter((t) => t.title === "film+deferred");
    expect(deferred.filter((t) => t.kind === "encode").every((t) => t.rendition === "2160p" && t.start >= publish.end)).toBe(true);
    expect(deferred.map((t) => t.kind)).toEqual(expect.arrayContaining(["encode", "package", "publish"]));
    expect(plan.tasks.filter((t) => t.title === "film").some((t) => t.rendition === "2160p")).toBe(false);
    expect(events.filter((e) => e.type === "downgrade:apply")).toHaveLength(1);
    expect(verifyPlan(plan)).toEqual([]);
  });

  test("does not count the follow-up in deadline compliance", () => {
    const title = { ...uhd, deadline: (full + without4k) / 2 };
    const plan = buildPlan(bigFarm([title]), aBook(), { policy: "value", seed: null, trace: null });
    expect(plan.metrics.deadlineCompliance).toBe(1);
  });
});
