// The rate–quality convex hull of a title's trial points, and reading quality off a curve at a
// bitrate. Pure.
//
// The hull is taken in the (bitrate, PSNR) plane with the bitrate linear, because that is where
// its defining argument holds: a player (or an encoder switching segments) that spends a share t
// of the time on point A and 1 − t on point B averages t·R_A + (1 − t)·R_B bits for (about)
// t·Q_A + (1 − t)·Q_B quality, so any point under the chord between two others is beaten by
// mixing them. Two steps:
//   1. Pareto front: drop every point another point beats on both rate and quality.
//   2. Upper hull (Andrew's monotone chain): drop every point under the chord of its neighbours.
// (In log-rate the same envelope is not convex — PSNR grows almost linearly in ln R — and a hull
// there keeps little more than the cheapest and the best trial.) Reading quality off a curve at a
// bitrate, in contrast, interpolates in ln R, where each size's curve is nearly straight.
import type { RatePoint } from "./types";

const lnRate = (p: RatePoint): number => Math.log(p.kbps);

/** Points no other point beats (as cheap or cheaper AND as good or better, one of them strictly), by rate ascending. */
export function paretoFront<P extends RatePoint>(points: readonly P[]): P[] {
  const sorted = [...points].sort((a, b) => a.kbps - b.kbps || b.psnr - a.psnr);
  const front: P[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (last && p.psnr <= last.psnr) continue;
    front.push(p);
  }
  return front;
}

/** z-component of (b − a) × (c − a) in the (rate, PSNR) plane: ≥ 0 when b is on or under the chord a→c. */
function cross(a: RatePoint, b: RatePoint, c: RatePoint): number {
  return (b.kbps - a.kbps) * (c.psnr - a.psnr) - (b.psnr - a.psnr) * (c.kbps - a.kbps);
}

/** The upper convex hull of the points in (rate, PSNR), by rate ascending. */
export function convexHull<P extends RatePoint>(points: readonly P[]): P[] {
  const hull: P[] = [];
  for (const p of paretoFront(points)) {
    // Pop while the last two points and p do not make a right turn (the middle one is under the chord).
    while (hull.length >= 2 && cross(hull[hull.length - 2]!, hull[hull.length - 1]!, p) >= 0) hull.pop();
    hull.push(p);
  }
  return hull;
}

/**
 * PSNR of a curve (points by rate ascending, rising in quality) at `kbps`, linear in ln rate
 * between neighbours; null outside the curve's rates (no extrapolation).
 */
export function psnrAt(curve: readonly RatePoint[], kbps: number): number | null {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last || kbps < first.kbps * (1 - 1e-9) || kbps > last.kbps * (1 + 1e-9)) return null;
  // Within rounding of an end: that end (a rate computed as exp(ln …) can land a hair outside).
  const r = Math.min(last.kbps, Math.max(first.kbps, kbps));
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (r <= b.kbps) {
      const t = a.kbps === b.kbps ? 1 : (Math.log(r) - lnRate(a)) / (lnRate(b) - lnRate(a));
      return a.psnr + t * (b.psnr - a.psnr);
    }
  }
  return last.psnr;
}

/** Bitrate at which a curve (by rate ascending, rising) reaches `psnr`; null when it never does or starts above it. */
export function rateFor(curve: readonly RatePoint[], psnr: number): number | null {
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (a.psnr <= psnr && psnr <= b.psnr) {
      const t = b.psnr === a.psnr ? 0 : (psnr - a.psnr) / (b.psnr - a.psnr);
      return Math.exp(lnRate(a) + t * (lnRate(b) - lnRate(a)));
    }
  }
  return curve.length === 1 && curve[0]!.psnr === psnr ? curve[0]!.kbps : null;
}

/** The points of each size as its own rate–quality curve (Pareto front), keyed `WxH`. */
export function curvesBySize<P extends RatePoint>(points: readonly P[]): Map<string, P[]> {
  const groups = new Map<string, P[]>();
  for (const p of points) {
    const key = `${p.width}x${p.height}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return new Map([...groups].map(([k, g]) => [k, paretoFront(g)]));
}
