// The Bjøntegaard delta rate (BD-rate): the mean bitrate difference between two rate–quality
// curves at equal quality, over the quality range both cover. Pure.
//
// Each curve is log-rate as a function of PSNR-Y. The average of (ln R_test − ln R_ref) over the
// overlapping PSNR interval, exponentiated, less one, is the BD-rate: −0.2 means the test needs 20%
// fewer bits than the reference for the same PSNR.
//
// Two interpolations are provided:
//  - `pchip` (the default): piecewise cubic Hermite interpolation with Fritsch–Carlson monotone
//    slopes (SciPy's PchipInterpolator), integrated exactly. This is the piecewise-cubic BD-rate of
//    the JVET common test conditions and VTM reporting sheets (JVET-K0491 era onward). It works
//    from two points per curve (a straight line) and never overshoots between points, which matters
//    here: a ladder has 2–9 rungs, spaced unevenly.
//  - `cubic`: Bjøntegaard's original (VCEG-M33, 2001): a least-squares cubic polynomial through
//    the points; needs at least four per curve and can wiggle with more.
import { solveSpd } from "../cost/linalg";

export interface CurvePoint {
  kbps: number;
  psnr: number;
}

export type BdMethod = "pchip" | "cubic";

interface Xy {
  x: number[];
  y: number[];
}

/** PSNR ascending, ln rate; of points with the same PSNR the cheapest is kept. */
function prepare(points: readonly CurvePoint[]): Xy {
  const sorted = [...points].filter((p) => p.kbps > 0 && Number.isFinite(p.psnr)).sort((a, b) => a.psnr - b.psnr || a.kbps - b.kbps);
  const x: number[] = [];
  const y: number[] = [];
  for (const p of sorted) {
    if (x.length > 0 && p.psnr === x[x.length - 1]) continue;
    x.push(p.psnr);
    y.push(Math.log(p.kbps));
  }
  return { x, y };
}

const sign = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** Fritsch–Carlson slopes at each knot (SciPy's PchipInterpolator, including its end conditions). */
export function pchipSlopes(x: readonly number[], y: readonly number[]): number[] {
  const n = x.length;
  const h = x.slice(1).map((xi, k) => xi - x[k]!);
  const delta = h.map((hk, k) => (y[k + 1]! - y[k]!) / hk);
  if (n === 2) return [delta[0]!, delta[0]!];
  const d = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) {
    const a = delta[k - 1]!;
    const b = delta[k]!;
    if (a * b <= 0) continue;
    const w1 = 2 * h[k]! + h[k - 1]!;
    const w2 = h[k]! + 2 * h[k - 1]!;
    d[k] = (w1 + w2) / (w1 / a + w2 / b);
  }
  const end = (h0: number, h1: number, m0: number, m1: number): number => {
    const v = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if (sign(v) !== sign(m0)) return 0;
    if (sign(m0) !== sign(m1) && Math.abs(v) > Math.abs(3 * m0)) return 3 * m0;
    return v;
  };
  d[0] = end(h[0]!, h[1]!, delta[0]!, delta[1]!);
  d[n - 1] = end(h[n - 2]!, h[n - 3]!, delta[n - 2]!, delta[n - 3]!);
  return d;
}

/** ∫ of the PCHIP interpolant over [lo, hi] (inside the knots). */
function pchipIntegral({ x, y }: Xy, lo: number, hi: number): number {
  const d = pchipSlopes(x, y);
  let total = 0;
  for (let k = 0; k + 1 < x.length; k++) {
    const a = Math.max(lo, x[k]!);
    const b = Math.min(hi, x[k + 1]!);
    if (b <= a) continue;
    const h = x[k + 1]! - x[k]!;
    const delta = (y[k + 1]! - y[k]!) / h;
    // y(s) = y_k + d_k s + c2 s² + c3 s³ for s = x − x_k.
    const c2 = (3 * delta - 2 * d[k]! - d[k + 1]!) / h;
    const c3 = (d[k]! + d[k + 1]! - 2 * delta) / (h * h);
    const prim = (s: number) => y[k]! * s + (d[k]! * s * s) / 2 + (c2 * s ** 3) / 3 + (c3 * s ** 4) / 4;
    total += prim(b - x[k]!) - prim(a - x[k]!);
  }
  return total;
}

/** ∫ over [lo, hi] of the least-squares cubic through the points (x centred and scaled for conditioning). */
function cubicIntegral({ x, y }: Xy, lo: number, hi: number): number {
  const mid = (x[0]! + x[x.length - 1]!) / 2;
  const half = Math.max((x[x.length - 1]! - x[0]!) / 2, 1e-9);
  const u = x.map((xi) => (xi - mid) / half);
  const a = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => u.reduce((s, ui) => s + ui ** (i + j), 0)));
  const b = Array.from({ length: 4 }, (_, i) => u.reduce((s, ui, k) => s + ui ** i * y[k]!, 0));
  const c = solveSpd(a, b);
  const prim = (xv: number) => {
    const t = (xv - mid) / half;
    return half * c.reduce((s, ci, i) => s + (ci * t ** (i + 1)) / (i + 1), 0);
  };
  return prim(hi) - prim(lo);
}

export interface BdResult {
  /** Relative bitrate of the test curve at equal PSNR: −0.2 = 20% fewer bits. */
  rate: number;
  /** The PSNR interval both curves cover, dB. */
  psnrRange: [number, number];
}

/**
 * BD-rate of `test` against `reference`; null when a curve has too few distinct points (2 for
 * pchip, 4 for cubic) or the curves share no PSNR range.
 */
export function bdRate(reference: readonly CurvePoint[], test: readonly CurvePoint[], method: BdMethod = "pchip"): BdResult | null {
  const ref = prepare(reference);
  const tst = prepare(test);
  const need = method === "pchip" ? 2 : 4;
  if (ref.x.length < need || tst.x.length < need) return null;
  const lo = Math.max(ref.x[0]!, tst.x[0]!);
  const hi = Math.min(ref.x[ref.x.length - 1]!, tst.x[tst.x.length - 1]!);
  if (!(hi > lo)) return null;
  const integral = method === "pchip" ? pchipIntegral : cubicIntegral;
  const meanDiff = (integral(tst, lo, hi) - integral(ref, lo, hi)) / (hi - lo);
  return { rate: Math.exp(meanDiff) - 1, psnrRange: [lo, hi] };
}
