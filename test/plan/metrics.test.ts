// Plan metrics stay correct and cheap at the sizes a busy platform produces.
import { expect, test } from "vitest";
import type { PlanTitle } from "../../src/model";
import { computeMetrics, waitsByTier } from "../../src/plan/metrics";

const title = (i: number, waited: number): PlanTitle => ({
  id: `t${i}`,
  tier: i % 10 === 0 ? "premium" : "ugc",
  arrival: 0,
  deadline: null,
  finish: 100,
  onTime: null,
  lateBy: null,
  downgrades: [],
  tierChanges: [],
  waited,
});

test("a feed of 300,000 value changes does not overflow the stack, and the largest delay is found", () => {
  const delays = Array.from({ length: 300_000 }, (_, i) => (i === 123_456 ? 7 : 0));
  const m = computeMetrics({
    titles: [title(0, 0)],
    tasks: [],
    pools: [{ id: "cpu", slots: 1, memoryGiB: null }],
    busySlotSeconds: [0],
    idleWhileQueued: [0],
    peakRunning: [0],
    peakScratchGiB: 0,
    valueChangeDelays: delays,
    promotionDelays: delays,
    stretch: new Map(),
    prediction: { encodes: 0, firstEstimate: { median: 0, p90: 0 }, atStart: { median: 0, p90: 0 }, perTitle: { median: 0, p90: 0 }, batchTotal: 0 },
  });
  expect(m.valueChangeDelay).toEqual({ changes: 300_000, mean: 0, max: 7 });
  expect(m.promotionDelay.max).toBe(7);
});

test("waits per tier over 200,000 titles: the longest and the mean, per tier of arrival", () => {
  const titles = Array.from({ length: 200_000 }, (_, i) => title(i, i % 1000));
  const waits = waitsByTier(titles);
  expect(waits.premium).toEqual({ max: 990, mean: 495 });
  expect(waits.ugc!.max).toBe(999);
});
