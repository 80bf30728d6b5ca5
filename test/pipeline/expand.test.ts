// The task DAG a title becomes, as the plan shows it.
import { describe, expect, test } from "vitest";
import type { PipelineStage } from "../../src/model";
import { CHUNK_SECONDS, expandTitle } from "../../src/pipeline/expand";
import { totalWork } from "../../src/pipeline/path";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { InputError } from "../../src/util/errors";
import { aBook, aContent, aRecipe, aTitle, aWorkload } from "../builders";

const book = aBook();

describe("the default pipeline", () => {
  test("a short title: analyse → one encode per rendition → package → publish", () => {
    const title = aTitle({ id: "clip", content: aContent({ duration: 120 }) });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    expect(tasks.map((t) => t.id)).toEqual([
      "clip/analyse",
      "clip/encode/h264-sdr/1080p",
      "clip/encode/h264-sdr/720p",
      "clip/audio/aac-128",
      "clip/package/h264-sdr",
      "clip/publish",
    ]);
    expect(tasks.find((t) => t.kind === "package")!.after).toEqual(["clip/encode/h264-sdr/1080p", "clip/encode/h264-sdr/720p", "clip/audio/aac-128"]);
  });

  test("audio: one task per audio rendition, shared by the deliverables naming it, none when the source has no audio", () => {
    const title = aTitle({ id: "x", content: aContent({ width: 3840, height: 2160, duration: 300 }), deliverables: ["h264-sdr", "hevc-4k"] });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    const audio = tasks.filter((t) => t.kind === "audio");
    expect(audio.map((t) => [t.id, t.rendition, t.after])).toEqual([["x/audio/aac-128", "aac-128", ["x/analyse"]]]);
    // The cost model's figure: a second of stereo AAC in about 0.02 s, plus start-up.
    expect(audio[0]!.duration).toBeCloseTo(1 + 0.02 * 300, 6);
    for (const d of ["h264-sdr", "hevc-4k"]) expect(tasks.find((t) => t.id === `x/package/${d}`)!.after).toContain("x/audio/aac-128");
    const silent = aTitle({ id: "s", content: aContent({ audio: false }) });
    expect(expandTitle(silent, aWorkload({ titles: [silent] }), book).tasks.filter((t) => t.kind === "audio")).toEqual([]);
  });

  test("a long title is split into chunks that encode in parallel, then joined per rendition", () => {
    const title = aTitle({ id: "film", content: aContent({ duration: 3600 }) });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    const chunks = tasks.filter((t) => t.kind === "encode" && t.rendition === "1080p");
    expect(chunks).toHaveLength(Math.ceil(3600 / CHUNK_SECONDS));
    const join = tasks.find((t) => t.id === "film/join/h264-sdr/1080p")!;
    expect(join.after).toEqual(chunks.map((c) => c.id));
  });

  test("rungs above the source resolution are not encoded", () => {
    const title = aTitle({ content: aContent({ width: 1280, height: 720, duration: 120 }) });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    expect(tasks.filter((t) => t.kind === "encode").map((t) => t.rendition)).toEqual(["720p"]);
  });

  test("each deliverable is packaged as soon as its own renditions are done", () => {
    const title = aTitle({ id: "x", content: aContent({ width: 3840, height: 2160 }), deliverables: ["h264-sdr", "hevc-4k"] });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    const pkg = tasks.find((t) => t.id === "x/package/h264-sdr")!;
    expect(pkg.after.every((a) => a.includes("h264-sdr") || a.includes("/audio/"))).toBe(true);
  });

  test("scratch counts the mezzanine, the renditions and the audio; the package's size is known but not yet counted", () => {
    const title = aTitle({ id: "ep", content: aContent({ duration: 600, width: 1920, height: 1080, fps: 25 }), normalise: ["interlaced"] });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    const of = (kind: string) => tasks.filter((t) => t.kind === kind).reduce((s, t) => s + t.scratchGiB, 0);
    // FFV1 at 4 bits a pixel: 1920 × 1080 × 25 fps × 600 s.
    expect(of("normalise")).toBeCloseTo((1920 * 1080 * 25 * 600 * 4) / 8 / 1024 ** 3, 6);
    expect(of("audio")).toBeCloseTo((128_000 * 600) / 8 / 1024 ** 3, 9);
    expect(of("package")).toBeCloseTo(of("encode") + of("audio"), 9);
    const plan = buildPlan(aWorkload({ titles: [title] }), book, { policy: "value", seed: null, trace: null });
    expect(plan.metrics.peakScratchGiB).toBeCloseTo(of("normalise") + of("encode") + of("audio"), 6);
  });

  test("an explicit work estimate replaces the cost model's encode work", () => {
    const title = aTitle({ work: 5000 });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    expect(totalWork(tasks.filter((t) => t.kind === "encode"))).toBeCloseTo(5000, 6);
  });
});

describe("content-aware recipes", () => {
  const withAnimation = aBook([aRecipe({ contentClass: "animation", preset: "slow", settings: { tune: "animation" } })]);

  test("an animated title is encoded with the animation recipe, everything else with the generic one", () => {
    const cartoon = aTitle({ id: "cartoon", content: aContent({ contentClass: "animation", duration: 120 }) });
    const sport = aTitle({ id: "match", content: aContent({ contentClass: "high-motion", duration: 120 }) });
    const plan = buildPlan(aWorkload({ titles: [cartoon, sport] }), withAnimation, { policy: "value", seed: null, trace: null });
    const encodes = (title: string) => plan.tasks.filter((t) => t.title === title && t.kind === "encode");
    expect(new Set(encodes("cartoon").map((t) => `${t.recipe} ${t.preset}`))).toEqual(new Set(["h264-sdr/animation slow"]));
    expect(new Set(encodes("match").map((t) => `${t.recipe} ${t.preset}`))).toEqual(new Set(["h264-sdr/generic medium"]));
  });
});

describe("a custom pipeline", () => {
  const withQc: PipelineStage[] = [
    { id: "analyse", kind: "analyse", after: [], pool: null, workPerSecond: 0, slots: 1 },
    { id: "encode", kind: "encode", after: ["analyse"], pool: null, workPerSecond: 0, slots: 1 },
    { id: "qc", kind: "custom", after: ["encode"], pool: "cpu", workPerSecond: 0.2, slots: 2 },
    { id: "package", kind: "package", after: ["qc"], pool: null, workPerSecond: 0, slots: 1 },
    { id: "publish", kind: "publish", after: ["package"], pool: null, workPerSecond: 0, slots: 1 },
  ];

  test("runs its extra stage between the encodes and packaging", () => {
    const title = aTitle({ id: "ep", pipeline: "with-qc" });
    const w = aWorkload({ titles: [title], pipelines: { "with-qc": withQc } });
    const plan = buildPlan(w, book, { policy: "value", seed: null, trace: null });
    const qc = plan.tasks.find((t) => t.id === "ep/qc")!;
    const encodes = plan.tasks.filter((t) => t.kind === "encode");
    expect(qc.slots).toBe(2);
    expect(encodes.every((e) => e.end <= qc.start)).toBe(true);
    expect(plan.tasks.find((t) => t.kind === "package")!.after).toEqual(["ep/qc"]);
    expect(verifyPlan(plan)).toEqual([]);
  });
});

describe("limits a task could never fit", () => {
  test("a task needing more memory than its pool has is rejected with the pool named", () => {
    const title = aTitle({ content: aContent({ width: 3840, height: 2160 }), deliverables: ["hevc-4k"] });
    const w = aWorkload({ titles: [title], capacity: { pools: [{ id: "cpu", slots: 16, memoryGiB: 2 }], scratchGiB: null } });
    expect(() => buildPlan(w, book, { policy: "value", seed: null, trace: null })).toThrow(InputError);
    expect(() => buildPlan(w, book, { policy: "value", seed: null, trace: null })).toThrow(/pool cpu has only 2 GiB/);
  });

  test("a title whose intermediate files exceed scratch is rejected with the title named", () => {
    const title = aTitle({ id: "huge", content: aContent({ duration: 7200 }) });
    const w = aWorkload({ titles: [title], capacity: { pools: [{ id: "cpu", slots: 16, memoryGiB: null }], scratchGiB: 1 } });
    expect(() => buildPlan(w, book, { policy: "value", seed: null, trace: null })).toThrow(/title huge needs/);
  });

  test("a wide encode on a narrow pool is narrowed to the pool, never left waiting forever", () => {
    const title = aTitle({ content: aContent({ width: 3840, height: 2160 }), deliverables: ["hevc-4k"] });
    const w = aWorkload({ titles: [title], capacity: { pools: [{ id: "cpu", slots: 2, memoryGiB: null }], scratchGiB: null } });
    const planned = buildPlan(w, book, { policy: "value", seed: null, trace: null, allocation: { mode: "planned" } });
    expect(Math.max(...planned.tasks.map((t) => t.slots))).toBe(2);
    expect(verifyPlan(planned)).toEqual([]);
    const fixed = buildPlan(w, book, { policy: "value", seed: null, trace: null, allocation: { mode: "fixed", slots: 16 } });
    expect(Math.max(...fixed.tasks.map((t) => t.slots))).toBe(2);
    expect(verifyPlan(fixed)).toEqual([]);
  });
});
