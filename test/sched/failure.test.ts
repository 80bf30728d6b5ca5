// A task that fails for good in a real run (src/sched/failure.ts), driven through the real-time
// driver under a virtual clock: with --partial hold its title is held (never published, late if
// it had a deadline) and every other title carries on; with --partial publish the failed
// rendition is left out and the title published without it, unless it was the deliverable's last.
import { describe, expect, test } from "vitest";
import type { Plan, Workload } from "../../src/model";
import { assemblePlan, createScheduler, type PlanOptions } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { drive } from "../../src/run/driver";
import type { PartialMode } from "../../src/sched/failure";
import type { SimEvent } from "../../src/sched/trace";
import { aBook, aContent, aTitle, aWorkload } from "../builders";
import { VirtualWorld } from "../virtualWorld";

const book = aBook();

async function runWith(workload: Workload, failing: (taskId: string) => boolean, partial: PartialMode): Promise<{ plan: Plan; events: SimEvent[] }> {
  const events: SimEvent[] = [];
  const options: PlanOptions = { policy: "value", seed: null, trace: (e) => events.push(e) };
  const sched = createScheduler(workload, book, options);
  const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: failing(t.task.id) ? `ffmpeg exited with code 1 on ${t.task.id}` : null }));
  const result = await drive(sched, world, world, { partial });
  expect(result.interrupted).toBe(false);
  return { plan: assemblePlan(workload, sched.state, options), events };
}

const episode = aTitle({ id: "ep", tier: "premium", deadline: 20_000, content: aContent({ duration: 1200 }) });
const clip = aTitle({ id: "clip", tier: "ugc", content: aContent({ duration: 120, width: 1280, height: 720 }) });
const workload = aWorkload({ titles: [episode, clip], capacity: { pools: [{ id: "cpu", slots: 8, memoryGiB: null }], scratchGiB: null } });

describe("--partial hold", () => {
  test("a failed encode holds its title: not published, late against its deadline, the rest of its work cancelled", async () => {
    const { plan, events } = await runWith(workload, (id) => id === "ep/encode/h264-sdr/720p/c000" || id === "ep/encode/h264-sdr/720p", "hold");
    expect(verifyPlan(plan)).toEqual([]);
    const ep = plan.titles.find((t) => t.id === "ep")!;
    expect(ep).toMatchObject({ finish: null, onTime: false, lateBy: null });
    expect(ep.failed).toMatchObject({ deliverable: "h264-sdr", rendition: "720p" });
    expect(ep.failed!.reason).toMatch(/exited with code 1/);
    expect(plan.tasks.some((t) => t.title === "ep" && (t.kind === "package" || t.kind === "publish"))).toBe(false);
    expect(plan.tasks.filter((t) => t.failed).map((t) => t.id)).toEqual([ep.failed!.task]);
    expect(events.some((e) => e.type === "task:fail" && e.title === "ep")).toBe(true);
    expect(plan.metrics.deadlineCompliance).toBe(0);
  });

  test("other titles are published as if nothing had failed", async () => {
    const { plan } = await runWith(workload, (id) => id.startsWith("ep/encode/h264-sdr/720p"), "hold");
    const clipTitle = plan.titles.find((t) => t.id === "clip")!;
    expect(clipTitle.finish).not.toBeNull();
    expect(clipTitle.failed).toBeUndefined();
    expect(plan.tasks.find((t) => t.id === "clip/publish")).toBeDefined();
  });

  test("an analyse that fails holds the title before any encode starts", async () => {
    const { plan } = await runWith(workload, (id) => id === "clip/analyse", "publish");
    const c = plan.titles.find((t) => t.id === "clip")!;
    expect(c.failed?.task).toBe("clip/analyse");
    expect(plan.tasks.filter((t) => t.title === "clip").map((t) => t.kind)).toEqual(["analyse"]);
    expect(plan.titles.find((t) => t.id === "ep")!.finish).not.toBeNull();
  });
});

describe("a runner that throws", () => {
  test("fails that task (its title held) instead of leaving the run waiting for it", async () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const sched = createScheduler(workload, book, options);
    const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: null }));
    const runner = {
      run: (t: Parameters<typeof world.run>[0]) => (t.task.id === "clip/analyse" ? Promise.reject(new Error("ENOSPC: no space left on device, write")) : world.run(t)),
    };
    await drive(sched, runner, world, { partial: "hold" });
    const plan = assemblePlan(workload, sched.state, options);
    expect(plan.titles.find((t) => t.id === "clip")!.failed).toMatchObject({ task: "clip/analyse", reason: "ENOSPC: no space left on device, write" });
    expect(plan.titles.find((t) => t.id === "ep")!.finish).not.toBeNull();
  });
});

describe("--partial publish", () => {
  test("a failed rendition is left out and the title is published without it", async () => {
    const hd = aTitle({ id: "clip", tier: "ugc", content: aContent({ duration: 120 }) });
    const { plan } = await runWith({ ...workload, titles: [episode, hd] }, (id) => id === "clip/encode/h264-sdr/720p", "publish");
    expect(verifyPlan(plan)).toEqual([]);
    const c = plan.titles.find((t) => t.id === "clip")!;
    expect(c.failed).toBeUndefined();
    expect(c.finish).not.toBeNull();
    expect(c.failedRenditions).toEqual([expect.objectContaining({ task: "clip/encode/h264-sdr/720p", deliverable: "h264-sdr", rendition: "720p" })]);
    const publish = plan.tasks.find((t) => t.id === "clip/publish")!;
    expect(publish.start).toBeGreaterThanOrEqual(plan.tasks.find((t) => t.id === "clip/encode/h264-sdr/720p")!.end);
  });

  test("a chunk of a long title that fails leaves its whole rendition out; the chunks not yet started never run", async () => {
    const { plan } = await runWith(workload, (id) => id === "ep/encode/h264-sdr/1080p/c000", "publish");
    const ep = plan.titles.find((t) => t.id === "ep")!;
    expect(ep.failed).toBeUndefined();
    expect(ep.failedRenditions?.map((f) => f.rendition)).toEqual(["1080p"]);
    expect(plan.tasks.some((t) => t.id === "ep/join/h264-sdr/1080p")).toBe(false);
    expect(plan.tasks.find((t) => t.id === "ep/publish")).toBeDefined();
    expect(verifyPlan(plan)).toEqual([]);
  });

  test("the last rendition of a deliverable cannot be left out: its title is held", async () => {
    // The 720p clip's ladder is its 720p rung alone (the 1080p rung is above the source).
    const { plan } = await runWith(workload, (id) => id === "clip/encode/h264-sdr/720p", "publish");
    const c = plan.titles.find((t) => t.id === "clip")!;
    expect(c.failed).toMatchObject({ task: "clip/encode/h264-sdr/720p" });
    expect(c.finish).toBeNull();
    expect(c.failedRenditions).toBeUndefined();
  });
});
