// The rate–quality model: PSNR-Y of a rendition predicted from its size, its bitrate and the
// title's content, so a title without a file (or not yet analysed) still gets a per-title ladder.
// Pure; the constants come from `vps ladder --fit` (fit.ts, fitRun.ts, rq-model.json).
//
// Form. Distortion (MSE against the source, at the source's size) is the sum of what the encoder
// loses and what the down-and-up scaling loses:
//
//   MSE_code  = exp(a0 + a1·c + a2·L + a4·L² + a3·ln s)     L = ln(bpp / 0.1), bpp = bitrate ÷ (width·height·fps) of the rendition
//   MSE_scale = exp(b0 + b1·d) · ln(1/s)^b2                 s = rendition height ÷ source height (0 at s = 1)
//   PSNR-Y    = 10·log10(255² ÷ (MSE_code + MSE_scale))     c = complexity 0..1, d = detail 0..1
//
// Coding error falls as a power of bits per pixel — steeper the fewer bits each pixel has (a4:
// starved encodes fall apart faster, so at a low bitrate a smaller size, with more bits per pixel,
// loses less; without a4 the held-out PSNR error is the same, 4.64 dB against 4.69, but the
// held-out ladder gap (gap.ts) is +41.4% in the mean against +28.8%: the model kept rungs at full
// size where trials move to smaller ones) — and grows with complexity — detail in motion,
// and grain (src/content/classify.ts) — and, a3, with the detail each pixel of a smaller rendition
// has to carry. Scaling error is the picture detail above the smaller size's Nyquist frequency:
// it grows with spatial detail d (SI) and, for the 1/f² spectrum of natural pictures, like
// ln(1/s) (b2 lets the data bend that). The sum is what makes a smaller size win at low rates
// (fewer pixels, more bits each) and lose at high ones (its scaling loss is a floor).
//
// Why two content numbers. Scaling loss is lost spatial detail, and with complexity alone in both
// terms session 2's fit (7 titles) made it *fall* with complexity (b1 = −14: a Mandelbrot zoom is
// complex and smooth, a screen board simple and sharp) and put every rung of a 1080p title at
// complexity 0.5 at 270p. On today's 13 titles complexity alone does nearly as well as detail
// (4.74 dB held out against 4.64, both without a4), so detail earns its place by the physics. A
// workload title has a complexity only, so its detail is predicted from it by a line fitted over
// the fit's titles (`detail` in the model document).
import type { ContentClass, ContentProfile, Recipe } from "../model";
import { MODEL_SCALES, trialSizes } from "./grid";
import { pickRungs, type RungRules, DEFAULT_RULES } from "./rungs";
import type { RatePoint, Rung, Size } from "./types";

/**
 * Screen content is not fitted: slides and dashboards are nearly free to code at any size and
 * their sharp edges make every downscale costly, a rate–quality shape of their own that one
 * complexity number cannot share with camera content (with the two screen titles the fit's
 * held-out error was 5.58 dB against 4.73 without, and detail fell with complexity; before a4). Planning
 * keeps the screen recipe's ladder.
 */
export const UNFITTED_CLASSES: readonly ContentClass[] = ["screen"];

export const PARAM_NAMES = ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type RqParams = Record<ParamName, number>;

export const FORMULA =
  "PSNR-Y = 10·log10(255² / (exp(a0 + a1·c + a2·L + a4·L² + a3·ln(s)) + exp(b0 + b1·d)·ln(1/s)^b2)); " +
  "L = ln(bpp/0.1), bpp = kbps·1000 / (width·height·fps) of the rendition, s = rendition height / source height, c = complexity 0..1, " +
  "d = detail 0..1 (SI ÷ 120; for a title without one, detail.intercept + detail.slope·c)";

/** Detail (0..1) of a title known only by its complexity: a line fitted over the fit's titles. */
export interface DetailFit {
  intercept: number;
  slope: number;
}

/** What planning needs of a model: its constants and how detail follows complexity. */
export interface RqModel {
  params: RqParams;
  detail: DetailFit;
}

export const detailFor = (fit: DetailFit, complexity: number): number => Math.min(1, Math.max(0, fit.intercept + fit.slope * complexity));

/** What the model needs to know about one rendition of one title. */
export interface RqInput {
  complexity: number;
  /** Spatial detail 0..1 (SI ÷ SI_FULL). */
  detail: number;
  /** Rendition height ÷ source height, 0 < s ≤ 1. */
  scale: number;
  /** Bits per pixel of the rendition. */
  bpp: number;
}

const PEAK_SQUARED = 255 * 255;

export function predictPsnr(p: RqParams, x: RqInput): number {
  const s = Math.min(1, x.scale);
  const l = Math.log(x.bpp / 0.1);
  const code = Math.exp(p.a0 + p.a1 * x.complexity + p.a2 * l + p.a4 * l * l + p.a3 * Math.log(s));
  const lost = Math.log(1 / s);
  const scaling = lost > 1e-12 ? Math.exp(p.b0 + p.b1 * x.detail) * lost ** p.b2 : 0;
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

/** Predicted rate–quality points of a title at every trial size and two smaller (MODEL_SCALES), from LOWEST_KBPS up to `topKbps`. */
export function predictPoints(m: RqModel, content: Pick<ContentProfile, "width" | "height" | "fps" | "complexity">, topKbps: number): RatePoint[] {
  const steps = Math.max(1, Math.ceil(Math.log2(Math.max(topKbps, LOWEST_KBPS * 2) / LOWEST_KBPS) * STEPS_PER_DOUBLING));
  const rates = Array.from({ length: steps + 1 }, (_, i) => LOWEST_KBPS * (Math.max(topKbps, LOWEST_KBPS * 2) / LOWEST_KBPS) ** (i / steps));
  const detail = detailFor(m.detail, content.complexity);
  return trialSizes(content, MODEL_SCALES).flatMap((size) =>
    rates.map((kbps) => ({
      ...size,
      kbps,
      psnr: predictPsnr(m.params, { complexity: content.complexity, detail, scale: size.height / content.height, bpp: bitsPerPixel(kbps, size, content.fps) }),
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
  model: RqModel,
  rules: RungRules = DEFAULT_RULES,
): Rung[] {
  const caps = recipeCaps(recipe, content);
  return pickRungs(predictPoints(model, content, caps.topKbps), caps, rules);
}
