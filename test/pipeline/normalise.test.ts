// A source that needs normalising gets a normalise task before everything else in its pipeline;
// plans of titles with source files carry each task's argv, built from the task's final fields.
import { describe, expect, it } from "vitest";
import { normaliseNeeds, type SourceFacts } from "../../src/content/normalise";
import { normaliseWork } from "../../src/cost/model";
import { taskCommands } from "../../src/encode/commands";
import type { PipelineStage, PlanTask, Title } from "../../src/model";
import { expandTitle } from "../../src/pipeline/expand";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { aContent, aTitle, aWorkload } from "../builders";
import { aProbe } from "../content/builders";
import { shippedBook } from "../load/helpers";

const book = shippedBook();
const reasons = ["interlaced (field order tt): deinterlaced with bwdif, one frame per frame"];

describe("the normalise task", () => {
  it("comes first, and the pipeline's first stage waits for it (so every encode does)", () => {
    const title = aTitle({ id: "ep", content: aContent({ duration: 120 }), normalise: reasons });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title] }), book);
    expect(tasks[0]).toMatchObject({ id: "ep/normalise", kind: "normalise", pool: "cpu", slots: 1, after: [], reason: reasons[0] });
    expect(tasks[0]!.duration).toBe(normaliseWork(title.content));
    expect(tasks.find((t) => t.kind === "analyse")!.after).toEqual(["ep/normalise"]);
    expect(tasks.filter((t) => t.after.length === 0).map((t) => t.id)).toEqual(["ep/normalise"]);
  });

  it("is absent for a source that needs none: the tasks are exactly those of before", () => {
    const plain = aTitle({ id: "ep", content: aContent({ duration: 120 }) });
    const empty = { ...plain, normalise: [] };
    const w = aWorkload({ titles: [plain] });
    expect(expandTitle(empty, w, book).tasks).toEqual(expandTitle(plain, w, book).tasks);
    expect(expandTitle(plain, w, book).tasks.some((t) => t.kind === "normalise")).toBe(false);
  });

  it("precedes the root stages of a custom pipeline too", () => {
    const stages: PipelineStage[] = [
      { id: "encode", kind: "encode", after: [], pool: null, workPerSecond: 0, slots: 1 },
      { id: "qc", kind: "custom", after: [], pool: "cpu", workPerSecond: 0.1, slots: 1 },
      { id: "package", kind: "package", after: ["encode", "qc"], pool: null, workPerSecond: 0, slots: 1 },
    ];
    const title = aTitle({ id: "ep", content: aContent({ duration: 120 }), pipeline: "p", normalise: reasons });
    const { tasks } = expandTitle(title, aWorkload({ titles: [title], pipelines: { p: stages } }), book);
    for (const t of tasks.filter((x) => x.kind === "encode" || x.id === "ep/qc")) expect(t.after, t.id).toEqual(["ep/normalise"]);
  });

  it("costs more on bigger, longer sources, as the analyse stage does", () => {
    const hd = normaliseWork(aContent({ duration: 3600 }));
    expect(normaliseWork(aContent({ duration: 3600, width: 3840, height: 2160 }))).toBeCloseTo(4 * hd);
    expect(normaliseWork(aContent({ duration: 1 }))).toBe(5);
  });
});

describe("plans of titles with source files", () => {
  const argvValue = (t: PlanTask, option: string) => t.argv![t.argv!.indexOf(option) + 1];

  function plan(title: Title, slots: number, probe = aProbe({ width: title.content.width, height: title.content.height, fps: title.content.fps })) {
    const needs = normaliseNeeds(probe, true);
    const t: Title = { ...title, ...(needs.length > 0 ? { normalise: needs.map((n) => n.reason) } : {}) };
    const sources = new Map<string, SourceFacts>([[t.id, { content: t.content, probe, needs }]]);
    const workload = aWorkload({ titles: [t], capacity: { pools: [{ id: "cpu", slots, memoryGiB: null }], scratchGiB: null } });
    return buildPlan(workload, book, { policy: "value", seed: null, trace: null, commands: taskCommands(book, sources, "out"), warnings: ["a warning from loading"] });
  }

  it("carry an argv on normalise, encode and join tasks, pass the plan contract, and list load warnings first", () => {
    const title = aTitle({ id: "ep", content: aContent({ duration: 1200, source: "/m/ep.mov" }), deliverables: ["h264-sdr"] });
    const p = plan(title, 32, aProbe({ interlaced: true, fieldOrder: "tt" }));
    expect(verifyPlan(p)).toEqual([]);
    const kinds = (k: string) => p.tasks.filter((t) => t.kind === k);
    expect(kinds("normalise")).toHaveLength(1);
    expect(kinds("normalise")[0]!.reason).toBe(reasons[0]);
    for (const t of [...kinds("normalise"), ...kinds("encode"), ...kinds("join")]) expect(t.argv, t.id).toBeDefined();
    for (const t of [...kinds("analyse"), ...kinds("package"), ...kinds("publish")]) expect(t.argv, t.id).toBeUndefined();
    expect(argvValue(kinds("encode")[0]!, "-i")).toBe("out/ep/mezzanine.mkv");
    expect(p.warnings[0]).toBe("a warning from loading");
  });

  it("show the preset a downgrade chose, and write deferred renditions under the original title", () => {
    // A 4K episode due far too soon: the scheduler defers 2160p and speeds presets up.
    const title = aTitle({ id: "ep", content: aContent({ duration: 3600, width: 3840, height: 2160, source: "/m/ep.mov" }), deliverables: ["hevc-sdr"], deadline: 3600 });
    const p = plan(title, 16);
    const encodes = p.tasks.filter((t) => t.kind === "encode");
    expect(p.titles.find((t) => t.id === "ep")!.downgrades.map((d) => d.step)).toContain("faster-preset");
    for (const t of encodes) expect(argvValue(t, "-preset"), t.id).toBe(t.preset);
    expect(new Set(encodes.map((t) => t.preset))).toEqual(new Set(["slow", "fast"]));
    const deferred = encodes.filter((t) => t.title === "ep+deferred");
    expect(deferred.length).toBeGreaterThan(0);
    for (const t of deferred) expect(t.argv!.at(-1), t.id).toMatch(/^out\/ep\/hevc-sdr\/2160p\.c\d{3}\.mp4$/);
  });

  it("are the same byte for byte when made twice", () => {
    const title = aTitle({ id: "ep", content: aContent({ duration: 1200, source: "/m/ep.mov" }), deliverables: ["h264-sdr", "av1"] });
    expect(JSON.stringify(plan(title, 8))).toBe(JSON.stringify(plan(title, 8)));
  });
});
