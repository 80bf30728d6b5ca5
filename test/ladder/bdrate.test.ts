// BD-rate on curves with a known answer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bdRate, type CurvePoint, pchipSlopes } from "../../src/ladder/bdrate";

/** A typical rate–quality curve: PSNR = 10 + 4.5·ln(kbps), at the given rates. */
const curve = (rates: number[], psnr = (r: number) => 10 + 4.5 * Math.log(r)): CurvePoint[] => rates.map((kbps) => ({ kbps, psnr: psnr(kbps) }));
const RATES = [145, 365, 730, 1100, 2000, 3000, 4500];

describe("bdRate", () => {
  it.each([0.8, 0.5, 1.25, 1])("a curve needing %d× the bits for every PSNR has BD-rate factor − 1 (pchip and cubic)", (factor) => {
    const ref = curve(RATES);
    const test = ref.map((p) => ({ kbps: p.kbps * factor, psnr: p.psnr }));
    expect(bdRate(ref, test)!.rate).toBeCloseTo(factor - 1, 10);
    expect(bdRate(ref, test, "cubic")!.rate).toBeCloseTo(factor - 1, 10);
  });

  it("holds when the two curves are sampled at different points of the same shifted curve", () => {
    // Same underlying curve, test shifted by 0.7×; sampled at other rates. Exact for a curve linear in ln R.
    const ref = curve([150, 400, 900, 2500]);
    const test = curve([120, 300, 1000, 2200], (r) => 10 + 4.5 * Math.log(r / 0.7));
    expect(bdRate(ref, test)!.rate).toBeCloseTo(-0.3, 10);
  });

  it("is the same whatever the order of the points, and the inverse comparison inverts it", () => {
    const ref = curve(RATES, (r) => 8 + 5 * Math.log(r) - 0.1 * Math.log(r) ** 2);
    const test = curve([200, 500, 1200, 2800], (r) => 8 + 5 * Math.log(r * 1.3) - 0.1 * Math.log(r * 1.3) ** 2);
    const ab = bdRate(ref, test)!.rate;
    expect(bdRate([...ref].reverse(), [...test].reverse())!.rate).toBeCloseTo(ab, 12);
    expect((1 + ab) * (1 + bdRate(test, ref)!.rate)).toBeCloseTo(1, 2);
    expect(ab).toBeCloseTo(1 / 1.3 - 1, 2);
  });

  it("is taken over the overlapping PSNR range only", () => {
    const ref = curve([100, 1000]);
    const test = curve([500, 5000]);
    const r = bdRate(ref, test)!;
    expect(r.rate).toBeCloseTo(0, 12);
    expect(r.psnrRange[0]).toBeCloseTo(10 + 4.5 * Math.log(500), 12);
    expect(r.psnrRange[1]).toBeCloseTo(10 + 4.5 * Math.log(1000), 12);
  });

  it("is null without an overlap or with too few points (2 for pchip, 4 for cubic)", () => {
    expect(bdRate(curve([100, 200]), curve([1000, 2000]))).toBeNull();
    expect(bdRate(curve([100]), curve([100, 200]))).toBeNull();
    expect(bdRate(curve([100, 200, 300]), curve([100, 200, 300]), "cubic")).toBeNull();
    expect(bdRate(curve([100, 200]), curve([150, 250]))).not.toBeNull();
  });

  it("a constant rate factor is recovered for any monotone curve (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 50, max: 8000 }), { minLength: 2, maxLength: 9 }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        (rates, factor) => {
          const ref = curve(rates, (r) => 20 + 3 * Math.log(r) + 2 * Math.sqrt(Math.log(r)));
          const psnrs = ref.map((p) => p.psnr);
          if (Math.max(...psnrs) - Math.min(...psnrs) < 0.01) return;
          const test = ref.map((p) => ({ kbps: p.kbps * factor, psnr: p.psnr }));
          expect(bdRate(ref, test)!.rate).toBeCloseTo(factor - 1, 6);
        },
      ),
      { numRuns: Number(process.env.VPS_PROPERTY_RUNS ?? 100) },
    );
  });
});

describe("pchipSlopes", () => {
  it("keeps monotone data monotone: zero slope at a local extremum, data slopes for a straight line", () => {
    expect(pchipSlopes([0, 1, 2], [0, 1, 0])[1]).toBe(0);
    const line = pchipSlopes([0, 1, 3, 4], [1, 3, 7, 9]);
    for (const d of line) expect(d).toBeCloseTo(2, 12);
  });

  it("matches SciPy's PchipInterpolator slopes on an uneven example", () => {
    // scipy.interpolate.PchipInterpolator([0, 1, 3, 4], [0, 1, 1.5, 3]).derivative()(x)
    const d = pchipSlopes([0, 1, 3, 4], [0, 1, 1.5, 3]);
    const delta = [1, 0.25, 1.5];
    // interior: weighted harmonic means
    const w = (hk: number, hk1: number, a: number, b: number) => (3 * (hk + hk1)) / ((2 * hk + hk1) / a + (hk + 2 * hk1) / b);
    expect(d[1]).toBeCloseTo(w(2, 1, delta[0]!, delta[1]!), 12);
    expect(d[2]).toBeCloseTo(w(1, 2, delta[1]!, delta[2]!), 12);
    expect(d[0]).toBeCloseTo(((2 * 1 + 2) * 1 - 1 * 0.25) / 3, 12);
  });
});
