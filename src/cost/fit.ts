// Fitting encode cost to a history of observed runs. The form (log-linear-v1):
//
//   ln(work per second of video) = machine + codec[c] + preset[c/p]
//       + sizeExponent[c]·ln(output pixels per frame) + rateExponent[c]·ln(output frame rate) + scaled[c]·[size ≠ source size]
//       + sourceExponent·ln(source pixel rate) + complexity·(complexity − 0.5) + highBitDepth·[bitDepth > 8] + contentClass[k]
//
// with sizes and rates relative to 1080p30 and work in slot-seconds (a run on n slots is converted
// to one-slot work with the shipped speedup curve). Why this form:
//  - Encoder speed is multiplicative in its factors (a slower preset, more pixels, harder content
//    each multiply the time), so in logs it is linear and least squares has a closed form.
//  - Errors are relative: a 10 s chunk and a 10 h film should weigh alike, which squared log
//    errors do and squared seconds do not.
//  - The exponents are fitted, not assumed 1: encoders have per-frame overheads, so cost grows
//    more slowly than pixels; with no variation in the data the exponent stays at its prior.
//    Frame size and frame rate get separate exponents because a frame-rate conversion repeats or
//    drops frames (cheap to encode) where a larger frame is real work; in a plan, where output
//    and source rates are equal, both apply. A rescaled rendition also pays a scaler pass (`scaled`).
//  - It reduces to the shipped defaults: every coefficient has a prior taken from src/cost/model.ts
//    and a penalty pulling it there (ridge), so what the history cannot tell (a codec it never ran,
//    a resolution it never saw) stays at the shipped value, scaled by the fitted `machine` speed.
// Predictions are exp(linear part) × smearing (Duan's estimator, per codec): the exponential of a
// fitted log is a median; smearing makes it a mean, which is what a batch total adds up.
import type { ContentClass } from "../model";
import { InternalError } from "../util/errors";
import type { HistoryRow } from "./historyFields";
import type { EncodeSpec } from "./types";
import { ridge, type SparseRow } from "./linalg";
import { bitDepthFactor, CODEC_BASE, complexityFactor, DECODE_BASE, durationOn, presetFactor, REF_PIXEL_RATE } from "./model";

const REF_FRAME = 1920 * 1080;
const REF_FPS = REF_PIXEL_RATE / REF_FRAME;

export const FORM = "log-linear-v1";

export interface Coefficients {
  machine: number;
  codec: Record<string, number>;
  /** Keyed `codec/preset`. */
  preset: Record<string, number>;
  sizeExponent: Record<string, number>;
  rateExponent: Record<string, number>;
  scaled: Record<string, number>;
  sourceExponent: number;
  complexity: number;
  highBitDepth: number;
  contentClass: Record<string, number>;
  /** Per codec, and `*` over all runs (for codecs the history lacks). */
  smearing: Record<string, number>;
}

/** What a coefficient the history cannot inform falls back to: the shipped model's values. */
export interface Priors {
  codec: Record<string, number>;
  pixelExponent: number;
  sourceExponent: number;
  complexity: number;
  highBitDepth: number;
}

export interface LogLinearModel {
  coefficients: Coefficients;
  prior: Priors;
}

/** The features of one encode, as the form reads them. */
export interface RunFeatures {
  codec: string;
  preset: string;
  /** Output pixels per frame and frames per second, relative to 1080p and 30 fps. */
  outSize: number;
  outRate: number;
  scaled: boolean;
  /** Source pixels per second relative to 1080p30. */
  srcPixelRate: number;
  complexity: number;
  bitDepth: number;
  contentClass: ContentClass;
}

/** The shipped model's values as priors: elasticities at 1080p30 → 1080p30, H.264 medium. */
export function shippedPriors(): Priors {
  const h264 = CODEC_BASE.h264 * presetFactor("medium");
  const sourceExponent = DECODE_BASE / (DECODE_BASE + h264);
  return {
    codec: Object.fromEntries(Object.entries(CODEC_BASE).map(([c, base]) => [c, Math.log(base + DECODE_BASE)])),
    pixelExponent: 1 - sourceExponent,
    sourceExponent,
    complexity: Math.log(complexityFactor(1) / complexityFactor(0)),
    highBitDepth: Math.log(bitDepthFactor(10)),
  };
}

export function rowFeatures(r: HistoryRow): RunFeatures {
  return {
    codec: r.codec,
    preset: r.preset,
    outSize: (r.width * r.height) / REF_FRAME,
    outRate: r.fps / REF_FPS,
    scaled: r.width !== r.sourceWidth || r.height !== r.sourceHeight,
    srcPixelRate: (r.sourceWidth * r.sourceHeight * r.sourceFps) / REF_PIXEL_RATE,
    complexity: r.complexity,
    bitDepth: r.bitDepth,
    contentClass: r.contentClass,
  };
}

/** The features of an encode in a plan: output and source frame rates are the title's. */
export function specFeatures(spec: EncodeSpec): RunFeatures {
  const { content, rendition } = spec;
  return {
    codec: spec.codec,
    preset: spec.preset,
    outSize: (rendition.width * rendition.height) / REF_FRAME,
    outRate: content.fps / REF_FPS,
    scaled: rendition.width !== content.width || rendition.height !== content.height,
    srcPixelRate: (content.width * content.height * content.fps) / REF_PIXEL_RATE,
    complexity: content.complexity,
    bitDepth: spec.bitDepth,
    contentClass: content.contentClass,
  };
}

/** ln(one-slot work per second of video) a run measured: wall seconds undone by the speedup curve. */
export function observedLogRate(r: HistoryRow): number {
  const perSlotSecond = durationOn(1, r.slots, { name: "", width: r.width, height: r.height, bitrateKbps: 0 });
  return Math.log(r.seconds / perSlotSecond / r.duration);
}

// Penalties are counted in runs: a prior "worth" λ observations. Levels have almost none (any
// data moves them; `machine` takes what all codecs share); shapes need real variation to move.
const FREE = 1e-8;
const LEVEL = 0.01;
const SHAPE = 10;

interface Param {
  key: string;
  prior: number;
  penalty: number;
}

/** The parameters the rows can inform, in a fixed order (sorted keys: fits are reproducible). */
export function parameters(rows: readonly RunFeatures[], prior: Priors): Param[] {
  const uniq = (f: (r: RunFeatures) => string) => [...new Set(rows.map(f))].sort();
  const codecs = uniq((r) => r.codec);
  const params: Param[] = [{ key: "machine", prior: 0, penalty: FREE }];
  for (const c of codecs) {
    const p = prior.codec[c];
    params.push(p === undefined ? { key: `codec:${c}`, prior: 0, penalty: FREE } : { key: `codec:${c}`, prior: p, penalty: LEVEL });
  }
  for (const cp of uniq((r) => `${r.codec}/${r.preset}`)) {
    params.push({ key: `preset:${cp}`, prior: Math.log(presetFactor(cp.slice(cp.indexOf("/") + 1))), penalty: SHAPE });
  }
  for (const c of codecs) {
    params.push({ key: `size:${c}`, prior: prior.pixelExponent, penalty: SHAPE });
    params.push({ key: `rate:${c}`, prior: prior.pixelExponent, penalty: SHAPE });
    params.push({ key: `scaled:${c}`, prior: 0, penalty: SHAPE });
  }
  params.push({ key: "source", prior: prior.sourceExponent, penalty: SHAPE });
  params.push({ key: "complexity", prior: prior.complexity, penalty: SHAPE });
  params.push({ key: "bitdepth", prior: prior.highBitDepth, penalty: SHAPE });
  for (const k of uniq((r) => r.contentClass).filter((k) => k !== "generic")) params.push({ key: `class:${k}`, prior: 0, penalty: SHAPE });
  return params;
}

function designRow(f: RunFeatures, index: ReadonlyMap<string, number>): [number, number][] {
  const at = (key: string): number => {
    const i = index.get(key);
    if (i === undefined) throw new InternalError(`cost fit: no parameter ${key}`);
    return i;
  };
  const x: [number, number][] = [
    [at("machine"), 1],
    [at(`codec:${f.codec}`), 1],
    [at(`preset:${f.codec}/${f.preset}`), 1],
    [at(`size:${f.codec}`), Math.log(f.outSize)],
    [at(`rate:${f.codec}`), Math.log(f.outRate)],
    [at(`scaled:${f.codec}`), f.scaled ? 1 : 0],
    [at("source"), Math.log(f.srcPixelRate)],
    [at("complexity"), f.complexity - 0.5],
    [at("bitdepth"), f.bitDepth > 8 ? 1 : 0],
  ];
  if (f.contentClass !== "generic") x.push([at(`class:${f.contentClass}`), 1]);
  return x;
}

function toCoefficients(params: Param[], theta: number[]): Omit<Coefficients, "smearing"> {
  const c: Omit<Coefficients, "smearing"> = {
    machine: 0,
    codec: {},
    preset: {},
    sizeExponent: {},
    rateExponent: {},
    scaled: {},
    sourceExponent: 0,
    complexity: 0,
    highBitDepth: 0,
    contentClass: {},
  };
  params.forEach((p, i) => {
    const v = theta[i]!;
    const [kind, name = ""] = p.key.split(/:(.*)/s);
    if (kind === "machine") c.machine = v;
    else if (kind === "codec") c.codec[name] = v;
    else if (kind === "preset") c.preset[name] = v;
    else if (kind === "size") c.sizeExponent[name] = v;
    else if (kind === "rate") c.rateExponent[name] = v;
    else if (kind === "scaled") c.scaled[name] = v;
    else if (kind === "source") c.sourceExponent = v;
    else if (kind === "complexity") c.complexity = v;
    else if (kind === "bitdepth") c.highBitDepth = v;
    else c.contentClass[name] = v;
  });
  return c;
}

/** ln(work per second) before smearing: fitted coefficients, else the priors, else the fitted codecs' mean. */
export function linearPart(m: LogLinearModel, f: RunFeatures): number {
  const c = m.coefficients;
  const fitted = Object.values(c.codec);
  const codec = c.codec[f.codec] ?? m.prior.codec[f.codec] ?? (fitted.length > 0 ? fitted.reduce((s, v) => s + v, 0) / fitted.length : 0);
  return (
    c.machine +
    codec +
    (c.preset[`${f.codec}/${f.preset}`] ?? Math.log(presetFactor(f.preset))) +
    (c.sizeExponent[f.codec] ?? m.prior.pixelExponent) * Math.log(f.outSize) +
    (c.rateExponent[f.codec] ?? m.prior.pixelExponent) * Math.log(f.outRate) +
    (f.scaled ? (c.scaled[f.codec] ?? 0) : 0) +
    c.sourceExponent * Math.log(f.srcPixelRate) +
    c.complexity * (f.complexity - 0.5) +
    (f.bitDepth > 8 ? c.highBitDepth : 0) +
    (c.contentClass[f.contentClass] ?? 0)
  );
}

/** Predicted one-slot work (slot-seconds) per second of video. */
export function workPerSecond(m: LogLinearModel, f: RunFeatures): number {
  const s = m.coefficients.smearing;
  return Math.exp(linearPart(m, f)) * (s[f.codec] ?? s["*"] ?? 1);
}

function smearing(rows: readonly HistoryRow[], residuals: readonly number[], weights: readonly number[]): Record<string, number> {
  const sum = new Map<string, { n: number; s: number }>();
  rows.forEach((r, i) => {
    for (const key of [r.codec, "*"]) {
      const acc = sum.get(key) ?? { n: 0, s: 0 };
      acc.n += weights[i]!;
      acc.s += weights[i]! * Math.exp(residuals[i]!);
      sum.set(key, acc);
    }
  });
  return Object.fromEntries([...sum].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, { n, s }]) => [k, s / n]));
}

/**
 * Each video weighs the same in total, however many runs it has: a title's cost level is one draw
 * from the population of titles, so a history whose longest video has 180 segments must not fit
 * that one video. (Weights average 1, so penalties keep their meaning in runs.)
 */
export function videoWeights(rows: readonly HistoryRow[]): number[] {
  const perVideo = new Map<string, number>();
  for (const r of rows) perVideo.set(r.video, (perVideo.get(r.video) ?? 0) + 1);
  const mean = rows.length / perVideo.size;
  return rows.map((r) => mean / perVideo.get(r.video)!);
}

export function fitLogLinear(rows: readonly HistoryRow[], prior: Priors = shippedPriors()): LogLinearModel {
  if (rows.length === 0) throw new InternalError("cost fit: no rows");
  const features = rows.map(rowFeatures);
  const params = parameters(features, prior);
  const index = new Map(params.map((p, i) => [p.key, i]));
  const weights = videoWeights(rows);
  const design: SparseRow[] = features.map((f, i) => ({ x: designRow(f, index), y: observedLogRate(rows[i]!), w: weights[i]! }));
  const theta = ridge(
    design,
    params.map((p) => p.penalty),
    params.map((p) => p.prior),
  );
  const partial: LogLinearModel = { coefficients: { ...toCoefficients(params, theta), smearing: {} }, prior };
  const residuals = design.map((d, i) => d.y - linearPart(partial, features[i]!));
  return { coefficients: { ...partial.coefficients, smearing: smearing(rows, residuals, weights) }, prior };
}
