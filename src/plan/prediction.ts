// How well the run's predictions held: for every encode that ran, the cost model's first estimate
// (its prediction for the slots the task got, before the run taught the scheduler anything) and
// the scheduler's estimate when it started the task (after learning from the title's finished
// encodes), each against what the task really took. Without a hidden truth (`vps plan` without
// --noise) tasks take exactly what the model predicts and every error is 0.
import type { PredictionMetrics } from "../model";
import { type SimState, TaskState } from "../sched/state";
import { percentile, round } from "./metrics";

interface Sample {
  title: number;
  predicted: number;
  estimate: number;
  actual: number;
}

function samples(state: SimState): Sample[] {
  const out: Sample[] = [];
  for (const t of state.tasks) {
    if (t.task.kind !== "encode" || t.state !== TaskState.Done || t.end <= t.start) continue;
    out.push({ title: t.titleIdx, predicted: t.predicted, estimate: t.estimate, actual: t.end - t.start });
  }
  return out;
}

/** Median and p90 of |estimate − actual| ÷ actual, as fractions (0.1 = 10%). */
function spread(pairs: readonly { est: number; actual: number }[]): { median: number; p90: number } {
  const errors = pairs.map((p) => Math.abs(p.est - p.actual) / p.actual).sort((a, b) => a - b);
  return { median: round(percentile(errors, 0.5), 4), p90: round(percentile(errors, 0.9), 4) };
}

export function predictionMetrics(state: SimState): PredictionMetrics {
  const list = samples(state);
  const byTitle = new Map<number, { est: number; actual: number }>();
  let predicted = 0;
  let actual = 0;
  for (const s of list) {
    predicted += s.predicted;
    actual += s.actual;
    const t = byTitle.get(s.title) ?? { est: 0, actual: 0 };
    t.est += s.predicted;
    t.actual += s.actual;
    byTitle.set(s.title, t);
  }
  return {
    encodes: list.length,
    firstEstimate: spread(list.map((s) => ({ est: s.predicted, actual: s.actual }))),
    atStart: spread(list.map((s) => ({ est: s.estimate, actual: s.actual }))),
    perTitle: spread([...byTitle.values()]),
    // `+ 0` turns a rounded -0 into 0.
    batchTotal: actual > 0 ? round((predicted - actual) / actual, 4) + 0 : 0,
  };
}
