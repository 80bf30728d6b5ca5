// Picking a ladder's rungs from a title's rate–quality hull. Pure.
//
// The rule, in order:
//   1. Range. The top is the hull's highest rate, lowered to the recipe's cap (the bitrate of the
//      recipe's largest rung that fits the source) and to the rate where the hull reaches the
//      quality ceiling (beyond ~48 dB PSNR-Y 8-bit video is visually lossless: more bits buy
//      nothing). The bottom is the cheapest rate at which the hull reaches the quality floor
//      (~30 dB PSNR-Y: below it pictures are visibly broken), kept between `minBottomKbps` and
//      `bottomKbps` — an easy title gets a cheaper bottom rung at the same floor quality, a hard
//      one still gets a rung a weak mobile link can hold — and never below the hull's lowest
//      rate. A bottom above the top collapses the ladder to one rung.
//   2. Count and spacing. `ratio` spacing (the default): as many rungs as fit with consecutive
//      bitrates at least `minRatio` apart, at most `maxRungs` (the recipe's rung count), evenly
//      spaced in log-rate from bottom to top — so the step is the same ratio everywhere and only
//      grows past `minRatio` when the count cap binds. `quality` spacing instead places rungs
//      every `stepDb` of PSNR along the hull (more rungs where quality changes fast).
//   3. Size. Each rung takes the trial size whose own rate–quality curve is best at the rung's
//      bitrate (interpolated in log-rate between that size's trials; sizes whose trials do not
//      reach that bitrate are not guessed at). The size is never above the source, because no
//      trial is.
import { convexHull, curvesBySize, psnrAt, rateFor } from "./hull";
import type { RatePoint, Rung } from "./types";

export type Spacing = { kind: "ratio"; minRatio: number } | { kind: "quality"; stepDb: number };

export interface RungRules {
  spacing: Spacing;
  /** The lowest rung's bitrate at most, kb/s (unless the hull starts higher)… */
  bottomKbps: number;
  /** …and at least, kb/s. */
  minBottomKbps: number;
  /** PSNR-Y the lowest rung aims at, dB. */
  qualityFloorDb: number;
  /** PSNR-Y above which more bits are wasted, dB. */
  qualityCeilingDb: number;
}

export interface RungCaps {
  /** Highest bitrate of any rung, kb/s (the recipe's). */
  topKbps: number;
  /** Most rungs (the recipe's count). */
  maxRungs: number;
}

export const DEFAULT_RULES: RungRules = {
  spacing: { kind: "ratio", minRatio: 1.5 },
  bottomKbps: 150,
  minBottomKbps: 75,
  qualityFloorDb: 30,
  qualityCeilingDb: 48,
};

/** Bitrates rounded to three significant digits, whole kb/s at least: 1234.5 → 1230, 147.2 → 147, 99.6 → 100. */
export function roundKbps(kbps: number): number {
  const digits = Math.max(0, Math.floor(Math.log10(kbps)) - 2);
  return Math.round(kbps / 10 ** digits) * 10 ** digits;
}

/** The bitrate range the ladder spans on this hull: [bottom, top], bottom ≤ top. */
export function ladderRange(hull: readonly RatePoint[], caps: RungCaps, rules: RungRules): { bottom: number; top: number } | null {
  const first = hull[0];
  const last = hull[hull.length - 1];
  if (!first || !last) return null;
  let top = Math.min(last.kbps, caps.topKbps);
  const ceiling = rateFor(hull, rules.qualityCeilingDb);
  if (ceiling !== null) top = Math.min(top, ceiling);
  // A hull that starts above the ceiling (a tiny or very easy title) needs no more than its cheapest point.
  else if (first.psnr >= rules.qualityCeilingDb) top = first.kbps;
  top = Math.max(top, first.kbps);
  // Where the hull crosses the floor; a hull entirely above it is easy (the lowest bound), entirely below it hard (the highest).
  const atFloor = rateFor(hull, rules.qualityFloorDb) ?? (first.psnr >= rules.qualityFloorDb ? rules.minBottomKbps : rules.bottomKbps);
  const wanted = Math.min(rules.bottomKbps, Math.max(rules.minBottomKbps, atFloor));
  const bottom = Math.min(top, Math.max(first.kbps, wanted));
  return { bottom, top };
}

/** Target bitrates, ascending, for the range under the spacing rule and the count cap. */
export function targetRates(hull: readonly RatePoint[], range: { bottom: number; top: number }, maxRungs: number, spacing: Spacing): number[] {
  const { bottom, top } = range;
  if (maxRungs <= 1 || top <= bottom * (1 + 1e-9)) return [top];
  if (spacing.kind === "ratio") {
    const n = Math.min(maxRungs, 1 + Math.floor(Math.log(top / bottom) / Math.log(spacing.minRatio) + 1e-9));
    if (n <= 1) return [top];
    return Array.from({ length: n }, (_, i) => Math.exp(Math.log(bottom) + (i / (n - 1)) * Math.log(top / bottom)));
  }
  const lo = psnrAt(hull, bottom)!;
  const hi = psnrAt(hull, top)!;
  const n = Math.min(maxRungs, 1 + Math.floor((hi - lo) / spacing.stepDb + 1e-9));
  if (n <= 1) return [top];
  return Array.from({ length: n }, (_, i) => (i === 0 ? bottom : i === n - 1 ? top : (rateFor(hull, lo + (i / (n - 1)) * (hi - lo)) ?? top)));
}

interface Placed {
  width: number;
  height: number;
  psnr: number;
}

/** The size whose own curve is best at `kbps`; the nearest hull point's size when no curve reaches it. */
function placeRung(curves: Map<string, RatePoint[]>, hull: readonly RatePoint[], kbps: number): Placed {
  let best: Placed | null = null;
  for (const curve of curves.values()) {
    const psnr = psnrAt(curve, kbps);
    if (psnr !== null && (best === null || psnr > best.psnr)) best = { width: curve[0]!.width, height: curve[0]!.height, psnr };
  }
  if (best) return best;
  const near = [...hull].sort((a, b) => Math.abs(Math.log(a.kbps / kbps)) - Math.abs(Math.log(b.kbps / kbps)))[0]!;
  return { width: near.width, height: near.height, psnr: near.psnr };
}

/** Rung names by the short side, as recipes name them (1080x1920 is 1080p): `720p`, or `720p-1200k` when two rungs share a size. */
function nameRungs(rungs: Omit<Rung, "name">[]): Rung[] {
  const lines = (r: Omit<Rung, "name">): number => Math.min(r.width, r.height);
  const count = new Map<number, number>();
  for (const r of rungs) count.set(lines(r), (count.get(lines(r)) ?? 0) + 1);
  return rungs.map((r) => ({ name: count.get(lines(r))! > 1 ? `${lines(r)}p-${r.kbps}k` : `${lines(r)}p`, ...r }));
}

/** The ladder for a title's trial points (measured or predicted), highest rung first. */
export function pickRungs(points: readonly RatePoint[], caps: RungCaps, rules: RungRules = DEFAULT_RULES): Rung[] {
  const hull = convexHull(points);
  const range = ladderRange(hull, caps, rules);
  if (!range) return [];
  const curves = curvesBySize(points);
  const rungs = targetRates(hull, range, caps.maxRungs, rules.spacing).map((target) => {
    const kbps = roundKbps(target);
    const placed = placeRung(curves, hull, target);
    return { width: placed.width, height: placed.height, kbps, psnr: Math.round(placed.psnr * 100) / 100 };
  });
  // Rounding can merge two targets on a very narrow range: keep one rung per bitrate.
  const unique = rungs.filter((r, i) => rungs.findIndex((x) => x.kbps === r.kbps) === i);
  return nameRungs(unique.sort((a, b) => b.kbps - a.kbps));
}
