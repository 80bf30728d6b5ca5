// The rate–quality model: PSNR-Y of a rendition predicted from its size, its bitrate and the
// title's content complexity, so a title without a file (or not yet analysed) still gets a
// per-title ladder. Pure; the constants come from `vps ladder --fit` (fit.ts, rq-model.json).
//
// Form. Distortion (MSE against the source, at the source's size) is the sum of what the encoder
// loses and what the down-and-up scaling loses:
//
//   MSE_code  = exp(a0 + a1·c + a2·ln(bpp / 0.1) + a3·ln s) bpp = bitrate ÷ (width·height·fps) of the rendition
//   MSE_scale = exp(b0 + b1·c) · ln(1/s)^b2                 s = rendition height ÷ source height (0 at s = 1)
//   PSNR-Y    = 10·log10(255² ÷ (MSE_code + MSE_scale))     c = content complexity 0..1
//
// Coding error falls as a power of bits per pixel and grows with complexity (and, a3, with the
// detail each pixel of a smaller rendition has to carry); scaling error is the
// picture detail above the smaller size's Nyquist frequency, which for the 1/f² spectrum of natural
// pictures grows like ln(1/s) (b2 lets the data bend that). The sum is what makes a smaller size
// win at low rates (fewer pixels, more bits each) and lose at high ones (its scaling loss is a floor).
//
// Without a3 (six constants) the same 135 trial points gave 3.19 dB RMSE fitted and 5.43 dB on
// held-out titles; with it 2.75 and 3.95. A slope that varies with complexity (a2 + a·c) did not
// generalise (5.95 held out), nor did PSNR linear in ln bpp, ln s and c (5.91). What is left is
// mostly per title: one number (SI·TI complexity) cannot tell film grain from clean detail.
import type { ContentProfile, Recipe } from "../model";
import { trialSizes } from "./grid";
import { pickRungs, type RungRules, DEFAULT_RULES } from "./rungs";
import type { RatePoint, Rung, Size } from "./types";

export const PARAM_NAMES = ["a0", "a1", "a2", "a3", "b0", "b1", "b2"] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type RqParams = Record<ParamName, number>;

export const FORMULA =
  "PSNR-Y = 10·log10(255² / (exp(a0 + a1·c + a2·ln(bpp/0.1) + a3·ln(s)) + exp(b0 + b1·c)·ln(1/s)^b2)); " +
  "bpp = kbps·1000 / (width·height·fps) of the rendition, s = rendition height / source height, c = complexity 0..1";

/** What the model needs to know about one rendition of one title. */
export interface RqInput {
  complexity: number;
  /** Rendition height ÷ source height, 0 < s ≤ 1. */
  scale: number;
  /** Bits per pixel of the rendition. */
  bpp: number;
}

const PEAK_SQUARED = 255 * 255;

export function predictPsnr(p: RqParams, x: RqInput): number {
  const s = Math.min(1, x.scale);
  const code = Math.exp(p.a0 + p.a1 * x.complexity + p.a2 * Math.log(x.bpp / 0.1) + p.a3 * Math.log(s));
  const lost = Math.log(1 / s);
  const scaling = lost > 1e-12 ? Math.exp(p.b0 + p.b1 * x.complexity) * lost ** p.b2 : 0;
  return 10 * Math.log10(PEAK_SQUARED / (code + scaling));
}

export function bitsPerPixel(kbps: number, size: Size, fps: number): number {
  return (kbps * 1000) / (size.width * size.height * fps);
}

/** The caps a recipe puts on a title's ladder: the bitrate of its largest rung that fits the source, and its rung count. */
export function recipeCaps(recipe: Pick<Recipe, "ladder">, source: Size): { topKbps: number; maxRungs: number } {
  // Short sides, as in src/recipes/select.ts, so a portrait upload keeps its rungs.
  const shortSide = Math.min(source.width, source.height);
  const fits = recipe.ladder.filter((r) => Math.min(r.width, r.height) <= shortSide);
  const pool = fits.length > 0 ? fits : recipe.ladder.slice(-1);
  return { topKbps: Math.max(0, ...pool.map((r) => r.bitrateKbps)), maxRungs: recipe.ladder.length };
}

/** Predicted points are laid this densely in log-rate (16 per doubling of the bitrate). */
const STEPS_PER_DOUBLING = 16;
/** The lowest rate predicted: below any useful rung. */
const LOWEST_KBPS = 50;

/** Predicted rate–quality points of a title at every trial size, from LOWEST_KBPS up to `topKbps`. */
export function predictPoints(p: RqParams, content: Pick<ContentProfile, "width" | "height" | "fps" | "complexity">, topKbps: number): RatePoint[] {
  const steps = Math.max(1, Math.ceil(Math.log2(Math.max(topKbps, LOWEST_KBPS * 2) / LOWEST_KBPS) * STEPS_PER_DOUBLING));
  const rates = Array.from({ length: steps + 1 }, (_, i) => LOWEST_KBPS * (Math.max(topKbps, LOWEST_KBPS * 2) / LOWEST_KBPS) ** (i / steps));
  return trialSizes(content).flatMap((size) =>
    rates.map((kbps) => ({
      ...size,
      kbps,
      psnr: predictPsnr(p, { complexity: content.complexity, scale: size.height / content.height, bpp: bitsPerPixel(kbps, size, content.fps) }),
      ssim: null,
    })),
  );
}

/**
 * The per-title ladder the model predicts for a title without trial encodes: the same sizes,
 * hull and rung rules as `vps ladder` on a file, on predicted instead of measured points.
 */
export function ladderFromModel(
  content: Pick<ContentProfile, "width" | "height" | "fps" | "complexity">,
  recipe: Pick<Recipe, "ladder">,
  params: RqParams,
  rules: RungRules = DEFAULT_RULES,
): Rung[] {
  const caps = recipeCaps(recipe, content);
  return pickRungs(predictPoints(params, content, caps.topKbps), caps, rules);
}
