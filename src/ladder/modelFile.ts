// The rate–quality model document: the constants `vps ladder --fit` derived, what they were
// fitted on, and how well they predict titles they were not fitted on. The shipped document is
// recipes/rq-model.json (bundled into the CLI); planning (`--ladders per-title`, perTitle.ts)
// and `vps ladder`/`vps bench recipes` (`predictLadder`) predict ladders with it.
import shipped from "../../recipes/rq-model.json";
import type { ContentClass, ContentProfile, Recipe } from "../model";
import { InputError } from "../util/errors";
import { describeValue, formatPath, posOf, type YamlSource } from "../load/yaml";
import { type DetailFit, FORMULA, ladderFromModel, PARAM_NAMES, type RqParams, UNFITTED_CLASSES } from "./model";
import { DEFAULT_RULES, type RungRules } from "./rungs";
import type { Rung } from "./types";

export const RQ_MODEL_KIND = "vps-rq-model";

export interface FittedTitle {
  title: string;
  contentClass: string;
  complexity: number;
  /** Spatial detail (SI ÷ SI_FULL), 0..1. */
  detail: number;
  width: number;
  height: number;
  fps: number;
  points: number;
  /** Error on this title's points of the model fitted to all titles, dB. */
  rmseDb: number;
  /** Error on this title's points of the model fitted without it, dB. */
  heldOutRmseDb: number | null;
  /** BD-rate of the ladder the model fitted without this title predicts for it against the ladder its trials give, both read off its trial curves (gap.ts). */
  heldOutLadderGap: number | null;
}

export interface RqModelDoc {
  schemaVersion: 2;
  kind: typeof RQ_MODEL_KIND;
  formula: string;
  /** The deliverable, encoder and preset whose trials were fitted: the model speaks for them only. */
  deliverable: string;
  encoder: string;
  preset: string;
  params: RqParams;
  /** Detail of a title known by its complexity only: least squares over the fit's titles. */
  detail: DetailFit;
  fit: {
    /** The command that re-derives this document. */
    command: string;
    excerptSeconds: number;
    points: number;
    titles: FittedTitle[];
    /** RMSE of PSNR-Y over every trial point, model fitted to all of them, dB. */
    rmseDb: number;
    /** RMSE of PSNR-Y over every trial point, each title predicted by the model fitted without it, dB. */
    heldOutRmseDb: number | null;
    /** The titles' held-out ladder gaps: mean, median, worst (+0.2 = the predicted ladder needs 20% more bits than the measured one). */
    heldOutLadderGap: { mean: number; median: number; worst: number } | null;
    iterations: number;
    /** Every trial point fitted, so the fit can be checked (or another form tried) without encoding again. */
    data: FitDatum[];
  };
}

/** One trial point as fitted: the title, the rendition's size and rate, the source's height and frame rate, the PSNR-Y measured. */
export interface FitDatum {
  title: string;
  complexity: number;
  detail: number;
  width: number;
  height: number;
  sourceHeight: number;
  fps: number;
  kbps: number;
  psnr: number;
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** What is wrong with a parsed document, each at its path: `["params", "a"]`. */
function rqProblems(doc: unknown): { path: (string | number)[]; message: string }[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return [{ path: [], message: `expected a rate–quality model document (a JSON object), found ${describeValue(doc)}` }];
  const d = doc as Partial<RqModelDoc>;
  const problems: { path: (string | number)[]; message: string }[] = [];
  const found = (v: unknown) => describeValue(v);
  if (d.kind !== RQ_MODEL_KIND) problems.push({ path: ["kind"], message: `expected "${RQ_MODEL_KIND}", found ${found(d.kind)}` });
  if (d.schemaVersion !== 2) problems.push({ path: ["schemaVersion"], message: `expected 2, found ${found(d.schemaVersion)}${d.schemaVersion === 1 ? " (a model of vps before detail was a term: fit it again with the command in its fit.command)" : ""}` });
  for (const k of ["deliverable", "encoder", "preset"] as const) if (typeof d[k] !== "string") problems.push({ path: [k], message: `expected a string, found ${found(d[k])}` });
  const params = d.params as Record<string, unknown> | undefined;
  const detail = d.detail as Record<string, unknown> | undefined;
  for (const n of PARAM_NAMES) if (!isNum(params?.[n])) problems.push({ path: ["params", n], message: `expected a number, found ${found(params?.[n])}` });
  for (const n of ["intercept", "slope"] as const) if (!isNum(detail?.[n])) problems.push({ path: ["detail", n], message: `expected a number, found ${found(detail?.[n])}` });
  return problems;
}

/** Checks a parsed document; `where` names it in messages, `source` (a file's text) places each problem at its line and column. */
export function checkRqModel(doc: unknown, where: string, source: (() => YamlSource) | null = null): RqModelDoc {
  const problems = rqProblems(doc);
  if (problems.length === 0) return doc as RqModelDoc;
  const error = new InputError(`${where}: invalid rate–quality model`, source ? problems.map((p) => ({ pos: posOf(source(), p.path), message: p.message })) : []);
  throw source ? error : error.withLines(problems.map((p) => `${where}: ${formatPath(p.path)}: ${p.message}`));
}

/** The model shipped with vps (recipes/rq-model.json, produced by the command in its `fit.command`). */
export function shippedRqModel(): RqModelDoc {
  return checkRqModel(shipped, "recipes/rq-model.json");
}

export { FORMULA };

/**
 * The per-title ladder predicted for a title from its content profile (size, frame rate,
 * complexity) and the recipe serving it — no file, no encode. Null where the model's constants
 * say nothing: a recipe of another encoder, an HDR recipe (the trials measure 8-bit SDR PSNR-Y;
 * PQ signals are not on that scale), content of a class it was not fitted on. The recipe's own
 * ladder stands then. Planning, `vps ladder` and the bench all ask here.
 */
export function predictLadder(
  content: Pick<ContentProfile, "width" | "height" | "fps" | "complexity"> & { contentClass?: ContentClass },
  recipe: Pick<Recipe, "ladder" | "encoder" | "hdr">,
  model: RqModelDoc = shippedRqModel(),
  rules: RungRules = DEFAULT_RULES,
): Rung[] | null {
  if (recipe.encoder !== model.encoder || recipe.hdr) return null;
  if (content.contentClass !== undefined && UNFITTED_CLASSES.includes(content.contentClass)) return null;
  return ladderFromModel(content, recipe, model, rules);
}
