// The ladder gap: how much worse a predicted ladder is than a title's own, read off its trial curves.
import { describe, expect, it } from "vitest";
import { curveAt, ladderGap } from "../../src/ladder/gap";
import type { RatePoint } from "../../src/ladder/types";

/** Two sizes: 720p better at high rates, 360p better at low ones (PSNR linear in ln rate). */
const trials: RatePoint[] = [
  ...[200, 400, 800, 1600, 3200].map((kbps) => ({ width: 1280, height: 720, kbps, psnr: 10 + 4.5 * Math.log(kbps), ssim: null })),
  ...[200, 400, 800, 1600, 3200].map((kbps) => ({ width: 640, height: 360, kbps, psnr: 19 + 3.2 * Math.log(kbps), ssim: null })),
];
const at = (height: number, kbps: number) => ({ width: (height * 16) / 9, height, kbps });

describe("curveAt", () => {
  const curve = trials.filter((t) => t.height === 720);
  it("interpolates linearly in ln(rate) and continues the end segments", () => {
    expect(curveAt(curve, 800)).toBeCloseTo(10 + 4.5 * Math.log(800), 9);
    expect(curveAt(curve, 566)).toBeCloseTo(10 + 4.5 * Math.log(566), 9);
    expect(curveAt(curve, 100)).toBeCloseTo(10 + 4.5 * Math.log(100), 9);
    expect(curveAt(curve, 6400)).toBeCloseTo(10 + 4.5 * Math.log(6400), 9);
  });
});

describe("ladderGap", () => {
  const measured = [at(720, 3200), at(720, 1600), at(360, 400), at(360, 200)];

  it("is 0 for the measured ladder itself", () => {
    expect(ladderGap(measured, measured, trials)).toBeCloseTo(0, 9);
  });

  it("is positive for a ladder that keeps the full size where the smaller one is better", () => {
    const fullSize = [at(720, 3200), at(720, 1600), at(720, 400), at(720, 200)];
    expect(ladderGap(fullSize, measured, trials)!).toBeGreaterThan(0.05);
  });

  it("reads a rung off the nearest trial size, and is null without trials", () => {
    const near = [at(704, 3200), at(704, 1600), at(352, 400), at(352, 200)];
    expect(ladderGap(near, measured, trials)).toBeCloseTo(0, 9);
    expect(ladderGap(measured, measured, [])).toBeNull();
  });
});
