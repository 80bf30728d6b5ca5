// A per-title ladder from real trial encodes: analyse the file (src/content: its class picks the
// recipe, its complexity feeds the model), cut a short excerpt, trial-encode it over the grid,
// build the hull, pick the rungs. The maths is in grid/hull/rungs; the processes in trials.ts.
import { resolve } from "node:path";
import { analyseFile } from "../content/analyse";
import { inputUrl } from "../content/probe";
import type { Analysis } from "../content/types";
import type { ToolRunner } from "../util/proc/runner";
import type { Recipe, RecipeBook } from "../model";
import { InputError } from "../util/errors";
import type { EncoderSpec } from "./ffmpegArgs";
import { crfLevels, type Excerpt, excerptOf, trialGrid } from "./grid";
import { convexHull } from "./hull";
import { recipeCaps } from "./model";
import { predictLadder, type RqModelDoc } from "./modelFile";
import { pickRungs, type RungCaps, type RungRules } from "./rungs";
import { cutExcerpt, type Reference, runTrials, withWorkspace, type Workspace } from "./trials";
import type { Rung, TrialPoint } from "./types";

export interface LadderOptions {
  deliverable: string;
  book: RecipeBook;
  /** Overrides the recipe's preset (the bench uses one fast preset for everything). */
  preset: string | null;
  excerptSeconds: number;
  rules: RungRules;
  tools: ToolRunner;
  /** Analysis cache (src/content); null for none. */
  cacheDir: string | null;
  jobs: number;
  /** The model whose prediction is shown beside the measured ladder; null for none. */
  model: RqModelDoc | null;
}

/** The recipe a deliverable has for a content class (its generic one when the class has none). */
export function recipeForClass(book: RecipeBook, deliverable: string, contentClass: string): Recipe {
  const candidates = book.recipes.filter((r) => r.deliverable === deliverable);
  const recipe = candidates.find((r) => r.contentClass === contentClass) ?? candidates.find((r) => r.contentClass === "generic");
  if (!recipe) {
    const known = [...new Set(book.recipes.map((r) => r.deliverable))].sort().join(", ");
    throw new InputError(`unknown deliverable "${deliverable}": the recipe library has ${known}`);
  }
  return recipe;
}

export const encoderOf = (recipe: Recipe, preset: string | null): EncoderSpec => ({ encoder: recipe.encoder, preset: preset ?? recipe.preset, settings: recipe.settings, bitDepth: recipe.bitDepth });

export interface PreparedTitle {
  file: string;
  input: string;
  analysis: Analysis;
  recipe: Recipe;
  encoder: EncoderSpec;
}

/** Analyses the file and picks its recipe; refuses what trials cannot serve before any encode. */
export async function prepareTitle(file: string, o: Pick<LadderOptions, "deliverable" | "book" | "preset" | "tools" | "cacheDir">): Promise<PreparedTitle> {
  recipeForClass(o.book, o.deliverable, "generic");
  const analysis = await analyseFile(file, { cacheDir: o.cacheDir, tools: o.tools });
  const recipe = recipeForClass(o.book, o.deliverable, analysis.classification.contentClass);
  if (recipe.hdr && analysis.profile.hdr === "sdr") throw new InputError(`${file}: ${o.deliverable} is an HDR deliverable and the source is SDR`);
  crfLevels(recipe.encoder);
  return { file, input: inputUrl(resolve(file)), analysis, recipe, encoder: encoderOf(recipe, o.preset) };
}

export interface TrialOutcome {
  excerpt: Excerpt;
  reference: Reference;
  caps: RungCaps;
  trials: TrialPoint[];
  hull: TrialPoint[];
  rungs: Rung[];
}

/** Cuts the excerpt, runs the trial grid and picks rungs, in a workspace the caller owns. */
export async function trialTitle(ws: Workspace, t: PreparedTitle, excerptSeconds: number, rules: RungRules): Promise<TrialOutcome> {
  const p = t.analysis.probe;
  const excerpt = excerptOf(p.duration, excerptSeconds);
  const source = { width: p.width, height: p.height, fps: p.fps, interlaced: p.interlaced };
  const reference = await cutExcerpt(ws, t.file, t.input, source, excerpt, t.recipe.bitDepth);
  const trials = await runTrials(ws, reference, t.encoder, trialGrid(source, t.encoder.encoder));
  const caps = recipeCaps(t.recipe, source);
  return { excerpt, reference, caps, trials, hull: convexHull(trials), rungs: pickRungs(trials, caps, rules) };
}

export interface TitleLadder {
  file: string;
  deliverable: string;
  recipe: string;
  contentClass: string;
  complexity: number;
  source: { width: number; height: number; fps: number };
  excerpt: Excerpt & { frames: number };
  encoder: { encoder: string; preset: string; crf: readonly number[] };
  caps: RungCaps;
  rules: RungRules;
  rungs: Rung[];
  /** The ladder the rate–quality model predicts from the profile alone (no encodes), for comparison. */
  predicted: Rung[] | null;
  hull: TrialPoint[];
  trials: TrialPoint[];
}

export async function ladderForFile(file: string, o: LadderOptions): Promise<TitleLadder> {
  const t = await prepareTitle(file, o);
  const outcome = await withWorkspace(o.tools, o.jobs, (ws) => trialTitle(ws, t, o.excerptSeconds, o.rules));
  const profile = t.analysis.profile;
  return {
    file,
    deliverable: o.deliverable,
    recipe: t.recipe.id,
    contentClass: t.analysis.classification.contentClass,
    complexity: profile.complexity,
    source: { width: profile.width, height: profile.height, fps: profile.fps },
    excerpt: { ...outcome.excerpt, frames: outcome.reference.frames },
    encoder: { encoder: t.encoder.encoder, preset: t.encoder.preset, crf: crfLevels(t.encoder.encoder) },
    caps: outcome.caps,
    rules: o.rules,
    rungs: outcome.rungs,
    predicted: o.model ? predictLadder(profile, t.recipe, o.model, o.rules) : null,
    hull: outcome.hull,
    trials: outcome.trials,
  };
}
