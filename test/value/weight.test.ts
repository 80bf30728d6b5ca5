// How much a title is worth waiting for: tier first, audience second, and bounded.
import { describe, expect, test } from "vitest";
import { audienceMultiplier, MULTIPLIER_MAX, MULTIPLIER_MIN, titleWeight } from "../../src/value/weight";
import { aTitle } from "../builders";

const tiers = { premium: 8, partner: 4, standard: 2, ugc: 1 };

describe("title weight", () => {
  test("the tier sets the base and a promotion serves the title as the new tier", () => {
    const t = aTitle({ tier: "ugc" });
    expect(titleWeight(t, tiers)).toBe(1);
    expect(titleWeight(t, tiers, "premium")).toBe(8);
  });

  test("more expected views, views so far or subscribers raise the weight, on a log scale", () => {
    const none = audienceMultiplier(aTitle());
    const views = audienceMultiplier(aTitle({ value: { expectedViews: 1_000_000 } }));
    const soFar = audienceMultiplier(aTitle({ value: { viewsSoFar: 1_000_000 } }));
    const subs = audienceMultiplier(aTitle({ value: { subscribers: 10_000_000 } }));
    expect(none).toBe(1);
    expect(views).toBeCloseTo(1 + Math.log10(101), 6);
    expect(soFar).toBe(views);
    expect(subs).toBe(views);
  });

  test("revenue per view counts with a square root", () => {
    const base = audienceMultiplier(aTitle({ value: { expectedViews: 90_000, revenuePerView: 0.002 } }));
    const rich = audienceMultiplier(aTitle({ value: { expectedViews: 90_000, revenuePerView: 0.008 } }));
    expect(rich / base).toBeCloseTo(2, 6);
  });

  test("the multiplier is bounded, so one viral title cannot starve everything else", () => {
    expect(audienceMultiplier(aTitle({ value: { expectedViews: 1e15, revenuePerView: 10 } }))).toBe(MULTIPLIER_MAX);
    expect(audienceMultiplier(aTitle({ value: { revenuePerView: 1e-9 } }))).toBe(MULTIPLIER_MIN);
  });

  test("an unknown tier weighs 1", () => {
    expect(titleWeight(aTitle({ tier: "mystery" }), tiers)).toBe(1);
  });
});
