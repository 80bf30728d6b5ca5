// `vps ladder --fit`: trial-encode a set of titles, fit the rate–quality model to every trial
// point, cross-validate it by title, and assemble the model document. The encodes go through
// ladder.ts/trials.ts; the fit itself (fit.ts) is pure.
import type { ToolRunner } from "../util/proc/runner";
import type { Recipe, RecipeBook } from "../model";
import { detailOf } from "../content/classify";
import { quantile } from "../cost/linalg";
import { crossValidateByTitle, fitDetail, type FitPoint, fitRqModel, type HeldOut, heldOutDetail } from "./fit";
import { ladderGap } from "./gap";
import { prepareTitle, trialTitle } from "./ladder";
import { bitsPerPixel, FORMULA, ladderFromModel, recipeCaps, UNFITTED_CLASSES } from "./model";
import { type FitDatum, type FittedTitle, RQ_MODEL_KIND, type RqModelDoc } from "./modelFile";
import { predictPsnr } from "./model";
import { DEFAULT_RULES, pickRungs } from "./rungs";
import type { TitleSource } from "./sources";
import { withWorkspace } from "./trials";
import type { RatePoint } from "./types";

export interface FitOptions {
  deliverable: string;
  book: RecipeBook;
  preset: string | null;
  excerptSeconds: number;
  tools: ToolRunner;
  cacheDir: string | null;
  jobs: number;
  /** The command line recorded in the document. */
  command: string;
  onTitle?: (name: string, points: number) => void;
}

interface TitleTrials {
  info: Omit<FittedTitle, "rmseDb" | "heldOutRmseDb" | "heldOutLadderGap">;
  points: FitPoint[];
  data: FitDatum[];
  /** Every trial point, above FIT_MAX_PSNR too: the title's own ladder is picked from them all. */
  trials: RatePoint[];
  /** The recipe's ladder, whose caps bound the title's ladders. */
  ladder: Recipe["ladder"];
  encoder: string;
  preset: string;
}

/**
 * Trial points above this are not fitted: ladders stop at the 48 dB quality ceiling (rungs.ts),
 * and x264's PSNR flattens out up there (a still picture reaches 55 dB at any rate), which would
 * bend the model's slope in the range ladders do use (held-out error 5.58 dB with them, 5.04
 * without; 4.64 with screen content left out as well; all before a4).
 */
export const FIT_MAX_PSNR = 50;

async function trialsOf(src: TitleSource, o: FitOptions): Promise<TitleTrials | null> {
  const t = await prepareTitle(src.file, o);
  if (UNFITTED_CLASSES.includes(t.analysis.classification.contentClass)) {
    o.onTitle?.(src.name, 0);
    return null;
  }
  const outcome = await withWorkspace(o.tools, o.jobs, (ws) => trialTitle(ws, t, o.excerptSeconds, DEFAULT_RULES));
  const ref = outcome.reference;
  const complexity = t.analysis.profile.complexity;
  const detail = detailOf(t.analysis.features);
  const data = outcome.trials.filter((p) => p.psnr <= FIT_MAX_PSNR).map((p) => ({ title: src.name, complexity, detail, width: p.width, height: p.height, sourceHeight: ref.height, fps: ref.fps, kbps: p.kbps, psnr: p.psnr }));
  const points = data.map(fitPointOf);
  o.onTitle?.(src.name, points.length);
  return {
    info: { title: src.name, contentClass: t.analysis.classification.contentClass, complexity, detail, width: ref.width, height: ref.height, fps: ref.fps, points: points.length },
    points,
    data,
    trials: outcome.trials,
    ladder: t.recipe.ladder,
    encoder: t.encoder.encoder,
    preset: t.encoder.preset,
  };
}

/** A stored trial point as the model sees it. */
export const fitPointOf = (d: FitDatum): FitPoint => ({
  title: d.title,
  complexity: d.complexity,
  detail: d.detail,
  scale: d.height / d.sourceHeight,
  bpp: bitsPerPixel(d.kbps, d, d.fps),
  psnr: d.psnr,
});

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Each title's held-out ladder gap: the ladder the model fitted without it predicts, against the one its trials give. */
function ladderGaps(titles: readonly TitleTrials[], heldOut: readonly HeldOut[]): Map<string, number | null> {
  return new Map(
    titles.map((t) => {
      const h = heldOut.find((x) => x.title === t.info.title);
      if (!h) return [t.info.title, null];
      const content = { width: t.info.width, height: t.info.height, fps: t.info.fps, complexity: t.info.complexity };
      const measured = pickRungs(t.trials, recipeCaps({ ladder: t.ladder }, content));
      return [t.info.title, ladderGap(ladderFromModel(content, { ladder: t.ladder }, h.model), measured, t.trials)];
    }),
  );
}

function gapSummary(gaps: readonly (number | null)[]): RqModelDoc["fit"]["heldOutLadderGap"] {
  const xs = gaps.flatMap((g) => (g === null ? [] : [g])).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  return { mean: round(xs.reduce((s, x) => s + x, 0) / xs.length, 4), median: round(quantile(xs, 0.5), 4), worst: round(xs[xs.length - 1]!, 4) };
}

/** Fits the model to the trials of `sources`; one title at a time (its encodes run side by side). */
export async function fitFromSources(sources: readonly TitleSource[], o: FitOptions): Promise<RqModelDoc> {
  const titles: TitleTrials[] = [];
  for (const src of sources) {
    const t = await trialsOf(src, o);
    if (t) titles.push(t);
  }
  const points = titles.flatMap((t) => t.points);
  const fit = fitRqModel(points);
  const detail = fitDetail(points);
  const cv = crossValidateByTitle(points, heldOutDetail);
  const held = new Map(cv?.perTitle.map((h) => [h.title, h.rmseDb]) ?? []);
  const gaps = ladderGaps(titles, cv?.perTitle ?? []);
  const rmseOf = (pts: FitPoint[]) => Math.sqrt(pts.reduce((s, x) => s + (x.psnr - predictPsnr(fit.params, x)) ** 2, 0) / pts.length);
  const presets = [...new Set(titles.map((t) => t.preset))].sort();
  return {
    schemaVersion: 2,
    kind: RQ_MODEL_KIND,
    formula: FORMULA,
    deliverable: o.deliverable,
    encoder: titles[0]?.encoder ?? "",
    preset: presets.join(", "),
    params: Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, round(v, 6)])) as RqModelDoc["params"],
    detail: { intercept: round(detail.intercept, 6), slope: round(detail.slope, 6) },
    fit: {
      command: o.command,
      excerptSeconds: o.excerptSeconds,
      points: points.length,
      titles: titles.map((t) => {
        const gap = gaps.get(t.info.title) ?? null;
        const heldOutRmseDb = held.has(t.info.title) ? round(held.get(t.info.title)!, 3) : null;
        return { ...t.info, rmseDb: round(rmseOf(t.points), 3), heldOutRmseDb, heldOutLadderGap: gap === null ? null : round(gap, 4) };
      }),
      rmseDb: round(fit.rmseDb, 3),
      heldOutRmseDb: cv ? round(cv.rmseDb, 3) : null,
      heldOutLadderGap: gapSummary([...gaps.values()]),
      iterations: fit.iterations,
      data: titles.flatMap((t) => t.data),
    },
  };
}
