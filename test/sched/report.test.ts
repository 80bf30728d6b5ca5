// Analytics reported while a real run goes on (`vps run --follow-events`): Scheduler.report puts
// a report into the scheduler's own queue at its time (or the next instant, if that is past), so
// it re-keys the title as the workload's own events do and a promotion reorders queued work.
import { describe, expect, test } from "vitest";
import { assemblePlan, createScheduler, type PlanOptions } from "../../src/plan/build";
import { drive } from "../../src/run/driver";
import type { SimEvent } from "../../src/sched/trace";
import { aBook, aContent, aTitle, aWorkload } from "../builders";
import { VirtualWorld } from "../virtualWorld";

const book = aBook();
// One slot and twelve ugc uploads in a queue: the last one listed goes viral while the first runs.
const uploads = Array.from({ length: 12 }, (_, i) => aTitle({ id: `u${String(i).padStart(2, "0")}`, tier: "ugc", content: aContent({ duration: 60, width: 1280, height: 720 }) }));
const workload = aWorkload({ titles: uploads, capacity: { pools: [{ id: "cpu", slots: 1, memoryGiB: null }], scratchGiB: null } });

async function run(reports: boolean) {
  const events: SimEvent[] = [];
  const options: PlanOptions = { policy: "value", seed: null, trace: (e) => events.push(e) };
  const sched = createScheduler(workload, book, options);
  const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: null }));
  let sent = false;
  const result = await drive(sched, world, world, {
    partial: "hold",
    // Reports as a feed sends them, arriving while the first upload encodes: views climbing fast.
    onStart: (t) => {
      if (!reports || sent || t.task.kind !== "encode") return;
      sent = true;
      for (const [at, views] of [[0, 1_000], [60, 400_000], [120, 900_000]] as const) sched.report({ at: world.now() + at, title: "u11", views });
    },
  });
  expect(result.interrupted).toBe(false);
  return { plan: assemblePlan(workload, sched.state, options), events };
}

describe("Scheduler.report during a run", () => {
  test("a followed report reaches the title: its value changes and a viral one is promoted and served sooner", async () => {
    const quiet = await run(false);
    const followed = await run(true);
    const changes = followed.events.filter((e) => e.type === "value:change" && e.title === "u11");
    expect(changes.length).toBe(3);
    const u11 = followed.plan.titles.find((t) => t.id === "u11")!;
    expect(u11.tierChanges.map((c) => c.kind)).toContain("promote");
    expect(u11.finish!).toBeLessThan(quiet.plan.titles.find((t) => t.id === "u11")!.finish!);
  });
});
