// `vps bench recipes`: vps's per-title ladders against a fixed ladder, with real encodes of the
// same clips, scored by BD-rate (PSNR-Y).
//
// Baseline: the H.264 ladder of Apple's HLS Authoring Specification (nine rungs, 145 kb/s at
// 416x234 to 7800 kb/s at 1080p), rungs above the source's size dropped. Its sizes are 16:9; for
// another aspect a rung keeps its height and takes the source's aspect.
//
// Fairness. Per clip, both ladders are encoded from the same excerpt, with the same encoder,
// preset and settings (the recipe vps picks for the clip's class, preset overridden by --preset
// for both), the same rate control — two-pass ABR at each rung's bitrate, no VBV cap — and are
// measured the same way (scaled back to the source's size, PSNR-Y of the mean MSE). Only the
// rungs differ. Each ladder's measured rungs (actual bitrate, PSNR-Y) form its curve, and the
// BD-rate of vps's curve against the fixed one is taken over the PSNR range both cover
// (piecewise-cubic, src/ladder/bdrate.ts). vps's rungs come from its own constant-quality trials
// on the same excerpt; the trials' bits are not charged to either ladder.
//
// A third ladder shows what planning gets without trials: the rungs the rate–quality model
// predicts from the clip's measured content profile alone (`--ladders per-title` in vps plan),
// encoded and measured the same way (`model`, `modelBdRate`). Screen content is not modelled.
//
// A clip whose source is smaller than two fixed rungs (a QCIF phone clip: the lowest fixed rung
// is 416x234) has no fixed curve to compare with: it is reported, with the reason, and left out
// of the mean.
import { performance } from "node:perf_hooks";
import type { ToolRunner } from "../util/proc/runner";
import type { RecipeBook } from "../model";
import { bdRate } from "../ladder/bdrate";
import { DEFAULT_EXCERPT_SECONDS } from "../ladder/grid";
import { prepareTitle, trialTitle } from "../ladder/ladder";
import { predictLadder, type RqModelDoc } from "../ladder/modelFile";
import { DEFAULT_RULES, type RungRules } from "../ladder/rungs";
import { defaultSources, type TitleSource } from "../ladder/sources";
import { encodeRungs, type RungTarget, withWorkspace, type Workspace } from "../ladder/trials";
import type { RatePoint, Size } from "../ladder/types";
import { signedPct } from "../util/format";

export const APPLE_HLS_H264: readonly RungTarget[] = [
  { width: 416, height: 234, kbps: 145 },
  { width: 640, height: 360, kbps: 365 },
  { width: 768, height: 432, kbps: 730 },
  { width: 768, height: 432, kbps: 1100 },
  { width: 960, height: 540, kbps: 2000 },
  { width: 1280, height: 720, kbps: 3000 },
  { width: 1280, height: 720, kbps: 4500 },
  { width: 1920, height: 1080, kbps: 6000 },
  { width: 1920, height: 1080, kbps: 7800 },
];

/** The issue's bars: mean BD-rate at most −20% (target −30%), no clip worse than 0%. */
export const BARS = { mean: -0.2, meanTarget: -0.3, worstClip: 0 } as const;

const even = (x: number): number => Math.max(2, 2 * Math.round(x / 2));

/** The fixed ladder for a source: rungs no taller than it, each at the source's aspect. */
export function fixedLadderFor(source: Size): RungTarget[] {
  return APPLE_HLS_H264.filter((r) => r.height <= source.height).map((r) => ({ ...r, width: Math.min(source.width, even((r.height * source.width) / source.height)) }));
}

export interface MeasuredRung extends RatePoint {
  targetKbps: number;
}

export interface ClipResult {
  name: string;
  file: string;
  synthetic: boolean;
  contentClass: string;
  complexity: number;
  recipe: string;
  source: { width: number; height: number; fps: number };
  excerpt: { start: number; seconds: number; frames: number };
  vps: MeasuredRung[];
  fixed: MeasuredRung[];
  /** The model-predicted ladder, encoded; empty when the model does not speak for the clip. */
  model: MeasuredRung[];
  /** BD-rate (PSNR-Y) of vps's ladder against the fixed one; null when not comparable (see `note`). */
  bdRate: number | null;
  /** BD-rate of the model-predicted ladder against the fixed one; null when not comparable or not modelled. */
  modelBdRate: number | null;
  psnrRange: [number, number] | null;
  note: string | null;
}

export interface RecipesBenchOptions {
  book: RecipeBook;
  preset: string;
  excerptSeconds: number;
  rules: RungRules;
  /** The rate–quality model whose predicted ladder is encoded beside the others; null for none. */
  model: RqModelDoc | null;
  tools: ToolRunner;
  jobs: number;
  /** Called as each clip finishes (progress on stderr). */
  onClip?: (r: ClipResult) => void;
}

const DELIVERABLE = "h264-sdr";
const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function benchClip(ws: Workspace, src: TitleSource, o: RecipesBenchOptions): Promise<ClipResult> {
  const t = await prepareTitle(src.file, { deliverable: DELIVERABLE, book: o.book, preset: o.preset, tools: o.tools, cacheDir: null });
  const outcome = await trialTitle(ws, t, o.excerptSeconds, o.rules);
  const ref = outcome.reference;
  const fixedTargets = fixedLadderFor(ref);
  const base = {
    name: src.name,
    file: src.file,
    synthetic: src.synthetic,
    contentClass: t.analysis.classification.contentClass,
    complexity: t.analysis.profile.complexity,
    recipe: t.recipe.id,
    source: { width: ref.width, height: ref.height, fps: ref.fps },
    excerpt: { ...outcome.excerpt, frames: ref.frames },
  };
  if (fixedTargets.length < 2) {
    const note = `not comparable: ${fixedTargets.length} fixed rung(s) fit a ${ref.width}x${ref.height} source (the lowest is 416x234); BD-rate needs two`;
    return { ...base, vps: [], fixed: [], model: [], bdRate: null, modelBdRate: null, psnrRange: null, note };
  }
  const vps = await encodeRungs(ws, ref, t.encoder, outcome.rungs, "vps");
  const fixed = await encodeRungs(ws, ref, t.encoder, fixedTargets, "fixed");
  const predicted = o.model ? predictLadder(t.analysis.profile, t.recipe, o.model, o.rules) : null;
  const model = predicted && predicted.length > 0 ? await encodeRungs(ws, ref, t.encoder, predicted, "model") : [];
  const bd = bdRate(fixed, vps);
  const bdModel = model.length > 0 ? bdRate(fixed, model) : null;
  return {
    ...base,
    vps,
    fixed,
    model,
    bdRate: bd ? round(bd.rate) : null,
    modelBdRate: bdModel ? round(bdModel.rate) : null,
    psnrRange: bd ? [round(bd.psnrRange[0], 2), round(bd.psnrRange[1], 2)] : null,
    note: bd ? null : "not comparable: the two ladders' PSNR ranges do not overlap",
  };
}

const meanOf = (xs: readonly number[]): number | null => (xs.length > 0 ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

export function summarise(clips: readonly ClipResult[]) {
  const rates = clips.flatMap((c) => (c.bdRate === null ? [] : [c.bdRate]));
  const modelRates = clips.flatMap((c) => (c.modelBdRate === null ? [] : [c.modelBdRate]));
  const mean = meanOf(rates);
  const worst = rates.length > 0 ? Math.max(...rates) : null;
  return {
    clipsCompared: rates.length,
    clipsNotComparable: clips.length - rates.length,
    meanBdRate: mean,
    worstBdRate: worst,
    /** The model-predicted ladders (no trials): mean BD-rate against the fixed ladder, over the clips modelled. */
    model: { clips: modelRates.length, meanBdRate: meanOf(modelRates), worstBdRate: modelRates.length > 0 ? Math.max(...modelRates) : null },
    bars: BARS,
    meets: {
      mean: mean !== null && mean <= BARS.mean,
      meanTarget: mean !== null && mean <= BARS.meanTarget,
      worstClip: worst !== null && worst <= BARS.worstClip,
    },
  };
}

/** Runs the bench over `files`, or over the default set (shared clips + synthetic) when none are given. */
export async function runRecipesBench(files: readonly string[], media: string, o: RecipesBenchOptions) {
  const t0 = performance.now();
  const clips = await withWorkspace(o.tools, o.jobs, async (ws) => {
    const sources: TitleSource[] = files.length > 0 ? files.map((file) => ({ name: file, file, synthetic: false })) : await defaultSources(ws.dir, media, o.excerptSeconds, o.tools);
    const out: ClipResult[] = [];
    // One clip at a time, each in its own sub-workspace; encodes within a clip run side by side.
    for (const src of sources) {
      const r = await withWorkspace(o.tools, o.jobs, (clipWs) => benchClip(clipWs, src, o), false);
      o.onClip?.(r);
      out.push(r);
    }
    return out;
  });
  return {
    bench: "recipes",
    deliverable: DELIVERABLE,
    baseline: "Apple HLS Authoring Specification H.264 ladder (416x234@145k … 1920x1080@7800k), rungs above the source dropped",
    method: {
      rateControl: "both ladders: two-pass ABR at each rung's bitrate, no VBV cap, one encoder thread",
      encoder: "libx264 with the recipe for the clip's class (settings identical for both ladders)",
      preset: o.preset,
      excerptSeconds: o.excerptSeconds,
      quality: "PSNR-Y of the mean luma MSE, each rung scaled back (bicubic) to the source's size (SSIM not measured)",
      bdRate: "Bjøntegaard delta rate, piecewise cubic (PCHIP) interpolation of ln(rate) over PSNR-Y, on the PSNR range both ladders cover",
      rungRules: o.rules,
    },
    clips,
    summary: summarise(clips),
    runSeconds: round((performance.now() - t0) / 1000, 1),
  };
}

export type RecipesBenchReport = Awaited<ReturnType<typeof runRecipesBench>>;

export const DEFAULTS = { preset: "veryfast", excerptSeconds: DEFAULT_EXCERPT_SECONDS, rules: DEFAULT_RULES } as const;

function ladderText(rungs: readonly MeasuredRung[]): string {
  return [...rungs]
    .sort((a, b) => a.kbps - b.kbps)
    .map((r) => `${r.height}p@${Math.round(r.kbps)}k ${r.psnr.toFixed(1)}dB`)
    .join(", ");
}

export function formatRecipesBench(r: RecipesBenchReport): string {
  const lines = [`bench recipes — ${r.deliverable}, preset ${r.method.preset}, ${r.method.excerptSeconds} s excerpts; BD-rate (PSNR-Y) of vps's per-title ladder vs the fixed Apple HLS ladder`];
  for (const c of r.clips) {
    lines.push(`  ${c.name.padEnd(44)} ${c.contentClass.padEnd(12)} ${`${c.source.width}x${c.source.height}`.padEnd(9)} ${c.note ?? `BD-rate ${signedPct(c.bdRate)}`}`);
    if (c.vps.length > 0) lines.push(`      vps   ${ladderText(c.vps)}`, `      fixed ${ladderText(c.fixed)}`);
    if (c.model.length > 0) lines.push(`      model ${ladderText(c.model)} (BD-rate ${signedPct(c.modelBdRate)})`);
  }
  const s = r.summary;
  lines.push(
    `mean BD-rate ${signedPct(s.meanBdRate)} over ${s.clipsCompared} clips (${s.clipsNotComparable} not comparable); worst clip ${signedPct(s.worstBdRate)}`,
    `model-predicted ladders (no trials): mean BD-rate ${signedPct(s.model.meanBdRate)} over ${s.model.clips} clips, worst ${signedPct(s.model.worstBdRate)}`,
    `bars: mean ≤ ${signedPct(BARS.mean)} ${s.meets.mean ? "met" : "NOT met"}, target ${signedPct(BARS.meanTarget)} ${s.meets.meanTarget ? "met" : "not met"}, no clip worse than 0% ${s.meets.worstClip ? "met" : "NOT met"}; ${r.runSeconds} s`,
  );
  return lines.join("\n") + "\n";
}
