// Cross-validation that holds out whole videos: runs of one video share its content, so a model
// that saw some of a video's runs would be judged on what it memorised, not on what it predicts
// for a title it has never seen — which is what a planner does with every new upload.
import { stream } from "../util/rng";
import type { HistoryRow } from "./historyFields";
import { quantile } from "./linalg";

export interface Fold {
  index: number;
  /** Videos held out: the model of this fold never sees any of their runs. */
  test: string[];
  train: string[];
}

/** Predicts seconds for rows, from a model fitted on other rows. */
export type Fitter = (train: readonly HistoryRow[]) => (row: HistoryRow) => number;

export interface Quantiles {
  median: number;
  p90: number;
}

export interface BatchErrors {
  /** Signed error of each held-out batch's total: (Σ predicted − Σ measured) / Σ measured. */
  signed: number[];
  /** Of the absolute errors. */
  median: number;
  p90: number;
  max: number;
}

export interface Accuracy {
  folds: number;
  seed: number;
  videos: number;
  runs: number;
  /** Absolute percentage error of each run's predicted seconds (as a fraction: 0.1 = 10%). */
  perTask: Quantiles;
  /** Of each video's total: the error a planner makes on one whole title. */
  perTitle: Quantiles;
  /**
   * Each fold's held-out videos are one batch: the error of its predicted total. (The total over
   * all folds together is no test: k-fold predictions of a mean add up to the overall total by
   * construction, so that error is ≈0 whatever the model.)
   */
  batchTotal: BatchErrors;
}

export function batchErrors(signed: number[]): BatchErrors {
  const abs = signed.map(Math.abs);
  return { signed, median: quantile(abs, 0.5), p90: quantile(abs, 0.9), max: Math.max(...abs) };
}

/** Shuffles the videos with a seeded stream, then deals them round-robin into k folds. */
export function assignFolds(videos: readonly string[], k: number, seed: number): Fold[] {
  const ids = [...new Set(videos)].sort();
  const rng = stream(seed, "cost-cv-folds");
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const n = Math.max(1, Math.min(k, ids.length));
  return Array.from({ length: n }, (_, index) => {
    const test = ids.filter((_, i) => i % n === index).sort();
    const held = new Set(test);
    return { index, test, train: ids.filter((v) => !held.has(v)).sort() };
  });
}

const ape = (predicted: number, actual: number): number => Math.abs(predicted - actual) / actual;

function sums(rows: readonly HistoryRow[], predicted: readonly number[]): { p: number; a: number } {
  return rows.reduce((s, r, i) => ({ p: s.p + predicted[i]!, a: s.a + r.seconds }), { p: 0, a: 0 });
}

/** Predicted (p) and actual (a) seconds summed per video (`predicted[i]` is for `rows[i]`). */
export function totalsByVideo(rows: readonly HistoryRow[], predicted: readonly number[]): Map<string, { p: number; a: number }> {
  const byVideo = new Map<string, { p: number; a: number }>();
  rows.forEach((r, i) => {
    const v = byVideo.get(r.video) ?? { p: 0, a: 0 };
    v.p += predicted[i]!;
    v.a += r.seconds;
    byVideo.set(r.video, v);
  });
  return byVideo;
}

/** Accuracy of out-of-fold predictions (`predicted[i]` is for `rows[i]`). */
export function accuracyOf(rows: readonly HistoryRow[], predicted: readonly number[], folds: readonly Fold[], seed: number): Accuracy {
  const byVideo = totalsByVideo(rows, predicted);
  const signed = folds.map((f) => {
    const held = new Set(f.test);
    const idx = rows.map((r, i) => (held.has(r.video) ? i : -1)).filter((i) => i >= 0);
    const s = sums(
      idx.map((i) => rows[i]!),
      idx.map((i) => predicted[i]!),
    );
    return (s.p - s.a) / s.a;
  });
  const tasks = rows.map((r, i) => ape(predicted[i]!, r.seconds));
  const titles = [...byVideo.values()].map((v) => ape(v.p, v.a));
  return {
    folds: folds.length,
    seed,
    videos: byVideo.size,
    runs: rows.length,
    perTask: { median: quantile(tasks, 0.5), p90: quantile(tasks, 0.9) },
    perTitle: { median: quantile(titles, 0.5), p90: quantile(titles, 0.9) },
    batchTotal: batchErrors(signed),
  };
}

export interface CrossValidation {
  folds: Fold[];
  /** Out-of-fold predicted seconds, one per row, in row order. */
  predicted: number[];
  accuracy: Accuracy;
}

/** k-fold by video; null when there are fewer than two videos (nothing to hold out). */
export function crossValidate(rows: readonly HistoryRow[], k: number, seed: number, fit: Fitter): CrossValidation | null {
  const folds = assignFolds(
    rows.map((r) => r.video),
    k,
    seed,
  );
  if (folds.length < 2) return null;
  const predicted = new Array<number>(rows.length).fill(NaN);
  for (const fold of folds) {
    const held = new Set(fold.test);
    const predict = fit(rows.filter((r) => !held.has(r.video)));
    rows.forEach((r, i) => {
      if (held.has(r.video)) predicted[i] = predict(r);
    });
  }
  return { folds, predicted, accuracy: accuracyOf(rows, predicted, folds, seed) };
}
