// `vps bench cost` part (a) on a synthetic history: the report's errors and its baseline, with
// part (b), the allocation report, carried alongside. (The real data run is in cli.test.ts; part
// (b) itself is tested in test/bench/allocation.test.ts.)
import { describe, expect, test } from "vitest";
import { allocationBench } from "../../src/bench/allocation";
import { accuracyOver, formatCostBench, meanRateFitter, runCostBench } from "../../src/bench/cost";
import { aBook, aContent, aTitle, aWorkload } from "../builders";
import { aRun } from "./helpers";

// Two codecs, twelve videos; HEVC is four times the work, each video has its own level.
const rows = Array.from({ length: 96 }, (_, i) => {
  const video = i % 12;
  const codec = i % 2 === 0 ? "h264" : "hevc";
  return aRun({ video: `v${video}`, codec, seconds: (codec === "hevc" ? 40 : 10) * (1 + 0.05 * ((video % 5) - 2)) });
});
const options = { data: "synthetic", folds: 4, seed: 1, repeat: 2 };

/** Part (b) on a tiny backlog: six short HD episodes on the default 16-slot pool. */
const titles = Array.from({ length: 6 }, (_, i) => aTitle({ id: `t${i}`, arrival: 60 * i, content: aContent({ duration: 240 }) }));
const allocation = { scenario: "tiny", ...allocationBench(aWorkload({ titles }), aBook(), 1, 0.231) };

describe("bench cost", () => {
  test("the baseline predicts each codec's mean rate", () => {
    const predict = meanRateFitter(rows);
    const rate = (rs: typeof rows) => rs.reduce((s, r) => s + r.seconds, 0) / rs.reduce((s, r) => s + r.duration, 0);
    expect(predict(aRun({ codec: "hevc", duration: 20 }))).toBeCloseTo(20 * rate(rows.filter((r) => r.codec === "hevc")), 9);
    // A codec the history lacks: the mean over every run.
    expect(predict(aRun({ codec: "av1", duration: 10 }))).toBeCloseTo(10 * rate(rows), 9);
  });

  test("pools the errors of every fold assignment", () => {
    const acc = accuracyOver(rows, meanRateFitter, options);
    expect(acc.batchTotal.batches).toBe(8);
    expect(acc.batchTotal.videosPerBatch).toBe(3);
    expect(acc.perVideo.median).toBeLessThan(0.11);
    expect(Object.keys(acc.perTaskByCodec)).toEqual(["h264", "hevc"]);
  });

  test("reports the model, the baseline, the bar, and part (b) as measured", () => {
    const r = runCostBench(rows, options, allocation);
    expect(r).toMatchObject({ bench: "cost", runs: 96, videos: 12, folds: 4, repeat: 2 });
    expect(r.accuracy.model.form).toBe("log-linear-v1");
    expect(r.accuracy.model.perTask.median).toBeLessThan(0.11);
    expect(r.accuracy.meets.batchTotalMedian).toBe(r.accuracy.model.batchTotal.median <= 0.1);
    // Part (b) is the allocation report as measured, with its scenario.
    expect(r.allocation).toEqual(allocation);
    expect(r.allocation).toMatchObject({ scenario: "tiny", titles: 6, truth: { seed: 1, titleSigma: 0.231 } });
    expect(r.allocation.fixed.map((x) => x.name)).toEqual(["fixed:1", "fixed:2", "fixed:4", "fixed:8", "fixed:16"]);
    expect(r.allocation.predictive.makespanHours).toBeGreaterThan(0);
    const text = formatCostBench(r);
    expect(text).toMatch(/^bench cost — synthetic: 96 runs of 12 videos; 4-fold by video × 2 fold assignments/);
    expect(text).not.toMatch(/not measured/);
    expect(text).toMatch(/\nallocation \(part b\) — scenario tiny, 6 titles, same hidden true costs for every run\n/);
    expect(text).toMatch(/^ {2}predictive {2}makespan \d+\.\d\d h, /m);
    expect(text).toContain(`the best fixed count ${allocation.bestFixed}`);
  });
});
