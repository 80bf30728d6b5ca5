// viral: creator uploads with heavy-tailed audiences on a nearly saturated farm.
// What the user cares about: the uploads expected to draw the most views are published sooner
// under the value policy than in arrival order.
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { itKeepsThePlanContract, lazyRun, mean, turnaround } from "./helpers";

const run = lazyRun("viral");
const TOP = 20;

/** Ids of the `TOP` ugc-tier titles with the highest expected views. */
function mostViewed(): string[] {
  return run()
    .workload.titles.filter((t) => t.tier === "ugc")
    .sort((a, b) => b.value.expectedViews - a.value.expectedViews || (a.id < b.id ? -1 : 1))
    .slice(0, TOP)
    .map((t) => t.id);
}

function meanTurnaround(plan: Plan, ids: readonly string[]): number {
  const wanted = new Set(ids);
  const titles = plan.titles.filter((t) => wanted.has(t.id));
  expect(titles).toHaveLength(ids.length);
  return mean(titles.map(turnaround));
}

/** When each of a plan's titles first started a task. */
function firstStarts(plan: Plan): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of plan.tasks) out.set(k.title, Math.min(out.get(k.title) ?? Infinity, k.start));
  return out;
}

describe("viral, seed 42: uploads whose views jump", () => {
  it("are promoted under value, and the plan says when and why", () => {
    const promoted = run().value.titles.filter((t) => t.tierChanges.some((c) => c.kind === "promote"));
    expect(promoted.length).toBeGreaterThan(0);
    for (const t of promoted) {
      expect(t.tier, t.id).toBe("ugc");
      expect(t.tierChanges[0]!.reason, t.id).toMatch(/^view velocity [\d,]+\/h above 20,000\/h$/);
    }
    expect(run().value.metrics.valueChangeDelay.max).toBe(0);
  });

  it("finish before the standard titles that arrived with them and had not started when they went viral", () => {
    const plan = run().value;
    const start = firstStarts(plan);
    let compared = 0;
    for (const t of plan.titles.filter((x) => x.tierChanges.some((c) => c.kind === "promote"))) {
      const promotedAt = t.tierChanges.find((c) => c.kind === "promote")!.at;
      // "Arrived with it": within a quarter of an hour before it, or after it but before its promotion.
      const peers = plan.titles.filter((s) => s.tier === "standard" && s.arrival >= t.arrival - 900 && s.arrival <= promotedAt && start.get(s.id)! >= promotedAt);
      for (const s of peers) expect(t.finish!, `${t.id} vs ${s.id}`).toBeLessThan(s.finish!);
      compared += peers.length;
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe("viral, seed 42", () => {
  it("audiences are heavy-tailed: the most viewed uploads expect far more than the median one", () => {
    const views = run().workload.titles.filter((t) => t.tier === "ugc").map((t) => t.value.expectedViews).sort((a, b) => a - b);
    const median = views[Math.floor(views.length / 2)]!;
    const top = run().workload.titles.find((t) => t.id === mostViewed()[TOP - 1])!.value.expectedViews;
    expect(top).toBeGreaterThan(100 * median);
  });

  it(`the ${TOP} most viewed ugc titles finish earlier on average under value than under fifo`, () => {
    const ids = mostViewed();
    const value = meanTurnaround(run().value, ids);
    const fifo = meanTurnaround(run().fifo, ids);
    // Clearly earlier, not a rounding difference: at least 30% less waiting.
    expect(value).toBeLessThan(0.7 * fifo);
  });

  it("under value they are published ahead of their place in arrival order; under fifo they are not", () => {
    const jump = (plan: Plan): number => {
      const ugc = plan.titles.filter((t) => t.tier === "ugc" && t.deferredFrom === undefined);
      const rank = (order: typeof ugc) => new Map(order.map((t, i) => [t.id, i]));
      const byId = (a: (typeof ugc)[number], b: (typeof ugc)[number]) => (a.id < b.id ? -1 : 1);
      const arrival = rank([...ugc].sort((a, b) => a.arrival - b.arrival || byId(a, b)));
      const finish = rank([...ugc].sort((a, b) => a.finish! - b.finish! || byId(a, b)));
      return mean(mostViewed().map((id) => arrival.get(id)! - finish.get(id)!));
    };
    expect(jump(run().value)).toBeGreaterThan(0);
    expect(jump(run().value)).toBeGreaterThan(jump(run().fifo));
  });

  itKeepsThePlanContract("viral", run);
});
