// Who goes first on a contended farm, as the platform sees it in turnaround per tier.
import { describe, expect, test } from "vitest";
import type { Title } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { IndexedHeap } from "../../src/sched/heap";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();

/** 40 ugc uploads at once, then 5 premium episodes a little later, on a farm far too small. */
function contended(): Title[] {
  const ugc = Array.from({ length: 40 }, (_, i) =>
    aTitle({ id: `ugc-${String(i).padStart(2, "0")}`, tier: "ugc", arrival: i, content: aContent({ duration: 300 }) }),
  );
  const premium = Array.from({ length: 5 }, (_, i) =>
    aTitle({ id: `prem-${i}`, tier: "premium", arrival: 600 + i * 60, content: aContent({ duration: 300 }) }),
  );
  return [...ugc, ...premium];
}

const farm = (titles: Title[], slots = 8) => aWorkload({ capacity: { pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null }, titles });

describe("on a contended farm", () => {
  const value = buildPlan(farm(contended()), book, { policy: "value", seed: null, trace: null });
  const fifo = buildPlan(farm(contended()), book, { policy: "fifo", seed: null, trace: null });

  test("premium titles finish much sooner under value than under fifo", () => {
    const v = value.metrics.turnaround.premium!.mean;
    const f = fifo.metrics.turnaround.premium!.mean;
    expect(v).toBeLessThan(f * 0.5);
  });

  test("premium titles that arrive later still finish before the ugc backlog under value", () => {
    const lastPremium = Math.max(...value.titles.filter((t) => t.tier === "premium").map((t) => t.finish!));
    const ugcAfter = value.titles.filter((t) => t.tier === "ugc" && t.finish! > lastPremium);
    expect(ugcAfter.length).toBeGreaterThan(20);
  });

  test("fifo finishes titles in arrival order", () => {
    const byArrival = [...fifo.titles].sort((a, b) => a.arrival - b.arrival);
    const finishes = byArrival.map((t) => t.finish!);
    // Titles overlap on the farm, so allow a title to finish a little before an earlier one.
    const inversions = finishes.filter((f, i) => i > 0 && f + 120 < finishes[i - 1]!).length;
    expect(inversions).toBe(0);
  });

  test("the farm does the same total work under both policies (no downgrades without deadlines)", () => {
    expect(value.tasks.length).toBe(fifo.tasks.length);
    expect(value.metrics.utilization.cpu).toBeGreaterThan(0.8);
  });
});

describe("no title waits forever", () => {
  test("a ugc upload overtakes premium arrivals that come long enough after it", () => {
    // A premium episode arrives every 10 minutes for 12 hours, each keeping the farm busy.
    const premium = Array.from({ length: 72 }, (_, i) =>
      aTitle({ id: `p${String(i).padStart(2, "0")}`, tier: "premium", arrival: 60 + i * 600, content: aContent({ duration: 900 }) }),
    );
    const ugc = aTitle({ id: "lonely-ugc", tier: "ugc", arrival: 0, content: aContent({ duration: 900 }) });
    const plan = buildPlan(farm([ugc, ...premium], 4), book, { policy: "value", seed: null, trace: null });
    const u = plan.titles.find((t) => t.id === "lonely-ugc")!;
    const lastPremium = Math.max(...plan.titles.filter((t) => t.tier === "premium").map((t) => t.finish!));
    expect(u.finish!).toBeLessThan(lastPremium);
  });
});

describe("equal priorities", () => {
  test("identical titles are served in arrival order under value too", () => {
    const titles = Array.from({ length: 6 }, (_, i) => aTitle({ id: `s${i}`, tier: "standard", arrival: i, content: aContent({ duration: 120 }) }));
    const plan = buildPlan(farm(titles, 1), book, { policy: "value", seed: null, trace: null });
    const order = [...plan.titles].sort((a, b) => a.finish! - b.finish!).map((t) => t.id);
    expect(order).toEqual(["s0", "s1", "s2", "s3", "s4", "s5"]);
  });

  test("the indexed heap breaks equal keys by sequence and re-orders on update", () => {
    const h = new IndexedHeap();
    h.push(3, 1, 3);
    h.push(1, 1, 1);
    h.push(2, 1, 2);
    expect(h.ordered()).toEqual([1, 2, 3]);
    h.update(3, 5);
    expect(h.peek()).toBe(3);
    h.update(3, 0);
    expect(h.ordered()).toEqual([1, 2, 3]);
    h.remove(1);
    expect(h.pop()).toBe(2);
    expect(h.pop()).toBe(3);
    expect(h.pop()).toBeUndefined();
    expect(h.size).toBe(0);
    h.push(4, 2, 4);
    h.push(4, 9, 4);
    expect(h.keyOf(4)).toBe(9);
    expect(h.has(5)).toBe(false);
  });
});
