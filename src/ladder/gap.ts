// How far a predicted ladder falls short of the ladder a title's own trials give, judged on that
// title's measured rate–quality curves: both ladders' rungs are read off the trial curve of the
// nearest trial size at their bitrates, and the BD-rate of the predicted rungs against the
// measured ones is the gap (0 = as good; +0.2 = 20% more bits for the same PSNR-Y). This scores
// the model by what planning uses it for — which sizes and bitrates it picks — rather than by its
// PSNR error alone, and needs no encodes beyond the trials. Pure.
import { bdRate } from "./bdrate";
import { curvesBySize, psnrAt } from "./hull";
import type { RatePoint, Size } from "./types";

/**
 * PSNR on one size's trial curve (by rate ascending, as curvesBySize gives it) at `kbps`: the
 * curve's own interpolation (psnrAt) within its rates, its end segments continued beyond them.
 */
export function curveAt(curve: readonly RatePoint[], kbps: number): number {
  const inside = psnrAt(curve, kbps);
  if (inside !== null) return inside;
  if (curve.length === 1) return curve[0]!.psnr;
  const [a, b] = kbps < curve[0]!.kbps ? [curve[0]!, curve[1]!] : [curve[curve.length - 2]!, curve[curve.length - 1]!];
  const t = (Math.log(kbps) - Math.log(a.kbps)) / (Math.log(b.kbps) - Math.log(a.kbps));
  return a.psnr + t * (b.psnr - a.psnr);
}

type RungLike = Size & { kbps: number };

/** BD-rate of `predicted` against `measured`, both read off the trial curves; null when not comparable. */
export function ladderGap(predicted: readonly RungLike[], measured: readonly RungLike[], trials: readonly RatePoint[]): number | null {
  const curves = [...curvesBySize(trials).values()];
  if (curves.length === 0) return null;
  const read = (r: RungLike) => {
    const curve = curves.reduce((best, c) => (Math.abs(c[0]!.height - r.height) < Math.abs(best[0]!.height - r.height) ? c : best));
    return { kbps: r.kbps, psnr: curveAt(curve, r.kbps) };
  };
  return bdRate(measured.map(read), predicted.map(read))?.rate ?? null;
}
