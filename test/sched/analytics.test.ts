// Value that follows the audience, through the simulator: analytics apply at their time, a viral
// upload is promoted and served ahead of the queue, stale or unknown analytics never break a plan.
import { describe, expect, test } from "vitest";
import type { AnalyticsEvent, Plan, Title, Workload } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import type { PolicyName } from "../../src/sched/policy";
import type { SimEvent } from "../../src/sched/trace";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();
const pool = (slots: number) => ({ pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null });
const plan = (w: Workload, policy: PolicyName = "value", trace: ((e: SimEvent) => void) | null = null): Plan =>
  buildPlan(w, book, { policy, seed: null, trace });
/** A 5-minute 720p title whose encodes total `work` slot-seconds (so contention is deliberate). */
const clip = (id: string, tier: string, arrival: number, work = 600): Title =>
  aTitle({ id, tier, arrival, work, content: aContent({ duration: 300, width: 1280, height: 720 }) });

/** Cumulative views of a title growing at `rate` per hour from `from`, reported every 5 minutes. */
function views(title: string, from: number, to: number, rate: number, base = 0): AnalyticsEvent[] {
  const out: AnalyticsEvent[] = [];
  for (let t = from; t <= to; t += 300) out.push({ at: t, title, views: Math.round(base + ((t - from) / 3600) * rate) });
  return out;
}

describe("a viral upload", () => {
  // Twelve standard titles of an hour's work each and one small ugc upload arrive together on a
  // 4-slot farm; twenty minutes in, the upload's views jump to 100,000 an hour.
  const standard = Array.from({ length: 12 }, (_, i) => clip(`std-${String(i).padStart(2, "0")}`, "standard", i, 4 * 3600));
  // Big enough that, as a plain upload, it ranks below the standard titles.
  const upload = clip("upload", "ugc", 30, 3000);
  const events = [...views("upload", 30, 1230, 100), ...views("upload", 1530, 7200, 100_000, 33)];
  const w = aWorkload({ titles: [upload, ...standard], capacity: pool(4), events });
  const value = plan(w);

  test("is promoted, and the plan says when and why", () => {
    const t = value.titles.find((x) => x.id === "upload")!;
    expect(t.tier).toBe("ugc");
    expect(t.tierChanges).toEqual([expect.objectContaining({ kind: "promote", from: "ugc", to: "premium" })]);
    expect(t.tierChanges[0]!.at).toBeGreaterThan(1200);
    expect(t.tierChanges[0]!.reason).toMatch(/view velocity/);
    expect(value.metrics.promotions).toBe(1);
  });

  test("finishes before every standard title that had not started when it was promoted", () => {
    const t = value.titles.find((x) => x.id === "upload")!;
    const promotedAt = t.tierChanges[0]!.at;
    const firstStart = (id: string) => Math.min(...value.tasks.filter((k) => k.title === id).map((k) => k.start));
    const waiting = value.titles.filter((x) => x.tier === "standard" && firstStart(x.id) >= promotedAt);
    expect(waiting.length).toBeGreaterThan(3);
    for (const s of waiting) expect(t.finish!, s.id).toBeLessThan(s.finish!);
  });

  test("under fifo waits for its turn in arrival order instead", () => {
    const fifo = plan(w, "fifo");
    const t = fifo.titles.find((x) => x.id === "upload")!;
    expect(t.finish!).toBeGreaterThan(value.titles.find((x) => x.id === "upload")!.finish!);
  });

  test("the change reaches the very next dispatch decision", () => {
    expect(value.metrics.valueChangeDelay.changes).toBeGreaterThan(0);
    expect(value.metrics.valueChangeDelay.max).toBe(0);
  });
});

describe("analytics events", () => {
  test("apply at their own time, in the trace, before and after arrival", () => {
    const seen: SimEvent[] = [];
    const t = clip("a", "ugc", 600, 20_000);
    const events: AnalyticsEvent[] = [
      { at: 100, title: "a", expectedViews: 5000 },
      { at: 900, title: "a", subscribers: 40 },
    ];
    plan(aWorkload({ titles: [t], events }), "value", (e) => seen.push(e));
    const changes = seen.filter((e) => e.type === "value:change");
    expect(changes.map((e) => e.at)).toEqual([100, 900]);
    expect(changes[1]).toMatchObject({ value: { expectedViews: 5000, subscribers: 40 } });
  });

  test("raise a queued title above the ones that arrived before it", () => {
    // One slot: a, b, c queue behind a long title; at t=60, c's expected audience explodes.
    const titles = [clip("long", "standard", 0, 2400), clip("a", "ugc", 1), clip("b", "ugc", 2), clip("c", "ugc", 3)];
    const events: AnalyticsEvent[] = [{ at: 60, title: "c", expectedViews: 50_000_000 }];
    const order = (p: Plan) => ["a", "b", "c"].sort((x, y) => p.titles.find((t) => t.id === x)!.finish! - p.titles.find((t) => t.id === y)!.finish!);
    expect(order(plan(aWorkload({ titles, capacity: pool(1) })))).toEqual(["a", "b", "c"]);
    expect(order(plan(aWorkload({ titles, capacity: pool(1), events })))[0]).toBe("c");
  });

  test("for unknown or already published titles are ignored with one warning per title", () => {
    const events: AnalyticsEvent[] = [
      { at: 10, title: "ghost", views: 5 },
      { at: 20, title: "ghost", views: 9 },
      { at: 100_000, title: "t1", views: 1_000_000 },
    ];
    const p = plan(aWorkload({ titles: [clip("t1", "ugc", 0)], events }));
    expect(p.warnings).toEqual([
      '2 analytics event(s) for "ghost" from +10s ignored: for a title not in the workload',
      expect.stringMatching(/^1 analytics event\(s\) for "t1" from \+27h46m40s ignored: after it was published at \+\d/),
    ]);
    expect(p.titles[0]!.finish).not.toBeNull();
  });

  test("50,000 reports after the last title is published are all counted, and planned in a blink", () => {
    const events = Array.from({ length: 50_000 }, (_, i): AnalyticsEvent => ({ at: 100_000 + i, title: "t1", views: i }));
    const p = plan(aWorkload({ titles: [clip("t1", "ugc", 0)], events }));
    expect(p.warnings).toEqual([expect.stringMatching(/^50000 analytics event\(s\) for "t1" from \+27h46m40s ignored: after it was published/)]);
  });

  test("never change the workload they came from (a second plan is identical)", () => {
    const w = aWorkload({ titles: [clip("a", "ugc", 0)], events: [{ at: 5, title: "a", expectedViews: 1e6 }] });
    const first = JSON.stringify(plan(w));
    expect(w.titles[0]!.value.expectedViews).toBe(0);
    expect(JSON.stringify(plan(w))).toBe(first);
  });
});

describe("the no-starvation bound", () => {
  // A premium episode every 10 minutes, each a little more than the 4-slot farm does in 10 minutes
  // (3000 slot-seconds at the planned 2-slot width are ≈ 2600 on one slot, against 2400): for 20
  // hours premium work alone overloads the farm, and one ugc upload waits.
  const premium = Array.from({ length: 120 }, (_, i) => clip(`p${String(i).padStart(3, "0")}`, "premium", i * 600, 3000));
  const ugc = clip("ugc", "ugc", 1800, 600);
  const withBound = (maxWait: number) => {
    const w = aWorkload({ titles: [ugc, ...premium], capacity: pool(4) });
    return plan({ ...w, policy: { ...w.policy, maxWait } });
  };

  test("a waiting upload outranks premium titles arriving maxWait after it", () => {
    const p = withBound(4 * 3600);
    const u = p.titles.find((t) => t.id === "ugc")!;
    const later = p.titles.filter((t) => t.tier === "premium" && t.arrival >= u.arrival + 4 * 3600);
    expect(later.length).toBeGreaterThan(50);
    for (const t of later) expect(u.finish!, t.id).toBeLessThan(t.finish!);
    expect(p.metrics.waits.ugc!.max).toBeGreaterThan(0);
  });

  test("a longer bound lets premium work go first for longer", () => {
    const short = withBound(4 * 3600).titles.find((t) => t.id === "ugc")!;
    const long = withBound(40 * 3600).titles.find((t) => t.id === "ugc")!;
    expect(long.waited).toBeGreaterThan(short.waited);
  });
});
