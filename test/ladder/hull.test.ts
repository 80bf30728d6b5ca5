// The rate–quality hull and reading a curve at a bitrate, on points with a known answer.
import { describe, expect, it } from "vitest";
import { convexHull, curvesBySize, paretoFront, psnrAt, rateFor } from "../../src/ladder/hull";
import type { RatePoint } from "../../src/ladder/types";

const pt = (kbps: number, psnr: number, height = 720): RatePoint => ({ width: Math.round((height * 16) / 9), height, kbps, psnr, ssim: null });

describe("paretoFront", () => {
  it("drops points beaten on both rate and quality, keeps the rest by rate", () => {
    const pts = [pt(300, 35), pt(100, 30), pt(200, 29), pt(400, 35), pt(500, 38), pt(100, 28)];
    expect(paretoFront(pts).map((p) => [p.kbps, p.psnr])).toEqual([
      [100, 30],
      [300, 35],
      [500, 38],
    ]);
  });
});

describe("convexHull", () => {
  it("drops a point under the chord of its neighbours (in linear rate)", () => {
    // (200, 31) lies under the chord from (100, 30) to (300, 35), which passes 32.5 at 200.
    const pts = [pt(100, 30), pt(200, 31), pt(300, 35), pt(600, 38)];
    expect(convexHull(pts).map((p) => p.kbps)).toEqual([100, 300, 600]);
  });

  it("keeps every point of a concave curve, across sizes", () => {
    const pts = [pt(100, 30, 360), pt(200, 33, 360), pt(400, 35.5, 540), pt(800, 37.5, 720), pt(1600, 39, 720)];
    expect(convexHull(pts)).toEqual(pts);
  });

  it("treats a point exactly on a chord as redundant", () => {
    expect(convexHull([pt(100, 30), pt(200, 32), pt(300, 34)]).map((p) => p.kbps)).toEqual([100, 300]);
  });

  it("handles no points and one point", () => {
    expect(convexHull([])).toEqual([]);
    expect(convexHull([pt(100, 30)])).toEqual([pt(100, 30)]);
  });

  it("is a subset of the Pareto front, and every input point is on or under it", () => {
    const pts = [pt(90, 29), pt(150, 31.5), pt(210, 32), pt(380, 35.1), pt(500, 35.2), pt(900, 38.6), pt(1500, 39.9), pt(1400, 36)];
    const hull = convexHull(pts);
    const front = paretoFront(pts);
    for (const h of hull) expect(front).toContain(h);
    for (const p of pts) {
      if (p.kbps < hull[0]!.kbps || p.kbps > hull[hull.length - 1]!.kbps) continue;
      const i = hull.findIndex((h) => h.kbps >= p.kbps);
      const a = hull[Math.max(0, i - 1)]!;
      const b = hull[i]!;
      const chord = a.kbps === b.kbps ? b.psnr : a.psnr + ((p.kbps - a.kbps) / (b.kbps - a.kbps)) * (b.psnr - a.psnr);
      expect(p.psnr).toBeLessThanOrEqual(chord + 1e-9);
    }
  });
});

describe("psnrAt and rateFor", () => {
  const curve = [pt(100, 30), pt(400, 36)];

  it("interpolate linearly in ln rate, and invert each other", () => {
    expect(psnrAt(curve, 200)).toBeCloseTo(33, 12);
    expect(rateFor(curve, 33)).toBeCloseTo(200, 9);
    expect(psnrAt(curve, 100)).toBe(30);
    expect(psnrAt(curve, 400)).toBe(36);
  });

  it("read a rate a rounding error past an end as that end", () => {
    expect(psnrAt(curve, 400 * (1 + 1e-15))).toBe(36);
    expect(psnrAt(curve, 100 * (1 - 1e-15))).toBe(30);
  });

  it("never extrapolate", () => {
    expect(psnrAt(curve, 99)).toBeNull();
    expect(psnrAt(curve, 401)).toBeNull();
    expect(rateFor(curve, 37)).toBeNull();
    expect(psnrAt([], 100)).toBeNull();
  });
});

describe("curvesBySize", () => {
  it("groups points by size, each its own Pareto front", () => {
    const curves = curvesBySize([pt(100, 30, 360), pt(300, 33, 720), pt(200, 29, 360), pt(200, 32, 360)]);
    expect([...curves.keys()]).toEqual(["640x360", "1280x720"]);
    expect(curves.get("640x360")!.map((p) => p.kbps)).toEqual([100, 200]);
  });
});
