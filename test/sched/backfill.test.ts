// Reservations and backfill (src/sched/dispatch.ts): a wide task waiting for its slots keeps its
// place (its start is never pushed back), short work fills the slots idle in front of it, and
// strict order (`backfill: false`) leaves them idle. Reservations follow the real ends of tasks.
import { describe, expect, test } from "vitest";
import type { Plan, PlanTask, PipelineStage, Title, Workload } from "../../src/model";
import { buildPlan, createSimulator } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import type { Allocation } from "../../src/sched/allocate";
import type { SimEvent } from "../../src/sched/trace";
import type { Truth } from "../../src/sched/truth";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

const sd = aRecipe({ deliverable: "sd", ladder: [{ name: "360p", width: 640, height: 360, bitrateKbps: 800 }], downgrades: [] });
const hd = aRecipe({ deliverable: "hd", ladder: [{ name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 }], downgrades: [] });
const book = aBook([sd, hd]);
const pool = (slots: number): Workload["capacity"] => ({ pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null });

/** A job of fixed width: 4 slots for 600 s, whatever the allocation (it is not an encode). */
const HOLD: PipelineStage[] = [{ id: "hold", kind: "custom", after: [], pool: null, workPerSecond: 4, slots: 4 }];
const HEAD = "b-uhd/encode/hevc-4k/2160p";

/** The premium 4K release both scenes hold back for: arrives at 10 s, its 2160p encode needs all 8 slots. */
function uhdRelease(): Title {
  return aTitle({
    id: "b-uhd",
    tier: "premium",
    arrival: 10,
    deadline: 10 + 8 * 3600,
    deliverables: ["hevc-4k"],
    value: { expectedViews: 1_000_000 },
    content: aContent({ duration: 300, width: 3840, height: 2160 }),
  });
}

/**
 * On 8 slots: a 4-slot job holds half the pool from 0 to 600 s; a premium 4K release arrives at
 * 10 s and, once analysed (154 s), its 2160p encode needs all 8 slots, so it must wait for the
 * job. Short ugc clips arrive at 160 s and could use the 4 idle slots; a long ugc 4K upload could
 * too, but none of its encodes would end before 600 s.
 */
function scene(): Workload {
  const hold = aTitle({ id: "a-hold", tier: "ugc", pipeline: "hold", content: aContent({ duration: 600 }) });
  const head = uhdRelease();
  const clips: Title[] = Array.from({ length: 10 }, (_, i) =>
    aTitle({ id: `c${i}`, tier: "ugc", arrival: 160, deliverables: ["sd"], content: aContent({ duration: 60, width: 640, height: 360 }) }),
  );
  const long = aTitle({ id: "z-long", tier: "ugc", arrival: 160, deliverables: ["hevc-4k"], content: aContent({ duration: 600, width: 3840, height: 2160 }) });
  return aWorkload({ titles: [hold, head, ...clips, long], pipelines: { hold: HOLD }, capacity: pool(8) });
}

const planOf = (w: Workload, allocation: Allocation, backfill: boolean): Plan =>
  buildPlan(w, book, { policy: "value", seed: null, trace: null, allocation, backfill });
const task = (p: Plan, id: string): PlanTask => p.tasks.find((t) => t.id === id)!;
/** Slot-seconds the plan's tasks hold between `from` and `to`. */
const busyBetween = (p: Plan, from: number, to: number): number =>
  p.tasks.reduce((s, t) => s + t.slots * Math.max(0, Math.min(to, t.end) - Math.max(from, t.start)), 0);

describe.each([{ mode: "predictive" }, { mode: "planned" }] as Allocation[])("a wide head waiting for its slots ($mode)", (allocation) => {
  const withBackfill = planOf(scene(), allocation, true);
  const strict = planOf(scene(), allocation, false);
  const readyAt = (p: Plan) => task(p, "b-uhd/analyse").end;

  test("the scene is what it claims: the head is ready long before the job ends and needs the whole pool", () => {
    for (const p of [withBackfill, strict]) {
      expect(verifyPlan(p)).toEqual([]);
      expect(task(p, HEAD).slots).toBe(8);
      expect(readyAt(p)).toBeLessThan(200);
      expect(task(p, "a-hold/hold")).toMatchObject({ start: 0, end: 600, slots: 4 });
    }
  });

  test("is not delayed by backfill: it starts when the job's slots free, no later than in strict order", () => {
    expect(task(withBackfill, HEAD).start).toBeLessThanOrEqual(task(strict, HEAD).start);
    expect(task(withBackfill, HEAD).start).toBeCloseTo(600, 3);
    // The long upload's encodes would still be running at 600 s: none of them went in front.
    const longEncodes = withBackfill.tasks.filter((t) => t.title === "z-long" && t.kind === "encode");
    expect(longEncodes.length).toBeGreaterThan(0);
    expect(longEncodes.every((t) => t.start >= task(withBackfill, HEAD).start)).toBe(true);
  });

  test("with backfill the short clips run in the idle slots in front of it", () => {
    const head = task(withBackfill, HEAD);
    const clipTasks = withBackfill.tasks.filter((t) => /^c\d$/.test(t.title));
    expect(clipTasks.every((t) => t.start >= readyAt(withBackfill) && t.end <= head.start)).toBe(true);
    const clips = withBackfill.titles.filter((t) => /^c\d$/.test(t.id));
    expect(clips.every((t) => t.finish! <= head.start)).toBe(true);
    // More of the pool works while the head waits, and nothing finishes later for it.
    const window = (p: Plan) => busyBetween(p, readyAt(p), task(p, HEAD).start);
    expect(window(withBackfill)).toBeGreaterThan(window(strict) + 10 * 40);
    expect(withBackfill.metrics.makespan).toBeLessThanOrEqual(strict.metrics.makespan);
    for (const t of withBackfill.titles) expect(t.finish!, t.id).toBeLessThanOrEqual(strict.titles.find((x) => x.id === t.id)!.finish! + 1e-6);
  });

  test("without backfill nothing below the blocked head starts in its pool until it does", () => {
    const head = task(strict, HEAD);
    const below = strict.tasks.filter((t) => t.title !== "b-uhd" && t.start > readyAt(strict) && t.start < head.start);
    expect(below.map((t) => t.id)).toEqual([]);
    // The slots it leaves idle are counted.
    expect(strict.metrics.idleWhileQueued.cpu).toBeGreaterThan(0);
  });
});

describe("reservations follow the real ends of tasks", () => {
  // Planned widths: the ugc upload's 10-minute 1080p encode holds 4 of 8 slots, predicted 235 s.
  const hold = aTitle({ id: "a-hold", tier: "ugc", deliverables: ["hd"], content: aContent({ duration: 600 }) });
  const head = uhdRelease();
  // Clips keep arriving, before and after the upload's predicted end: backfill candidates throughout.
  const clips = Array.from({ length: 30 }, (_, i) =>
    aTitle({ id: `c${String(i).padStart(2, "0")}`, tier: "ugc", arrival: 160 + 20 * i, deliverables: ["sd"], content: aContent({ duration: 60, width: 640, height: 360 }) }),
  );
  const w = aWorkload({ titles: [hold, head, ...clips], capacity: pool(8) });
  const HOLD_ENCODE = "a-hold/encode/hd/1080p";

  /** The first seed whose hidden factor for the upload's encode satisfies `want`. */
  function seedWhere(want: (factor: number) => boolean): Truth {
    for (let seed = 1; seed < 500; seed++) {
      const truth: Truth = { seed, titleSigma: 0.4, taskSigma: 0.02 };
      const sim = createSimulator(w, book, { policy: "value", seed: null, trace: null, allocation: { mode: "planned" }, truth });
      const t = sim.state.tasks.find((x) => x.task.id === HOLD_ENCODE)!;
      if (want(sim.trueFactor(t.idx))) return truth;
    }
    throw new Error("no seed gives that factor");
  }

  function run(truth: Truth) {
    const events: SimEvent[] = [];
    const plan = buildPlan(w, book, { policy: "value", seed: null, trace: (e) => events.push(e), allocation: { mode: "planned" }, truth });
    const at = (type: "task:start" | "task:end", id: string) => events.find((e) => e.type === type && "task" in e && e.task === id)!.at;
    return { plan, events, holdEnd: at("task:end", HOLD_ENCODE), headStart: at("task:start", HEAD) };
  }

  test("when the running encode overruns its prediction, the head starts the moment it really ends, not delayed by backfill", () => {
    const r = run(seedWhere((f) => f > 1.5));
    expect(verifyPlan(r.plan)).toEqual([]);
    const holdTask = task(r.plan, HOLD_ENCODE);
    expect(holdTask.slots).toBe(4);
    const predictedEnd = holdTask.start + holdTask.predicted!;
    expect(r.holdEnd).toBeGreaterThan(predictedEnd + 100);
    // Clips filled the idle slots while the upload was expected to run…
    const clipStarts = r.events.filter((e) => e.type === "task:start" && e.title.startsWith("c") && e.at < r.headStart);
    expect(clipStarts.filter((e) => e.at < predictedEnd).length).toBeGreaterThan(0);
    // …and the reservation moved with the overrun: nothing that would hold the head's slots started
    // after the predicted end, so the head starts exactly when the upload really ends.
    expect(r.headStart).toBeCloseTo(r.holdEnd, 6);
    const lateFill = r.plan.tasks.filter((t) => t.title.startsWith("c") && t.start >= predictedEnd && t.start < r.headStart);
    expect(lateFill.every((t) => t.end <= r.headStart + 1e-6)).toBe(true);
  });

  test("when the running encode ends early, the head starts before the predicted end", () => {
    const r = run(seedWhere((f) => f < 0.67));
    expect(verifyPlan(r.plan)).toEqual([]);
    const holdTask = task(r.plan, HOLD_ENCODE);
    const predictedEnd = holdTask.start + holdTask.predicted!;
    expect(r.holdEnd).toBeLessThan(predictedEnd - 60);
    // The clips backfilled in front of it end by the predicted end at the latest; the head follows
    // the real end, not the prediction.
    expect(r.headStart).toBeGreaterThanOrEqual(r.holdEnd - 1e-6);
    expect(r.headStart).toBeLessThan(predictedEnd);
  });
});
