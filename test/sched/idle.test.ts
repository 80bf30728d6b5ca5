// "The farm must stay busy": the plan says how much slot-time sat idle while work waited.
import { expect, test } from "vitest";
import { buildPlan } from "../../src/plan/build";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

/** An SD-only deliverable: every task of its titles takes one slot. */
const sd = aRecipe({ deliverable: "sd", ladder: [{ name: "360p", width: 640, height: 360, bitrateKbps: 800 }], downgrades: [] });
const book = aBook([sd]);
const pool = (slots: number) => ({ pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null });

test("one-slot work leaves no slot idle while anything waits", () => {
  const titles = Array.from({ length: 30 }, (_, i) =>
    aTitle({ id: `t${i}`, deliverables: ["sd"], content: aContent({ duration: 120, width: 640, height: 360 }) }),
  );
  const plan = buildPlan(aWorkload({ titles, capacity: pool(4) }), book, { policy: "value", seed: null, trace: null });
  expect(plan.metrics.idleWhileQueued.cpu).toBe(0);
});

test("a wide 4K encode waiting for its slots in strict order shows up as idle time", () => {
  // A long narrow upload holds one of eight slots; the premium 4K title's 8-slot encodes wait for
  // it, and strict priority order keeps the ugc clips behind them from filling the gap.
  const long = aTitle({ id: "a-long", tier: "ugc", arrival: 0, content: aContent({ duration: 3600, width: 640, height: 360 }) });
  const uhd = aTitle({ id: "b-uhd", tier: "premium", arrival: 200, deliverables: ["hevc-4k"], content: aContent({ duration: 300, width: 3840, height: 2160 }) });
  const clips = Array.from({ length: 10 }, (_, i) => aTitle({ id: `c${i}`, tier: "ugc", arrival: 200, content: aContent({ duration: 60, width: 640, height: 360 }) }));
  const plan = buildPlan(aWorkload({ titles: [long, uhd, ...clips], capacity: pool(8) }), book, { policy: "value", seed: null, trace: null });
  expect(plan.metrics.idleWhileQueued.cpu).toBeGreaterThan(0);
  expect(plan.metrics.idleWhileQueued.cpu).toBeLessThan(1 - plan.metrics.utilization.cpu! + 1e-9);
});
