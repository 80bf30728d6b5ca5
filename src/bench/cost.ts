// `vps bench cost`, part (a): how well the calibrated cost model predicts real transcode times it
// has not seen. Fit on some videos of shared/data/transcode-times, predict the others (k-fold by
// video, repeated over several fold assignments), and report per-task, per-video and per-batch
// errors against a baseline fitted on the same folds: each codec's mean seconds per second of video.
// Part (b), allocation on the backlog scenario, is src/bench/allocation.ts; the report carries both.
import { logLinearFitter } from "../cost/calibrate";
import { batchErrors, type BatchErrors, crossValidate, type Fitter, type Quantiles, totalsByVideo } from "../cost/cv";
import { FORM } from "../cost/fit";
import type { HistoryRow } from "../cost/historyFields";
import { quantile } from "../cost/linalg";
import { refitShipped, sameFit } from "../cost/refit";
import { SHIPPED_FIT, type ShippedFit } from "../cost/shipped";
import { type AllocationReport, formatAllocationBench } from "./allocation";
import { pct } from "../util/format";

export interface CostBenchOptions {
  data: string;
  folds: number;
  seed: number;
  repeat: number;
}

export interface ModelAccuracy {
  perTask: Quantiles;
  perVideo: Quantiles;
  batchTotal: BatchErrors & { batches: number; videosPerBatch: number };
  /** Median per-task error by codec. */
  perTaskByCodec: Record<string, number>;
}

/** The baseline: no features but the codec — its mean rate over the training runs. */
export const meanRateFitter: Fitter = (train) => {
  const sum = new Map<string, { s: number; d: number }>();
  for (const r of train) {
    for (const key of [r.codec, "*"]) {
      const acc = sum.get(key) ?? { s: 0, d: 0 };
      acc.s += r.seconds;
      acc.d += r.duration;
      sum.set(key, acc);
    }
  }
  return (r) => {
    const acc = sum.get(r.codec) ?? sum.get("*")!;
    return (acc.s / acc.d) * r.duration;
  };
};

const ape = (p: number, a: number): number => Math.abs(p - a) / a;
const q = (xs: number[]): Quantiles => ({ median: quantile(xs, 0.5), p90: quantile(xs, 0.9) });

function perVideoErrors(rows: readonly HistoryRow[], predicted: readonly number[]): number[] {
  return [...totalsByVideo(rows, predicted).values()].map((v) => ape(v.p, v.a));
}

/** Cross-validates `fit` once per fold assignment (seeds seed, seed+1, …) and pools the errors. */
export function accuracyOver(rows: readonly HistoryRow[], fit: Fitter, o: CostBenchOptions): ModelAccuracy {
  const tasks: number[] = [];
  const videos: number[] = [];
  const batches: number[] = [];
  const byCodec = new Map<string, number[]>();
  let folds = 0;
  for (let r = 0; r < o.repeat; r++) {
    const cv = crossValidate(rows, o.folds, o.seed + r, fit);
    if (!cv) continue;
    folds = cv.folds.length;
    rows.forEach((row, i) => {
      const e = ape(cv.predicted[i]!, row.seconds);
      tasks.push(e);
      const list = byCodec.get(row.codec);
      if (list) list.push(e);
      else byCodec.set(row.codec, [e]);
    });
    videos.push(...perVideoErrors(rows, cv.predicted));
    batches.push(...cv.accuracy.batchTotal.signed);
  }
  const nVideos = new Set(rows.map((r) => r.video)).size;
  return {
    perTask: q(tasks),
    perVideo: q(videos),
    batchTotal: { ...batchErrors(batches), batches: batches.length, videosPerBatch: folds > 0 ? nVideos / folds : 0 },
    perTaskByCodec: Object.fromEntries([...byCodec].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, e]) => [c, quantile(e, 0.5)])),
  };
}

/** The bar: batch-total error on held-out videos at most 10%, target 3%. */
export const BARS = { batchTotal: 0.1, batchTotalTarget: 0.03 } as const;

export function runCostBench(rows: readonly HistoryRow[], o: CostBenchOptions, allocation: AllocationReport & { scenario: string }) {
  const model = accuracyOver(rows, logLinearFitter, o);
  const baseline = accuracyOver(rows, meanRateFitter, o);
  const fitted: ShippedFit = refitShipped(rows);
  return {
    bench: "cost",
    data: o.data,
    runs: rows.length,
    videos: new Set(rows.map((r) => r.video)).size,
    folds: o.folds,
    repeat: o.repeat,
    seed: o.seed,
    accuracy: {
      model: { form: FORM, ...model },
      baseline: { form: "per-codec mean seconds per second of video", ...baseline },
      bars: BARS,
      meets: {
        batchTotalMedian: model.batchTotal.median <= BARS.batchTotal,
        batchTotalP90: model.batchTotal.p90 <= BARS.batchTotal,
        batchTotalMax: model.batchTotal.max <= BARS.batchTotal,
        targetMedian: model.batchTotal.median <= BARS.batchTotalTarget,
      },
    },
    shippedDefaults: { fitted, shipped: SHIPPED_FIT, inStep: sameFit(fitted, SHIPPED_FIT) },
    allocation,
  };
}

export type CostBenchReport = ReturnType<typeof runCostBench>;

/** The report for people: one line per model, the bar, and what is not measured yet. */
export function formatCostBench(r: CostBenchReport): string {
  const line = (name: string, m: ModelAccuracy) =>
    `${name.padEnd(9)} per task ${pct(m.perTask.median)} (p90 ${pct(m.perTask.p90)}), per video ${pct(m.perVideo.median)} (p90 ${pct(m.perVideo.p90)}), ` +
    `batch total ${pct(m.batchTotal.median)} (p90 ${pct(m.batchTotal.p90)}, max ${pct(m.batchTotal.max)})`;
  const a = r.accuracy;
  return (
    `bench cost — ${r.data}: ${r.runs} runs of ${r.videos} videos; ${r.folds}-fold by video × ${r.repeat} fold assignments ` +
    `(batches of ${a.model.batchTotal.videosPerBatch} held-out videos); median absolute error (p90)\n` +
    `${line("model", a.model)}\n${line("baseline", a.baseline)}\n` +
    `bar: batch total ≤ ${pct(a.bars.batchTotal)} (target ${pct(a.bars.batchTotalTarget)}): median ${a.meets.batchTotalMedian ? "meets" : "misses"}, ` +
    `p90 ${a.meets.batchTotalP90 ? "meets" : "misses"}, worst batch ${a.meets.batchTotalMax ? "meets" : "misses"}\n` +
    `shipped defaults ${r.shippedDefaults.inStep ? "match" : "DRIFT from"} the fit of this data\n` +
    formatAllocationBench(r.allocation, r.allocation.scenario)
  );
}
