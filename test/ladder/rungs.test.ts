// Rung picking: spacing, caps, sizes, names.
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, ladderRange, pickRungs, roundKbps, type RungRules, targetRates } from "../../src/ladder/rungs";
import type { RatePoint } from "../../src/ladder/types";

/**
 * Trial points of a made-up title: three sizes, PSNR linear in ln rate, each smaller size better
 * at low rates (steeper loss of quality from scaling at high ones).
 */
function points(): RatePoint[] {
  const sizes = [
    { width: 1280, height: 720, a: 4.8, b: 7 },
    { width: 854, height: 480, a: 4.0, b: 12 },
    { width: 640, height: 360, a: 3.2, b: 16.5 },
  ];
  const rates = [60, 120, 250, 500, 1000, 2000, 4000];
  return sizes.flatMap((s) => rates.map((kbps) => ({ width: s.width, height: s.height, kbps, psnr: s.b + s.a * Math.log(kbps), ssim: null })));
}

const caps = { topKbps: 3000, maxRungs: 5 };
/** The default rules with the bottom pinned at 150 kb/s, so spacing and sizes can be checked alone. */
const PINNED: RungRules = { ...DEFAULT_RULES, minBottomKbps: 150 };

describe("roundKbps", () => {
  it.each([
    [147.2, 147],
    [1234.5, 1230],
    [2999, 3000],
    [99.6, 100],
  ])("%d → %d (three significant digits, whole kb/s at least)", (x, y) => expect(roundKbps(x)).toBeCloseTo(y, 6));
});

describe("pickRungs", () => {
  const rungs = pickRungs(points(), caps, PINNED);

  it("spans the bottom rate to the recipe's cap, highest first", () => {
    expect(rungs[0]!.kbps).toBe(3000);
    expect(rungs[rungs.length - 1]!.kbps).toBe(DEFAULT_RULES.bottomKbps);
  });

  it("spaces rungs by an equal ratio of at least minRatio, within the count cap", () => {
    expect(rungs.length).toBeLessThanOrEqual(caps.maxRungs);
    const ratios = rungs.slice(1).map((r, i) => rungs[i]!.kbps / r.kbps);
    for (const q of ratios) expect(q).toBeGreaterThanOrEqual(1.5 - 0.01);
    for (const q of ratios) expect(q).toBeCloseTo(ratios[0]!, 1);
  });

  it("puts each rung on the size that is best at its bitrate: small sizes low, the source size high", () => {
    // The made-up curves cross at 518 kb/s (720p over 480p) and 277 kb/s (480p over 360p).
    expect(rungs.map((r) => r.kbps)).toEqual([3000, 1420, 671, 317, 150]);
    expect(rungs.map((r) => r.height)).toEqual([720, 720, 720, 480, 360]);
    for (const r of rungs) expect(r.psnr).toBeGreaterThan(0);
  });

  it("names rungs by height, with the bitrate when two share a size", () => {
    expect(rungs.map((r) => r.name)).toEqual(["720p-3000k", "720p-1420k", "720p-671k", "480p", "360p"]);
  });

  it("names a portrait title's rungs by their short side, as recipes do (720x1280 is 720p)", () => {
    const portrait = points().map((p) => ({ ...p, width: p.height, height: p.width }));
    expect(pickRungs(portrait, caps, PINNED).map((r) => r.name)).toEqual(["720p-3000k", "720p-1420k", "720p-671k", "480p", "360p"]);
  });

  it("adds rungs until minRatio would be broken when the count cap allows", () => {
    const many = pickRungs(points(), { topKbps: 3000, maxRungs: 20 }, PINNED);
    expect(many).toHaveLength(1 + Math.floor(Math.log(3000 / 150) / Math.log(1.5)));
  });

  it("never exceeds the cap, nor the count, nor a size above the trials'", () => {
    const few = pickRungs(points(), { topKbps: 800, maxRungs: 2 }, PINNED);
    expect(few.map((r) => r.kbps)).toEqual([800, 150]);
    for (const r of pickRungs(points(), { topKbps: 1e6, maxRungs: 9 })) expect(r.height).toBeLessThanOrEqual(720);
  });

  it("gives a title whose hull starts above the ceiling one rung at its cheapest point, not the recipe's cap", () => {
    // A tiny or very easy title: 50 dB already at the lowest rate.
    const easy = points().map((p) => ({ ...p, psnr: p.psnr + 30 }));
    const got = pickRungs(easy, caps, PINNED);
    expect(got).toHaveLength(1);
    expect(got[0]!.kbps).toBe(60);
  });

  it("stops at the quality ceiling: more bits there buy nothing", () => {
    const rules: RungRules = { ...PINNED, qualityCeilingDb: 40 };
    const top = pickRungs(points(), caps, rules)[0]!;
    expect(top.psnr).toBeCloseTo(40, 1);
    expect(top.kbps).toBeLessThan(3000);
  });

  it("with quality spacing, places rungs every step of PSNR along the hull", () => {
    const rules: RungRules = { ...PINNED, spacing: { kind: "quality", stepDb: 3 } };
    const q = pickRungs(points(), { topKbps: 3000, maxRungs: 10 }, rules);
    const steps = q.slice(1).map((r, i) => q[i]!.psnr - r.psnr);
    for (const s of steps) expect(s).toBeGreaterThan(2.5);
    expect(q[0]!.kbps).toBe(3000);
  });

  it("collapses to one rung when the hull starts above the bottom and the cap is below it", () => {
    const r = pickRungs(points(), { topKbps: 100, maxRungs: 5 });
    expect(r).toHaveLength(1);
    expect(r[0]!.kbps).toBe(100);
  });

  it("puts the bottom rung where the hull reaches the quality floor, within 75–150 kb/s", () => {
    const bottom = (rules: Partial<RungRules>) => pickRungs(points(), caps, { ...DEFAULT_RULES, ...rules }).at(-1)!.kbps;
    // 360p reaches 31.5 dB at exp((31.5 − 16.5) / 3.2) = 109 kb/s.
    expect(bottom({ qualityFloorDb: 31.5 })).toBe(109);
    // 30 dB already at 68 kb/s: an easy title, the bottom goes as low as allowed.
    expect(bottom({})).toBe(75);
    // Never reached on these trials: a hard title keeps the highest bottom.
    expect(bottom({ qualityFloorDb: 60 })).toBe(150);
  });

  it("gives no rungs without points", () => {
    expect(pickRungs([], caps)).toEqual([]);
  });
});

describe("ladderRange and targetRates", () => {
  it("starts at the hull when it starts above the bottom rate", () => {
    const hull = [{ width: 1, height: 1, kbps: 400, psnr: 30, ssim: null }, { width: 1, height: 1, kbps: 2000, psnr: 40, ssim: null }];
    expect(ladderRange(hull, caps, DEFAULT_RULES)).toEqual({ bottom: 400, top: 2000 });
    expect(ladderRange(hull, { topKbps: 1000, maxRungs: 5 }, DEFAULT_RULES)).toEqual({ bottom: 400, top: 1000 });
    expect(targetRates(hull, { bottom: 400, top: 2000 }, 5, { kind: "ratio", minRatio: 2 }).map(Math.round)).toEqual([400, 894, 2000]);
  });
});
