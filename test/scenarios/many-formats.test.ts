// many-formats: a few long 4K HDR films, each requested in every deliverable, with tight scratch.
// What the user cares about: nothing requested is silently left out, scratch is never overrun,
// and each deliverable is packaged as soon as its own renditions are done.
import { describe, expect, it } from "vitest";
import { itKeepsThePlanContract, lazyRun, tasksOf } from "./helpers";

const run = lazyRun("many-formats");

describe("many-formats, seed 42", () => {
  it.each(["value", "fifo"] as const)("under %s every requested deliverable of every title gets a package task", (policy) => {
    const plan = run()[policy];
    const missing: string[] = [];
    for (const title of run().workload.titles) {
      const packaged = new Set(tasksOf(plan, title.id).filter((t) => t.kind === "package").map((t) => t.deliverable));
      for (const d of title.deliverables) if (!packaged.has(d)) missing.push(`${title.id} ${d}`);
    }
    expect(run().workload.titles.every((t) => t.deliverables.length === 4)).toBe(true);
    expect(missing).toEqual([]);
  });

  it.each(["value", "fifo"] as const)("under %s peak scratch stays within capacity.scratchGiB", (policy) => {
    const limit = run().workload.capacity.scratchGiB;
    expect(limit).toBe(200);
    const peak = run()[policy].metrics.peakScratchGiB;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(limit!);
  });

  it("packaging waits per deliverable: a package depends only on its own deliverable's work, and some finish before the title's last encode", () => {
    const plan = run().value;
    const byId = new Map(plan.tasks.map((t) => [t.id, t]));
    let early = 0;
    for (const title of run().workload.titles) {
      const tasks = tasksOf(plan, title.id);
      const lastEncode = Math.max(...tasks.filter((t) => t.kind === "encode").map((t) => t.end));
      for (const pkg of tasks.filter((t) => t.kind === "package")) {
        // The title's audio is shared by its deliverables: not another deliverable's work.
        const foreign = pkg.after.filter((a) => byId.get(a)?.kind !== "audio" && byId.get(a)?.deliverable !== pkg.deliverable);
        expect(foreign, pkg.id).toEqual([]);
        if (pkg.end < lastEncode) early++;
      }
    }
    expect(early).toBeGreaterThan(0);
  });

  itKeepsThePlanContract("many-formats", run);
});
