// Cross-validation holds out whole videos: no fold's model ever sees a run of a video it is
// judged on, every video is held out exactly once, and the errors are computed as documented.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { logLinearFitter } from "../../src/cost/calibrate";
import { accuracyOf, assignFolds, crossValidate, type Fitter } from "../../src/cost/cv";
import type { HistoryRow } from "../../src/cost/historyFields";
import { aRun } from "./helpers";

const runs = (n: number) => n * Number(process.env.VPS_PROPERTY_RUNS ?? 1);

function history(videos: number, perVideo: number): HistoryRow[] {
  return Array.from({ length: videos * perVideo }, (_, i) => aRun({ video: `v${i % videos}`, seconds: 10 + (i % 7) }));
}

describe("folds", () => {
  test("partition the videos: each held out once, never trained on in its own fold", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 12 }), fc.integer(), (n, k, seed) => {
        const videos = Array.from({ length: n }, (_, i) => `v${i}`);
        const folds = assignFolds([...videos, ...videos], k, seed);
        expect(folds).toHaveLength(Math.min(k, n));
        expect(folds.flatMap((f) => f.test).sort()).toEqual([...videos].sort());
        for (const f of folds) {
          expect(f.test.filter((v) => f.train.includes(v))).toEqual([]);
          expect([...f.test, ...f.train].sort()).toEqual([...videos].sort());
        }
      }),
      { numRuns: runs(100) },
    );
  });

  test("are the same for the same seed and change with it", () => {
    const videos = Array.from({ length: 20 }, (_, i) => `v${i}`);
    expect(assignFolds(videos, 5, 42)).toEqual(assignFolds(videos, 5, 42));
    expect(assignFolds(videos, 5, 42)).not.toEqual(assignFolds(videos, 5, 43));
  });
});

describe("crossValidate", () => {
  test("the fitter of each fold is given only runs of its training videos", () => {
    const rows = history(9, 4);
    const seen: string[][] = [];
    const spy: Fitter = (train) => {
      seen.push([...new Set(train.map((r) => r.video))].sort());
      return () => 1;
    };
    const cv = crossValidate(rows, 3, 1, spy)!;
    expect(seen).toHaveLength(3);
    cv.folds.forEach((f, i) => {
      expect(seen[i]).toEqual(f.train);
      expect(seen[i]!.filter((v) => f.test.includes(v))).toEqual([]);
    });
  });

  test("every run gets a prediction from a model that did not see its video", () => {
    const rows = history(6, 3);
    const cv = crossValidate(rows, 3, 5, (train) => {
      const trained = new Set(train.map((r) => r.video));
      return (r) => (trained.has(r.video) ? NaN : 12);
    })!;
    expect(cv.predicted.every((p) => p === 12)).toBe(true);
  });

  test("a history of one video cannot be cross-validated", () => {
    expect(crossValidate(history(1, 5), 5, 1, logLinearFitter)).toBeNull();
  });
});

describe("accuracy", () => {
  test("per task, per title, and per held-out batch, as fractions", () => {
    const rows = [aRun({ video: "a", seconds: 10 }), aRun({ video: "a", seconds: 10 }), aRun({ video: "b", seconds: 20 }), aRun({ video: "c", seconds: 40 })];
    const predicted = [11, 11, 15, 40];
    const folds = [
      { index: 0, test: ["a", "b"], train: ["c"] },
      { index: 1, test: ["c"], train: ["a", "b"] },
    ];
    const acc = accuracyOf(rows, predicted, folds, 9);
    expect(acc).toMatchObject({ folds: 2, seed: 9, videos: 3, runs: 4 });
    // Runs: 10%, 10%, 25%, 0%. Titles: a 10%, b 25%, c 0%. Batches: (37 − 40)/40, (40 − 40)/40.
    expect(acc.perTask.median).toBeCloseTo(0.1, 12);
    expect(acc.perTitle.median).toBeCloseTo(0.1, 12);
    expect(acc.batchTotal.signed).toEqual([-0.075, 0]);
    expect(acc.batchTotal.max).toBeCloseTo(0.075, 12);
  });
});
