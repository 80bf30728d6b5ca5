// The viral rule as a platform sees it: a jump in views promotes at once; a title hovering around a
// threshold does not flap; only a lasting lull demotes.
import { describe, expect, test } from "vitest";
import type { ViralRule } from "../../src/model";
import { initialViralState, observeViews, type ViralChange } from "../../src/value/viral";

const rule: ViralRule = { promoteAbove: 20_000, demoteBelow: 5_000, demoteAfter: 3600, smoothing: 600, promoteTo: "premium" };

/** Feeds views growing at `rates[i]` views/hour for `step` seconds each; returns the changes with their times. */
function feed(rates: number[], step = 300, r: ViralRule = rule): { at: number; change: NonNullable<ViralChange> }[] {
  const state = initialViralState();
  let views = 0;
  const out: { at: number; change: NonNullable<ViralChange> }[] = [];
  observeViews(state, r, 0, 0);
  rates.forEach((rate, i) => {
    views += (rate * step) / 3600;
    const at = (i + 1) * step;
    const change = observeViews(state, r, at, views);
    if (change) out.push({ at, change });
  });
  return out;
}

describe("viral promotion", () => {
  test("a sustained jump above the threshold promotes, naming the velocity", () => {
    const changes = feed([200, 200, 80_000, 80_000, 80_000]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.change).toMatchObject({ kind: "promote", firstAboveAt: 900 });
    expect(changes[0]!.change.reason).toMatch(/^view velocity [\d,]+\/h above 20,000\/h$/);
  });

  test("one noisy reading does not promote: the velocity is smoothed", () => {
    // A single 5-minute spike to 30,000/h between quiet readings.
    expect(feed([200, 30_000, 200, 200, 200])).toEqual([]);
  });

  test("a title hovering around the promotion threshold is promoted once and never flaps", () => {
    const hover = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 24_000 : 17_000));
    const changes = feed([...Array(6).fill(25_000), ...hover]);
    expect(changes.map((c) => c.change.kind)).toEqual(["promote"]);
  });

  test("demotion needs the velocity below the lower threshold for the whole window", () => {
    // Promoted, then quiet for 50 minutes, a burst that resets the countdown, then quiet for good.
    const changes = feed([...Array(6).fill(60_000), ...Array(10).fill(100), 40_000, 40_000, ...Array(30).fill(100)]);
    expect(changes.map((c) => c.change.kind)).toEqual(["promote", "demote"]);
    const burstEnd = (6 + 10 + 2) * 300;
    // The demotion comes a full window after the velocity fell below 5,000/h again, not before.
    expect(changes[1]!.at).toBeGreaterThanOrEqual(burstEnd + rule.demoteAfter);
    expect(changes[1]!.change.reason).toMatch(/below 5,000\/h for 1 h/);
  });

  test("a velocity between the thresholds keeps a promoted title promoted", () => {
    const changes = feed([...Array(6).fill(60_000), ...Array(40).fill(10_000)]);
    expect(changes.map((c) => c.change.kind)).toEqual(["promote"]);
  });

  test("a count that goes down (an analytics correction) is not read as negative interest", () => {
    const state = initialViralState();
    observeViews(state, rule, 0, 1000);
    observeViews(state, rule, 300, 500);
    expect(state.velocity).toBe(0);
    expect(observeViews(state, rule, 300, 400)).toBeNull();
  });

  test("the first report, and reports out of time order, carry no velocity", () => {
    const state = initialViralState();
    expect(observeViews(state, rule, 100, 1_000_000)).toBeNull();
    expect(observeViews(state, rule, 50, 2_000_000)).toBeNull();
    expect(state.velocity).toBe(0);
  });
});
