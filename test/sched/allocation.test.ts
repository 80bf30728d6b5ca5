// How many slots an encode gets (src/sched/allocate.ts), as a farm operator sees it in the plan:
// narrow while the backlog is long, wide at the tail, never narrower than planned for a release
// with a deadline, at least its memory's share on a memory-bound pool.
import { describe, expect, test } from "vitest";
import { encodeMemoryGiB, encodeParallelFraction, encodeSlots } from "../../src/cost/model";
import type { Plan, PlanTask, Pool, Rendition, Title, Workload } from "../../src/model";
import { buildPlan, createSimulator } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { type Allocation, efficiency, EFFICIENCY_FLOOR, memoryWidth, widestUseful } from "../../src/sched/allocate";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

const R1080: Rendition = { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 };
/** One 1080p H.264 rendition: one encode per title (per chunk for titles over ten minutes). */
const hd = aRecipe({ deliverable: "hd", ladder: [R1080], downgrades: [] });
const book = aBook([hd]);
const H264_1080P = encodeParallelFraction("h264", R1080);

const pool = (slots: number, memoryGiB: number | null = null): Workload["capacity"] => ({ pools: [{ id: "cpu", slots, memoryGiB }], scratchGiB: null });
const id = (i: number) => String(i).padStart(2, "0");
const encodes = (plan: Plan): PlanTask[] => plan.tasks.filter((t) => t.kind === "encode").sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
const plan = (w: Workload, allocation?: Allocation): Plan => buildPlan(w, book, { policy: "value", seed: null, trace: null, allocation });
const busy = (tasks: readonly PlanTask[]) => tasks.reduce((s, t) => s + t.slots * (t.end - t.start), 0);
const ladderOf = (deliverable: string): Rendition[] => book.recipes.find((r) => r.deliverable === deliverable)!.ladder;

/** Forty five-minute HD episodes dumped on a 16-slot farm at once, nobody waiting on a deadline. */
const backlogTitles = (n: number): Title[] => Array.from({ length: n }, (_, i) => aTitle({ id: `t${id(i)}`, content: aContent({ duration: 300 }) }));

describe("efficiency, widestUseful and memoryWidth (worked numbers)", () => {
  test("efficiency is speedup ÷ slots under Amdahl's law", () => {
    expect(efficiency(0.92, 1)).toBeCloseTo(1, 12);
    // 13 slots: 13 × 0.08 + 0.92 = 1.96 → 0.5102; 14 slots: 2.04 → 0.4902.
    expect(efficiency(0.92, 13)).toBeCloseTo(1 / 1.96, 12);
    expect(efficiency(0.92, 14)).toBeCloseTo(1 / 2.04, 12);
    expect(efficiency(0.7, 4)).toBeCloseTo(1 / 1.9, 12);
    // A perfectly parallel encode never loses efficiency.
    expect(efficiency(1, 64)).toBeCloseTo(1, 12);
    // More slots always means a smaller share of useful work per slot.
    for (let s = 1; s < 32; s++) expect(efficiency(0.92, s + 1)).toBeLessThan(efficiency(0.92, s));
  });

  test("widestUseful is the last width at which every slot still does half a slot's work, capped by the pool", () => {
    expect(EFFICIENCY_FLOOR).toBe(0.5);
    expect(widestUseful(0.92, 64)).toBe(13);
    expect(widestUseful(0.92, 16)).toBe(13);
    expect(widestUseful(0.92, 8)).toBe(8);
    // 360p H.264 (p = 0.7): 4 slots give 0.526, 5 slots 0.455.
    expect(widestUseful(0.7, 64)).toBe(4);
    expect(widestUseful(0.85, 64)).toBe(7);
    expect(widestUseful(1, 64)).toBe(64);
    expect(widestUseful(0.92, 1)).toBe(1);
    // No parallel part: nothing to gain from a second slot.
    expect(widestUseful(0, 64)).toBe(1);
    for (const p of [0.6, 0.7, 0.85, 0.92, 0.95]) {
      const w = widestUseful(p, 1000);
      expect(efficiency(p, w)).toBeGreaterThanOrEqual(EFFICIENCY_FLOOR);
      expect(efficiency(p, w + 1)).toBeLessThan(EFFICIENCY_FLOOR);
    }
  });

  test("memoryWidth is the task's memory over one slot's share of the pool's memory, rounded up", () => {
    const p: Pool = { id: "cpu", slots: 16, memoryGiB: 32 }; // 2 GiB a slot
    expect(memoryWidth(8.3, p)).toBe(5); // a 4K HEVC encode: 4.15 slots' worth
    expect(memoryWidth(4, p)).toBe(2); // exactly two slots' worth: no rounding up by float noise
    expect(memoryWidth(2.3, p)).toBe(2);
    expect(memoryWidth(0.3, p)).toBe(1); // never below one slot
    expect(memoryWidth(100, p)).toBe(16); // never above the pool
    expect(memoryWidth(8.3, { ...p, memoryGiB: null })).toBe(1); // memory not limited
    expect(memoryWidth(8.3, { ...p, memoryGiB: 0 })).toBe(1);
    // The shipped cost model's figures: a 2160p HEVC encoder needs 8.3 GiB.
    expect(encodeMemoryGiB("hevc", { name: "2160p", width: 3840, height: 2160, bitrateKbps: 16000 })).toBeCloseTo(8.3, 9);
  });
});

describe("predictive allocation (the default)", () => {
  const w = aWorkload({ titles: backlogTitles(40), capacity: pool(16) });
  const predictive = plan(w);
  const planned = plan(w, { mode: "planned" });

  test("in a long backlog, encodes without a deadline run on one slot", () => {
    expect(verifyPlan(predictive)).toEqual([]);
    const list = encodes(predictive);
    // While more encodes still have to start than the pool has slots, the queue is long.
    const early = list.slice(0, list.length - 16);
    expect(early.length).toBeGreaterThan(40);
    expect(early.filter((t) => t.slots !== 1).map((t) => `${t.id} on ${t.slots}`)).toEqual([]);
    // On one slot an encode pays no parallel overhead: exactly its model prediction.
    for (const t of early) expect(t.end - t.start).toBeCloseTo(t.predicted!, 2);
  });

  test("the farm stays busy and the backlog is through sooner than at the planned widths", () => {
    expect(predictive.metrics.utilization.cpu).toBeGreaterThan(0.9);
    expect(predictive.metrics.utilization.cpu).toBeGreaterThan(planned.metrics.utilization.cpu!);
    expect(predictive.metrics.makespan).toBeLessThan(0.9 * planned.metrics.makespan);
    // The same encodes, fewer slot-seconds: nothing is spent on parallel overhead.
    expect(busy(encodes(predictive))).toBeLessThan(busy(encodes(planned)));
    // Every slot is busy from the first task until the last encodes of the backlog are ready.
    const list = encodes(predictive);
    expect(fullUntil(predictive, list[list.length - 16]!.start)).toBe(true);
    // At the planned widths, wide encodes waiting for slots leave some idle well before that.
    const plannedList = encodes(planned);
    expect(fullUntil(planned, plannedList[plannedList.length - 16]!.start)).toBe(false);
  });

  test("at the tail of the backlog the last encodes are widened", () => {
    const list = encodes(predictive);
    const last = list[list.length - 1]!;
    expect(last.slots).toBeGreaterThan(1);
    expect(last.slots).toBeLessThanOrEqual(widestUseful(H264_1080P, 16));
  });

  test("a lone long encode on an idle pool is widened, at most to the widest useful width, and ends sooner", () => {
    const lone = aTitle({ id: "lone", deliverables: ["hd"], content: aContent({ duration: 600 }) });
    for (const slots of [16, 64]) {
      const wide = encodes(plan(aWorkload({ titles: [lone], capacity: pool(slots) })))[0]!;
      const narrow = encodes(plan(aWorkload({ titles: [lone], capacity: pool(slots) }), { mode: "fixed", slots: 1 }))[0]!;
      expect(wide.slots).toBeGreaterThan(1);
      // On 64 slots still 13: the 14th slot would do less than half a slot's work.
      expect(wide.slots).toBeLessThanOrEqual(widestUseful(H264_1080P, slots));
      expect(wide.end - wide.start).toBeLessThan((narrow.end - narrow.start) / 4);
      expect(wide.end).toBeLessThan(narrow.end);
    }
  });

  // Waiting for the wanted 13 slots (from 73 s to 186 s, 11 of 24 idle) would end at 300.7 s;
  // on the 11 free slots it ends at about 197 s.
  test("a tail encode that finds fewer slots free than it wants starts on them when that ends sooner than waiting", () => {
    const a = aTitle({ id: "a", deliverables: ["hd"], content: aContent({ duration: 600 }) });
    const b = aTitle({ id: "b", arrival: 1, deliverables: ["hd"], content: aContent({ duration: 600 }) });
    const p = plan(aWorkload({ titles: [a, b], capacity: pool(24) }));
    const [ea, eb] = encodes(p);
    expect(ea!.title).toBe("a");
    // a, alone at the tail, takes the widest useful width: 13 of 24 slots, 11 stay free.
    expect(ea!.slots).toBe(13);
    const ready = p.tasks.find((t) => t.id === "b/analyse")!.end;
    expect(ready).toBeLessThan(ea!.end);
    // Waiting for 13 slots would end at a's end + 114 s; 11 slots from now end sooner.
    expect(eb!.start).toBeCloseTo(ready, 3);
    expect(eb!.end).toBeLessThan(ea!.end + (ea!.end - ea!.start));
    expect(p.metrics.idleWhileQueued.cpu).toBe(0);
  });

  test("a title with a deadline never gets narrower encodes than the cost model plans, while the others run on one slot", () => {
    const releases = [0, 1, 2].map((i) =>
      aTitle({ id: `r${i}`, tier: "premium", arrival: 300 * i, deadline: 300 * i + 8 * 3600, content: aContent({ duration: 300 }) }),
    );
    const p = plan(aWorkload({ titles: [...backlogTitles(30), ...releases], capacity: pool(16) }));
    expect(verifyPlan(p)).toEqual([]);
    const list = encodes(p);
    const own = list.filter((t) => t.title.startsWith("r"));
    expect(own).toHaveLength(6);
    for (const t of own) {
      const rendition = ladderOf(t.deliverable!).find((r) => r.name === t.rendition)!;
      expect(t.slots, t.id).toBeGreaterThanOrEqual(Math.min(encodeSlots(rendition), 16));
    }
    // The same renditions of titles without a deadline, started while the backlog is long: one slot.
    const others = list.slice(0, list.length - 16).filter((t) => t.title.startsWith("t"));
    expect(others.length).toBeGreaterThan(20);
    expect(others.every((t) => t.slots === 1)).toBe(true);
    expect(p.titles.filter((t) => t.id.startsWith("r")).every((t) => t.onTime)).toBe(true);
  });
});

/** Whether every slot of the pool is held at every instant from the first start up to `until`. */
function fullUntil(p: Plan, until: number): boolean {
  const slots = p.pools[0]!.slots;
  const events = p.tasks.flatMap((t) => [{ at: t.start, d: t.slots }, { at: t.end, d: -t.slots }]).sort((a, b) => a.at - b.at || a.d - b.d);
  let used = 0;
  for (let i = 0; i < events.length; i++) {
    used += events[i]!.d;
    const next = events[i + 1];
    if (next === undefined || next.at >= until) return true;
    // Only the level between distinct instants counts.
    if (next.at > events[i]!.at && used < slots) return false;
  }
  return true;
}

describe("on a pool with limited memory", () => {
  // 16 slots and 32 GiB: 2 GiB a slot. A 2160p HEVC encode needs 8.3 GiB, the 1080p one 2.3 GiB.
  const capacity = pool(16, 32);
  const titles = Array.from({ length: 8 }, (_, i) =>
    aTitle({ id: `u${i}`, deliverables: ["hevc-4k"], content: aContent({ duration: 300, width: 3840, height: 2160 }) }),
  );
  const w = aWorkload({ titles, capacity });

  for (const allocation of [{ mode: "predictive" }, { mode: "planned" }, { mode: "fixed", slots: 1 }] as Allocation[]) {
    test(`memory in use never exceeds the pool's (${allocation.mode})`, () => {
      const sim = createSimulator(w, book, { policy: "value", seed: null, trace: null, allocation });
      sim.run();
      const ran = sim.state.tasks.map((t) => ({ start: t.start, end: t.end, mem: t.task.memoryGiB }));
      const events = ran.flatMap((t) => [{ at: t.start, d: t.mem }, { at: t.end, d: -t.mem }]).sort((a, b) => a.at - b.at || a.d - b.d);
      let used = 0;
      let peak = 0;
      for (const e of events) peak = Math.max(peak, (used += e.d));
      expect(peak).toBeLessThanOrEqual(32 + 1e-9);
      // Not vacuous: more than half the pool's memory was in use at once.
      expect(peak).toBeGreaterThan(16);
    });
  }

  test("a big encode takes at least its memory's share of slots, so memory does not strand slots", () => {
    const p = plan(w);
    expect(verifyPlan(p)).toEqual([]);
    const uhd = encodes(p).filter((t) => t.rendition === "2160p");
    expect(uhd).toHaveLength(8);
    const need = memoryWidth(encodeMemoryGiB("hevc", ladderOf("hevc-4k")[0]!), capacity.pools[0]!);
    expect(need).toBe(5);
    expect(uhd.every((t) => t.slots >= need)).toBe(true);
    const hdHevc = encodes(p).filter((t) => t.rendition === "1080p");
    expect(hdHevc.every((t) => t.slots >= 2)).toBe(true);
    // One-slot 4K encodes would fit only three at a time in memory and leave most slots idle.
    const oneSlot = plan(w, { mode: "fixed", slots: 1 });
    expect(p.metrics.makespan).toBeLessThan(oneSlot.metrics.makespan);
  });
});

describe("fixed and planned allocation", () => {
  const mixed = [
    aTitle({ id: "a", content: aContent({ duration: 300 }) }),
    aTitle({ id: "b", deliverables: ["hevc-4k"], content: aContent({ duration: 300, width: 3840, height: 2160 }) }),
    aTitle({ id: "c", arrival: 60, content: aContent({ duration: 900, width: 1280, height: 720 }) }),
  ];

  test.each([1, 2, 3, 8, 16])("fixed:%i gives every encode that many slots", (n) => {
    const p = plan(aWorkload({ titles: mixed, capacity: pool(16) }), { mode: "fixed", slots: n });
    expect(verifyPlan(p)).toEqual([]);
    const list = encodes(p);
    expect(list.length).toBeGreaterThan(4);
    expect(list.every((t) => t.slots === n)).toBe(true);
    // The other stages keep their own width.
    expect(p.tasks.filter((t) => t.kind !== "encode").every((t) => t.slots === 1)).toBe(true);
  });

  test("fixed:N is capped by the pool", () => {
    const p = plan(aWorkload({ titles: mixed, capacity: pool(6) }), { mode: "fixed", slots: 16 });
    expect(verifyPlan(p)).toEqual([]);
    expect(encodes(p).every((t) => t.slots === 6)).toBe(true);
  });

  test("fixed:N runs each encode for its Amdahl time on N slots", () => {
    const lone = aWorkload({ titles: [aTitle({ id: "lone", deliverables: ["hd"], content: aContent({ duration: 600 }) })], capacity: pool(16) });
    const one = encodes(plan(lone, { mode: "fixed", slots: 1 }))[0]!;
    const four = encodes(plan(lone, { mode: "fixed", slots: 4 }))[0]!;
    const work = one.end - one.start;
    expect(four.end - four.start).toBeCloseTo(work * (1 - H264_1080P + H264_1080P / 4), 2);
  });

  test("planned keeps the cost model's width per rendition", () => {
    for (const slots of [16, 3]) {
      const p = plan(aWorkload({ titles: mixed, capacity: pool(slots) }), { mode: "planned" });
      expect(verifyPlan(p)).toEqual([]);
      for (const t of encodes(p)) {
        const rendition = ladderOf(t.deliverable!).find((r) => r.name === t.rendition)!;
        expect(t.slots, t.id).toBe(Math.min(encodeSlots(rendition), slots));
      }
      expect(new Set(encodes(p).map((t) => t.slots)).size).toBeGreaterThan(1);
    }
  });
});
