import { describe, expect, it } from "vitest";
import type { Workload } from "../../src/model";
import { workloadToYaml } from "../../src/load/write";
import { DEFAULT_TIERS, loadWorkloadText } from "../../src/load/workload";
import { aTitle, aWorkload } from "../builders";
import { BASE_WORKLOAD, shippedBook } from "./helpers";

/** A workload using every feature of the written format. */
function everything(): Workload {
  return aWorkload({
    epoch: "2026-11-24T00:00:00+01:00",
    capacity: {
      pools: [
        { id: "cpu", slots: 64, memoryGiB: null },
        { id: "gpu", slots: 8, memoryGiB: 64 },
        { id: "spare", slots: 0, memoryGiB: null },
      ],
      scratchGiB: 512.5,
    },
    tiers: { ...DEFAULT_TIERS, premium: 10, archive: 0.25 },
    pipelines: {
      "with-qc": [
        { id: "analyse", kind: "analyse", after: [], pool: null, workPerSecond: 0, slots: 1 },
        { id: "encode", kind: "encode", after: ["analyse"], pool: null, workPerSecond: 0, slots: 1 },
        { id: "qc", kind: "custom", after: ["encode"], pool: "gpu", workPerSecond: 0.2, slots: 2 },
        { id: "package", kind: "package", after: ["qc"], pool: null, workPerSecond: 0, slots: 1 },
        { id: "publish", kind: "publish", after: ["package"], pool: null, workPerSecond: 0, slots: 1 },
      ],
    },
    titles: [
      aTitle({
        id: "ep-101",
        arrival: 5400.5,
        tier: "archive",
        value: { expectedViews: 2_000_000, viewsSoFar: 10, subscribers: 1_000_000, revenuePerView: 0.004 },
        content: { duration: 2701.25, width: 3840, height: 2160, fps: 30000 / 1001, bitDepth: 10, hdr: "pq", contentClass: "film-grain", complexity: 0.61, source: "/media/ep 101.mov", audio: false },
        deliverables: ["h264-sdr", "hevc-hdr10", "av1"],
        deadline: 6 * 3600,
        work: 36000,
        pipeline: "with-qc",
      }),
      // A numeric-looking id, an arrival before the epoch, and every optional field left out.
      aTitle({ id: "101", arrival: -60, content: { hdr: "hlg", bitDepth: 12, contentClass: "screen", complexity: 0 } }),
    ],
  });
}

describe("workloadToYaml", () => {
  it("round-trips a workload with every feature", () => {
    const w = everything();
    expect(loadWorkloadText("w.yaml", workloadToYaml(w), shippedBook())).toEqual(w);
  });

  it("round-trips a loaded workload", () => {
    const loaded = loadWorkloadText("/data/w.yaml", BASE_WORKLOAD.replace("fps: 24", "fps: 24000/1001, source: a.mov"), shippedBook());
    expect(loadWorkloadText("/elsewhere/w.yaml", workloadToYaml(loaded), shippedBook())).toEqual(loaded);
  });

  it("writes stable, readable YAML with plain seconds and without defaults", () => {
    const text = workloadToYaml(everything());
    expect(workloadToYaml(everything())).toBe(text);
    expect(text).toMatch(/^epoch: 2026-11-24T00:00:00\+01:00\ncapacity:\n {2}pools:\n {4}cpu: 64\n {4}gpu:\n {6}slots: 8\n {6}memoryGiB: 64\n/);
    expect(text).toContain("    arrival: 5400.5\n");
    expect(text).toContain('  - id: "101"\n');
    expect(text).toContain("      resolution: 3840x2160\n");
    // A source without audio stays without: its title gets no audio tasks after the round trip.
    expect(text.match(/audio: false/g)).toHaveLength(1);
    expect(text).not.toContain("deadline: null");
    expect(text.match(/workPerSecond/g)).toHaveLength(1);
  });
});

describe("workloadToYaml: policy and analytics events", () => {
  /** A non-default policy promoting to a custom tier, and events of every figure and time form. */
  function withAnalytics(): Workload {
    const w = everything();
    return {
      ...w,
      policy: { maxWait: 5400.5, maxResponse: 900, viral: { promoteAbove: 1500, demoteBelow: 1500, demoteAfter: 600, smoothing: 1, promoteTo: "archive" } },
      events: [
        { at: 0, title: "ep-101", views: 0 },
        { at: 0, title: "101", expectedViews: 5, subscribers: 0, revenuePerView: 0.0005 },
        { at: 90.25, title: "ep-101" },
        { at: 3600, title: "ghost", views: 12_345_678, expectedViews: 2e7, subscribers: 3, revenuePerView: 1.5 },
        { at: 3600, title: "ep-101", views: 7 },
      ],
    };
  }

  it("round-trips a non-default policy and events of every figure, order included", () => {
    const w = withAnalytics();
    const back = loadWorkloadText("w.yaml", workloadToYaml(w), shippedBook());
    expect(back).toEqual(w);
    expect(back.events.map((e) => e.title)).toEqual(["ep-101", "101", "ep-101", "ghost", "ep-101"]);
  });

  it("writes the policy and events as a person would, and no events key when there are none", () => {
    const text = workloadToYaml(withAnalytics());
    expect(text).toContain("policy:\n  maxWait: 5400.5\n  maxResponse: 900\n  viral:\n    promoteAbove: 1500\n");
    expect(text).toContain('  - at: 0\n    title: "101"\n    expectedViews: 5\n');
    expect(workloadToYaml(everything())).not.toContain("events:");
  });
});
