// How far a predicted ladder falls short of the ladder a title's own trials give, judged on that
// title's measured rate–quality curves: both ladders' rungs are read off the trial curve of the
// nearest trial size at their bitrates, and the BD-rate of the predicted rungs against the
// measured ones is the gap (0 = as good; +0.2 = 20% more bits for the same PSNR-Y). This scores
// the model by what planning uses it for — which sizes and bitrates it picks — rather than by its
// PSNR error alone, and needs no encodes beyond the trials. Pure.
import { bdRate } from "./bdrate";
import { curvesBySize } from "./hull";
import type { RatePoint, Size } from "./types";

/** PSNR on one size's trial curve at `kbps`: linear in ln(rate), continued along the end segments. */
export function curveAt(curve: readonly RatePoint[], kbps: number): number {
  const c = [...curve].sort((a, b) => a.kbps - b.kbps);
  if (c.length === 1) return c[0]!.psnr;
  const found = c.findIndex((p) => p.kbps >= kbps);
  const i = found <= 0 ? (found === 0 ? 1 : c.length - 1) : found;
  const a = c[i - 1]!;
  const b = c[i]!;
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
