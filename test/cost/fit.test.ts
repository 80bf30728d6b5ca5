// The log-linear fit: it recovers the coefficients a synthetic history was generated with (a
// known model plus seeded noise), keeps what the history cannot tell at the shipped priors, and
// predicts means (smearing), so totals come out unbiased.
import { describe, expect, test } from "vitest";
import { fitLogLinear, linearPart, rowFeatures, shippedPriors, workPerSecond, type Priors } from "../../src/cost/fit";
import type { HistoryRow } from "../../src/cost/historyFields";
import { quantile, ridge, solveSpd } from "../../src/cost/linalg";
import { CODEC_BASE, DECODE_BASE, presetFactor } from "../../src/cost/model";
import { normal, pickWeighted, stream, uniform, type Rng } from "../../src/util/rng";
import { aRun } from "./helpers";

/** The model the synthetic history is drawn from (ln slot-seconds per second of video). */
const TRUTH = {
  level: { h264: Math.log(3), hevc: Math.log(14) },
  preset: { medium: 0, slow: Math.log(1.8), veryfast: Math.log(0.4) },
  size: { h264: 0.8, hevc: 0.9 },
  rate: { h264: 0.95, hevc: 1.0 },
  scaled: { h264: 0.1, hevc: 0.05 },
  source: 0.1,
  complexity: 1.2,
  highBitDepth: 0.25,
  animation: -0.3,
};

const pick = <T>(rng: Rng, items: readonly T[]): T => pickWeighted(rng, items.map((item) => ({ item, weight: 1 })));

function syntheticRow(rng: Rng, video: string, videoEffect: number, noise: number): HistoryRow {
  const codec = pick(rng, ["h264", "hevc"] as const);
  const preset = pick(rng, ["medium", "slow", "veryfast"] as const);
  const [width, height] = pick(rng, [[640, 360], [1280, 720], [1920, 1080], [3840, 2160]] as const);
  const [sourceWidth, sourceHeight] = pick(rng, [[1920, 1080], [3840, 2160]] as const);
  const fps = pick(rng, [24, 30, 60]);
  const r = aRun({ video, codec, preset, width, height, fps, sourceWidth, sourceHeight, sourceFps: fps, duration: 10, complexity: uniform(rng, 0, 1), bitDepth: pick(rng, [8, 10]), contentClass: pick(rng, ["generic", "animation"] as const) });
  const f = rowFeatures(r);
  const y =
    TRUTH.level[codec] + TRUTH.preset[preset] + TRUTH.size[codec] * Math.log(f.outSize) + TRUTH.rate[codec] * Math.log(f.outRate) + (f.scaled ? TRUTH.scaled[codec] : 0) +
    TRUTH.source * Math.log(f.srcPixelRate) + TRUTH.complexity * (r.complexity - 0.5) + (r.bitDepth > 8 ? TRUTH.highBitDepth : 0) + (r.contentClass === "animation" ? TRUTH.animation : 0);
  return { ...r, seconds: r.duration * Math.exp(y + videoEffect + normal(rng, 0, noise)) };
}

/** `videos` videos of `perVideo` runs, each video with its own level (σ `between`), each run noisy (σ `within`). */
export function synthetic(seed: number, videos: number, perVideo: number, between: number, within: number): HistoryRow[] {
  const rng = stream(seed, "synthetic-history");
  return Array.from({ length: videos }, (_, v) => {
    const effect = normal(rng, 0, between);
    return Array.from({ length: perVideo }, () => syntheticRow(rng, `v${v}`, effect, within));
  }).flat();
}

describe("fitting recovers a known model", () => {
  const rows = synthetic(7, 300, 20, 0.05, 0.05);
  const m = fitLogLinear(rows);
  const c = m.coefficients;
  const level = (codec: "h264" | "hevc", preset: string) => c.machine + c.codec[codec]! + c.preset[`${codec}/${preset}`]!;

  test("codec levels and preset steps", () => {
    expect(level("h264", "medium")).toBeCloseTo(TRUTH.level.h264, 1);
    expect(level("hevc", "medium")).toBeCloseTo(TRUTH.level.hevc, 1);
    expect(level("h264", "slow") - level("h264", "medium")).toBeCloseTo(TRUTH.preset.slow, 1);
    expect(level("hevc", "veryfast") - level("hevc", "medium")).toBeCloseTo(TRUTH.preset.veryfast, 1);
  });

  test("exponents, scaling, source, complexity, bit depth and class within 0.03", () => {
    const near = (x: number | undefined, want: number) => expect(Math.abs(x! - want)).toBeLessThan(0.03);
    near(c.sizeExponent.h264, TRUTH.size.h264);
    near(c.sizeExponent.hevc, TRUTH.size.hevc);
    near(c.rateExponent.h264, TRUTH.rate.h264);
    near(c.rateExponent.hevc, TRUTH.rate.hevc);
    near(c.scaled.h264, TRUTH.scaled.h264);
    near(c.sourceExponent, TRUTH.source);
    near(c.complexity, TRUTH.complexity);
    near(c.highBitDepth, TRUTH.highBitDepth);
    near(c.contentClass.animation, TRUTH.animation);
  });

  test("smearing turns the fitted median into the mean: the training total is reproduced", () => {
    const predicted = rows.reduce((s, r) => s + workPerSecond(m, rowFeatures(r)) * r.duration, 0);
    const measured = rows.reduce((s, r) => s + r.seconds, 0);
    expect(Math.abs(predicted / measured - 1)).toBeLessThan(0.01);
    expect(c.smearing.h264).toBeGreaterThan(1);
    expect(c.smearing.h264).toBeLessThan(1.01);
  });

  test("the same history and seed give the same model, to the bit", () => {
    expect(fitLogLinear(synthetic(7, 300, 20, 0.05, 0.05))).toEqual(m);
  });
});

describe("what the history cannot tell stays at the shipped priors", () => {
  // One output size, one rate, one preset, 8-bit, no scaling: only the level is measured.
  const rows = Array.from({ length: 40 }, (_, i) => aRun({ video: `v${i % 8}`, seconds: 30 * (1 + 0.1 * Math.sin(i)) }));
  const m = fitLogLinear(rows);
  const prior = shippedPriors();

  test("shapes keep their priors; the level is the data's", () => {
    const c = m.coefficients;
    expect(c.sizeExponent.h264).toBeCloseTo(prior.pixelExponent, 6);
    expect(c.rateExponent.h264).toBeCloseTo(prior.pixelExponent, 6);
    expect(c.complexity).toBeCloseTo(prior.complexity, 6);
    expect(c.highBitDepth).toBeCloseTo(prior.highBitDepth, 6);
    expect(workPerSecond(m, rowFeatures(aRun()))).toBeCloseTo(3, 1);
  });

  test("a codec the history never ran is the shipped level, scaled by the fitted machine speed", () => {
    const h264 = workPerSecond(m, rowFeatures(aRun()));
    const hevc = workPerSecond(m, rowFeatures(aRun({ codec: "hevc" })));
    expect(hevc / h264).toBeCloseTo((CODEC_BASE.hevc + DECODE_BASE) / (CODEC_BASE.h264 + DECODE_BASE), 2);
  });

  test("an unseen preset follows the shipped preset table", () => {
    const ratio = Math.exp(linearPart(m, rowFeatures(aRun({ preset: "veryslow" }))) - linearPart(m, rowFeatures(aRun())));
    expect(ratio).toBeCloseTo(presetFactor("veryslow") / presetFactor("medium"), 2);
  });

  test("a codec neither fitted nor shipped gets the fitted codecs' mean level", () => {
    const prior0: Priors = { ...prior, codec: {} };
    const m0 = fitLogLinear(rows, prior0);
    expect(linearPart(m0, rowFeatures(aRun({ codec: "theora" })))).toBeCloseTo(linearPart(m0, rowFeatures(aRun())), 6);
  });

  test("runs on several slots are converted to one-slot work with the speedup curve", () => {
    const one = fitLogLinear([aRun({ seconds: 40 })]);
    const four = fitLogLinear([aRun({ seconds: 40 * (1 - 0.92 + 0.92 / 4), slots: 4 })]);
    expect(workPerSecond(four, rowFeatures(aRun()))).toBeCloseTo(workPerSecond(one, rowFeatures(aRun())), 6);
  });
});

describe("linear algebra", () => {
  test("Cholesky solves a symmetric positive definite system", () => {
    const x = solveSpd(
      [
        [4, 2, 0],
        [2, 5, 1],
        [0, 1, 3],
      ],
      [2, 3, 4],
    );
    expect(4 * x[0]! + 2 * x[1]!).toBeCloseTo(2, 12);
    expect(2 * x[0]! + 5 * x[1]! + x[2]!).toBeCloseTo(3, 12);
    expect(x[1]! + 3 * x[2]!).toBeCloseTo(4, 12);
  });

  test("a matrix that is not positive definite is a bug, not a wrong answer", () => {
    expect(() => solveSpd([[0]], [1])).toThrow(/not positive definite/);
  });

  test("ridge: exact data is fitted, an unidentified coefficient keeps its prior", () => {
    // y = 2 + 3x; the third column is always 0, so nothing says what its coefficient is.
    const rows = [0, 1, 2, 3].map((x) => ({ x: [[0, 1], [1, x], [2, 0]] as [number, number][], y: 2 + 3 * x }));
    const [a, b, c] = ridge(rows, [1e-9, 1e-9, 1], [0, 0, 0.7]);
    expect(a).toBeCloseTo(2, 6);
    expect(b).toBeCloseTo(3, 6);
    expect(c).toBeCloseTo(0.7, 12);
  });

  test("quantile interpolates between order statistics", () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
