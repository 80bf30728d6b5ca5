// The cost model is injectable: the shipped one behind the interface predicts what the functions
// always did, a fitted one changes encode work (and analysis) and leaves the rest to the shipped one.
import { describe, expect, test } from "vitest";
import { calibrate } from "../../src/cost/calibrate";
import * as shipped from "../../src/cost/model";
import { defaultCostModel } from "../../src/cost/model";
import { fittedCostModel } from "../../src/cost/modelFile";
import type { CostModel } from "../../src/cost/types";
import { expandTitle } from "../../src/pipeline/expand";
import { buildPlan, expandAll } from "../../src/plan/build";
import { aBook, aContent, aTitle, aWorkload } from "../builders";
import { aRun } from "./helpers";

const book = aBook();
const rendition = { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 };

describe("defaultCostModel", () => {
  test("is the shipped functions", () => {
    const content = aContent();
    const spec = { codec: "hevc" as const, preset: "slow", bitDepth: 10, rendition, content, seconds: 240 };
    expect(defaultCostModel.encodeWork(spec)).toBe(shipped.encodeWork(spec));
    expect(defaultCostModel.encodeSlots(rendition)).toBe(shipped.encodeSlots(rendition));
    expect(defaultCostModel.durationOn(100, 4, rendition)).toBe(shipped.durationOn(100, 4, rendition));
    expect(defaultCostModel.encodeMemoryGiB("av1", rendition)).toBe(shipped.encodeMemoryGiB("av1", rendition));
    expect(defaultCostModel.outputGiB(rendition, 60)).toBe(shipped.outputGiB(rendition, 60));
    expect(defaultCostModel.analyseWork(content)).toBe(shipped.analyseWork(content));
    expect(defaultCostModel.joinDuration(content)).toBe(shipped.joinDuration(content));
    expect(defaultCostModel.packageDuration(content, 3)).toBe(shipped.packageDuration(content, 3));
    expect(defaultCostModel.publishDuration()).toBe(shipped.PUBLISH_DURATION);
  });

  test("is what the pipeline uses when no model is given", () => {
    const title = aTitle({ content: aContent({ duration: 120 }) });
    const w = aWorkload({ titles: [title] });
    expect(expandTitle(title, w, book)).toEqual(expandTitle(title, w, book, defaultCostModel));
  });
});

describe("an injected model", () => {
  const title = aTitle({ content: aContent({ duration: 120 }) });
  const w = aWorkload({ titles: [title] });
  const doubled: CostModel = { ...defaultCostModel, name: "doubled", encodeWork: (s) => 2 * defaultCostModel.encodeWork(s), publishDuration: () => 7 };

  test("drives every task it predicts, through expandTitle, expandAll and buildPlan", () => {
    const base = expandTitle(title, w, book).tasks;
    const twice = expandTitle(title, w, book, doubled).tasks;
    for (const [i, t] of twice.entries()) {
      const want = t.kind === "encode" ? 2 * base[i]!.duration : t.kind === "publish" ? 7 : base[i]!.duration;
      expect(t.duration, t.id).toBeCloseTo(want, 9);
    }
    expect(expandAll(w, book, doubled)[0]!.tasks).toEqual(twice);
    const plan = buildPlan(w, book, { policy: "fifo", seed: null, trace: null, costModel: doubled });
    const publish = plan.tasks.find((t) => t.kind === "publish")!;
    expect(publish.end - publish.start).toBe(7);
  });
});

describe("a fitted model", () => {
  // A farm three times slower than the shipped slot, measured on H.264 only.
  const rows = Array.from({ length: 12 }, (_, i) => aRun({ video: `v${i % 4}`, seconds: 3 * shipped.encodeWork({ codec: "h264", preset: "medium", bitDepth: 8, rendition, content: aContent({ duration: 10, fps: 30 }), seconds: 10 }) }));
  const model = fittedCostModel(calibrate(rows, { source: "t", folds: 2, seed: 1, skippedRows: 0 }), "fitted");

  test("predicts encode work at the farm's speed, for codecs it never ran too", () => {
    const content = aContent({ fps: 30 });
    for (const codec of ["h264", "hevc"] as const) {
      const spec = { codec, preset: "medium", bitDepth: 8, rendition, content, seconds: 60 };
      expect(model.encodeWork(spec) / shipped.encodeWork(spec), codec).toBeCloseTo(3, 1);
    }
  });

  test("analysis and normalisation run at the fitted machine speed; the rest stays the shipped model's", () => {
    const content = aContent();
    expect(model.analyseWork(content) / shipped.analyseWork(content)).toBeCloseTo(3, 1);
    // Normalising decodes the source on the same machines as analysis, so it scales alike.
    expect(model.normaliseWork(content) / defaultCostModel.normaliseWork(content)).toBeCloseTo(3, 1);
    expect(model.durationOn(100, 4, rendition)).toBe(shipped.durationOn(100, 4, rendition));
    expect(model.packageDuration(content, 2)).toBe(shipped.packageDuration(content, 2));
    expect(model.name).toBe("fitted");
  });
});
