// Calibration: fit the log-linear form to a whole history, cross-validate it holding out whole
// videos, and record both in a model document that `--cost-model` loads. Pure: rows in, document out.
import type { Accuracy } from "./cv";
import { crossValidate, type Fitter } from "./cv";
import { type Coefficients, FORM, fitLogLinear, linearPart, observedLogRate, type Priors, rowFeatures, workPerSecond } from "./fit";
import type { HistoryRow } from "./historyFields";
import { durationOn } from "./model";

export const MODEL_KIND = "vps-cost-model";

export const FORMULA =
  "ln(slot-seconds per second of video) = machine + codec[c] + preset[c/p] + sizeExponent[c]·ln(output pixels per frame ÷ 1080p) " +
  "+ rateExponent[c]·ln(output fps ÷ 30) + scaled[c]·[output size ≠ source size] + sourceExponent·ln(source pixels/s ÷ 1080p30) " +
  "+ complexity·(complexity − 0.5) + highBitDepth·[bitDepth > 8] + contentClass[k]; work = seconds of video × exp(…) × smearing[c]";

export interface TrainingSummary {
  source: string;
  runs: number;
  videos: number;
  /** Rows of the file that were rejected (reported when loading). */
  skippedRows: number;
  secondsOfVideo: number;
  measuredSeconds: number;
  /** Runs per codec, and per codec/preset. */
  codecs: Record<string, number>;
  presets: Record<string, number>;
  /** Runs per output size and rate (`1920x1080@30`). */
  outputs: Record<string, number>;
  /** Spread of ln(measured ÷ fitted) on the training runs: per run, and of each video's mean. */
  residualSigma: { run: number; video: number };
}

export interface CostModelDoc {
  schemaVersion: 1;
  kind: typeof MODEL_KIND;
  form: typeof FORM;
  formula: string;
  coefficients: Coefficients;
  prior: Priors;
  training: TrainingSummary;
  /** Held-out accuracy; null when the history has fewer than two videos. */
  crossValidation: Accuracy | null;
}

/** Predicted wall seconds of a history row: one-slot work through the speedup curve. */
export function predictSeconds(model: { coefficients: Coefficients; prior: Priors }, r: HistoryRow): number {
  const work = workPerSecond(model, rowFeatures(r)) * r.duration;
  return durationOn(work, r.slots, { name: "", width: r.width, height: r.height, bitrateKbps: 0 });
}

export const logLinearFitter: Fitter = (train) => {
  const model = fitLogLinear(train);
  return (r) => predictSeconds(model, r);
};

const count = (keys: string[]): Record<string, number> => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
};

function sd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
}

export function residualSigma(model: { coefficients: Coefficients; prior: Priors }, rows: readonly HistoryRow[]): TrainingSummary["residualSigma"] {
  const res = rows.map((r) => observedLogRate(r) - linearPart(model, rowFeatures(r)));
  const byVideo = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = byVideo.get(r.video);
    if (list) list.push(res[i]!);
    else byVideo.set(r.video, [res[i]!]);
  });
  const means = [...byVideo.values()].map((v) => v.reduce((s, x) => s + x, 0) / v.length);
  return { run: sd(res), video: sd(means) };
}

export function summarise(source: string, rows: readonly HistoryRow[], skippedRows: number, model: { coefficients: Coefficients; prior: Priors }): TrainingSummary {
  return {
    source,
    runs: rows.length,
    videos: new Set(rows.map((r) => r.video)).size,
    skippedRows,
    secondsOfVideo: rows.reduce((s, r) => s + r.duration, 0),
    measuredSeconds: rows.reduce((s, r) => s + r.seconds, 0),
    codecs: count(rows.map((r) => r.codec)),
    presets: count(rows.map((r) => `${r.codec}/${r.preset}`)),
    outputs: count(rows.map((r) => `${r.width}x${r.height}@${r.fps}`)),
    residualSigma: residualSigma(model, rows),
  };
}

export interface CalibrateOptions {
  source: string;
  folds: number;
  seed: number;
  skippedRows: number;
}

export function calibrate(rows: readonly HistoryRow[], options: CalibrateOptions): CostModelDoc {
  const model = fitLogLinear(rows);
  const cv = crossValidate(rows, options.folds, options.seed, logLinearFitter);
  return {
    schemaVersion: 1,
    kind: MODEL_KIND,
    form: FORM,
    formula: FORMULA,
    coefficients: model.coefficients,
    prior: model.prior,
    training: summarise(options.source, rows, options.skippedRows, model),
    crossValidation: cv?.accuracy ?? null,
  };
}
