// Per-title ladders in planning (`--ladders per-title`): before expansion, every title's ladder for
// a deliverable is predicted by the rate–quality model from its content profile (size, frame rate,
// complexity: measured for titles with a source, written or generated otherwise) and attached to
// the title, so the encodes, their costs and their argv are those of the per-title rungs. Pure.
//
// A model speaks for the encoder its trials used, on SDR camera content: deliverables encoded
// with another encoder, HDR ones and screen content keep the recipe's ladder (and are counted as
// kept). The summary says what the change is predicted to buy, with the same model on both sides:
// the BD-rate of the per-title ladder against the recipe's (negative = fewer bits for the same
// PSNR-Y) and the ratio of their total bitrates. It is the model's estimate: `vps bench recipes`
// encodes the model's ladders for real.
import type { LadderSummary, Recipe, RecipeBook, Rendition, Title, Workload } from "../model";
import { percentile, round } from "../plan/metrics";
import { ladderFor, recipeFor } from "../recipes/select";
import { bdRate } from "./bdrate";
import { bitsPerPixel, detailFor, predictPsnr } from "./model";
import { predictLadder, type RqModelDoc } from "./modelFile";
import type { RatePoint } from "./types";

/** PSNR-Y the model predicts for a rung of the recipe's ladder on this title. */
function predictedPoint(model: RqModelDoc, title: Title, r: Rendition): RatePoint {
  const c = title.content;
  const x = { complexity: c.complexity, detail: detailFor(model.detail, c.complexity), scale: r.height / c.height, bpp: bitsPerPixel(r.bitrateKbps, r, c.fps) };
  const psnr = predictPsnr(model.params, x);
  return { width: r.width, height: r.height, kbps: r.bitrateKbps, psnr, ssim: null };
}

/** The model's ladder for one title and recipe as renditions; null where the model does not speak (predictLadder) or predicts no rung. */
function predictedLadder(model: RqModelDoc, title: Title, recipe: Recipe): Rendition[] | null {
  const rungs = predictLadder(title.content, recipe, model);
  if (!rungs || rungs.length === 0) return null;
  return rungs.map((r) => ({ name: r.name, width: r.width, height: r.height, bitrateKbps: r.kbps, psnr: r.psnr }));
}


interface Pair {
  bd: number | null;
  perTitleKbps: number;
  recipeKbps: number;
}

function ladderOf(title: Title, deliverable: string, book: RecipeBook, models: readonly RqModelDoc[]): { ladder: Rendition[]; pair: Pair } | null {
  const recipe = recipeFor(book, deliverable, title);
  // One model per encoder (the CLI refuses two); whether it speaks for this title is predictLadder's call.
  const model = models.find((m) => m.encoder === recipe.encoder);
  if (!model) return null;
  const ladder = predictedLadder(model, title, recipe);
  if (!ladder) return null;
  const fixed = ladderFor(recipe, title);
  const bd = bdRate(
    fixed.map((r) => predictedPoint(model, title, r)),
    ladder.map((r) => ({ kbps: r.bitrateKbps, psnr: r.psnr! })),
  );
  const sum = (l: Rendition[]) => l.reduce((s, r) => s + r.bitrateKbps, 0);
  return { ladder, pair: { bd: bd?.rate ?? null, perTitleKbps: sum(ladder), recipeKbps: sum(fixed) } };
}

/** The workload with a predicted ladder on every title × deliverable a model covers, and what that changed. */
export function withPerTitleLadders(workload: Workload, book: RecipeBook, models: readonly RqModelDoc[]): { workload: Workload; summary: LadderSummary } {
  const pairs: Pair[] = [];
  let kept = 0;
  const titles = workload.titles.map((title) => {
    const ladders: Record<string, Rendition[]> = {};
    for (const deliverable of title.deliverables) {
      const got = ladderOf(title, deliverable, book, models);
      if (!got) kept++;
      else {
        ladders[deliverable] = got.ladder;
        pairs.push(got.pair);
      }
    }
    return Object.keys(ladders).length > 0 ? { ...title, ladders } : title;
  });
  const bds = pairs.flatMap((p) => (p.bd === null ? [] : [p.bd])).sort((a, b) => a - b);
  const recipeKbps = pairs.reduce((s, p) => s + p.recipeKbps, 0);
  return {
    workload: { ...workload, titles },
    summary: {
      encoders: [...new Set(models.map((m) => m.encoder))].sort(),
      predicted: pairs.length,
      kept,
      bdRate: bds.length === 0 ? null : { median: round(percentile(bds, 0.5), 4), p10: round(percentile(bds, 0.1), 4), p90: round(percentile(bds, 0.9), 4) },
      bitrateRatio: recipeKbps > 0 ? round(pairs.reduce((s, p) => s + p.perTitleKbps, 0) / recipeKbps, 4) : null,
    },
  };
}
