// Titles with a source file: which content fields may be left out, how measured and written values
// merge (facts measured, judgements written), and the measuring step with its cache and errors.
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolRunner } from "../../src/util/proc/runner";
import { ToolNotFound } from "../../src/util/proc/tool";
import { loadMeasuredWorkload, mergeMeasured } from "../../src/load/sources";
import { ExternalError, InputError } from "../../src/util/errors";
import { aTitle } from "../builders";
import { anAnalysis } from "../content/builders";
import { countingTools, lavfi, makeClip, tempDir as mediaDir } from "../content/media";
import { shippedBook, workloadProblems, withTitle } from "./helpers";

describe("a title with a source may leave its content to the measurement", () => {
  it("accepts content with only a source (the loader's synchronous path asks for the facts it cannot measure)", () => {
    const lines = workloadProblems(withTitle("  - id: a\n    content: { source: a.mov }\n    deliverables: [h264-sdr]\n"));
    expect(lines).toEqual([
      'w.yaml:7:14 titles[0].content.duration: expected a value for key "duration" (seconds (a number > 0) or a duration like 45m, 1h30m, 90s); without it the source file is measured only by vps plan, run, forecast and recipes explain, found none',
      'w.yaml:7:14 titles[0].content.fps: expected a value for key "fps" (frames per second as a number (24, 29.97) or a fraction like 30000/1001); without it the source file is measured only by vps plan, run, forecast and recipes explain, found none',
      "w.yaml:7:14 titles[0].content: expected resolution (like 1920x1080) or both width and height; without it the source file is measured only by vps plan, run, forecast and recipes explain, found neither",
    ]);
  });

  it("still requires duration, fps and the size without a source, and says a source would do", () => {
    const lines = workloadProblems(withTitle("  - id: a\n    content: { class: animation }\n    deliverables: [h264-sdr]\n"));
    expect(lines).toEqual([
      'w.yaml:7:14 titles[0].content.duration: expected a value for required key "duration" (seconds (a number > 0) or a duration like 45m, 1h30m, 90s) or a source: file to measure it from, found none',
      'w.yaml:7:14 titles[0].content.fps: expected a value for required key "fps" (frames per second as a number (24, 29.97) or a fraction like 30000/1001) or a source: file to measure it from, found none',
      "w.yaml:7:14 titles[0].content: expected resolution (like 1920x1080) or both width and height, found neither",
    ]);
  });
});

describe("mergeMeasured: facts are measured, judgements written", () => {
  const written = (...keys: string[]) => new Set(["source", ...keys]);
  const title = aTitle({ id: "ep", content: { duration: 2700, width: 1920, height: 1080, fps: 24, contentClass: "generic", complexity: 0.5, source: "/m/a.mov" } });

  it("takes every measured value when nothing else is written", () => {
    const { title: t, warnings, facts } = mergeMeasured(title, written(), anAnalysis());
    expect(t.content).toEqual({ duration: 2700, width: 1920, height: 1080, fps: 24, bitDepth: 8, hdr: "sdr", contentClass: "film-grain", complexity: 0.7, source: "/m/a.mov", audio: false });
    expect(warnings).toEqual([]);
    expect(t.normalise).toBeUndefined();
    expect(facts.needs).toEqual([]);
  });

  it("warns when a written fact disagrees materially, and uses the measured one", () => {
    const a = anAnalysis({ duration: 1500, width: 1280, height: 720, fps: 25, bitDepth: 10, hdr: "pq" });
    const { title: t, warnings } = mergeMeasured(title, written("duration", "resolution", "fps", "bitDepth", "hdr"), a);
    expect(t.content).toMatchObject({ duration: 1500, width: 1280, height: 720, fps: 25, bitDepth: 10, hdr: "pq" });
    expect(warnings).toEqual([
      "title ep: content.duration is written as 45m00s but its source measures 25m00s; using the measured value",
      "title ep: content.resolution is written as 1920x1080 but its source measures 1280x720; using the measured value",
      "title ep: content.fps is written as 24 but its source measures 25; using the measured value",
      "title ep: content.bitDepth is written as 8 but its source measures 10; using the measured value",
      "title ep: content.hdr is written as sdr but its source measures pq; using the measured value",
    ]);
  });

  it("does not warn about rounding: a duration within a second, 24000/1001 written as 23.976", () => {
    const t = { ...title, content: { ...title.content, duration: 2700.4, fps: 23.976 } };
    expect(mergeMeasured(t, written("duration", "fps"), anAnalysis({ fps: 23.976 })).warnings).toEqual([]);
  });

  it("keeps a written class and complexity (an editor's override), warning when the measured class differs", () => {
    const { title: t, warnings } = mergeMeasured(title, written("class", "complexity"), anAnalysis());
    expect(t.content).toMatchObject({ contentClass: "generic", complexity: 0.5 });
    expect(warnings).toEqual(["title ep: content.class is written as generic but its source measures film-grain; keeping the written class"]);
  });

  it("records why an interlaced 4:2:2 source needs a normalisation step", () => {
    const { title: t, facts } = mergeMeasured(title, written(), anAnalysis({}, { interlaced: true, fieldOrder: "tt", pixelFormat: "yuv422p" }));
    expect(facts.needs.map((n) => n.kind)).toEqual(["deinterlace", "pixel-format"]);
    expect(t.normalise).toEqual(facts.needs.map((n) => n.reason));
  });
});

describe("loadMeasuredWorkload", () => {
  const media = mediaDir("vps-sources-");
  let clip = "";
  afterAll(() => media.remove());
  beforeAll(() => {
    clip = makeClip(media.dir, "clip", lavfi("testsrc2=size=160x90:rate=10"), 1);
  }, 60_000);

  function workload(name: string, titles: string): string {
    const file = join(media.dir, name);
    writeFileSync(file, withTitle(titles));
    return file;
  }

  it("measures each file once, and a re-plan of the same bytes runs no tool at all", async () => {
    copyFileSync(clip, join(media.dir, "copy.mp4"));
    const file = workload(
      "w1.yaml",
      "  - id: a\n    content: { source: clip.mp4 }\n    deliverables: [h264-sdr]\n" +
        "  - id: b\n    content: { source: clip.mp4, duration: 1h, fps: 24, resolution: 1920x1080 }\n    deliverables: [h264-sdr]\n" +
        "  - id: c\n    content: { source: copy.mp4, class: screen }\n    deliverables: [h264-sdr]\n",
    );
    const cacheDir = join(media.dir, "cache");
    const tools = countingTools();
    const first = await loadMeasuredWorkload(file, shippedBook(), { cacheDir, tools: tools.run });
    const ran = tools.calls();
    expect(ran).toBeGreaterThan(0);
    expect(first.workload.titles.map((t) => [t.content.width, t.content.height, t.content.fps])).toEqual([
      [160, 90, 10],
      [160, 90, 10],
      [160, 90, 10],
    ]);
    expect(first.workload.titles[0]!.content.duration).toBeCloseTo(1, 1);
    expect(first.warnings.filter((w) => w.startsWith("title b:"))).toHaveLength(3);
    expect(first.classFrom).toEqual(new Map([["a", "measured"], ["b", "measured"], ["c", "written"]]));
    expect([...first.sources.keys()]).toEqual(["a", "b", "c"]);

    const again = await loadMeasuredWorkload(file, shippedBook(), { cacheDir, tools: tools.run });
    expect(tools.calls()).toBe(ran);
    expect(again.workload).toEqual(first.workload);
  });

  it("reports a file ffmpeg cannot read at the title's source, with every other problem, exit 2", async () => {
    writeFileSync(join(media.dir, "notes.mp4"), "not a video\n");
    const file = workload(
      "w2.yaml",
      "  - id: a\n    content: { source: notes.mp4 }\n    deliverables: [hevc-hdr10]\n  - id: b\n    content: { source: clip.mp4 }\n    deliverables: [hevc-hdr10]\n",
    );
    const e = (await loadMeasuredWorkload(file, shippedBook(), { cacheDir: null }).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.lines()).toEqual([
      `${file}:7:24 titles[0].content.source: expected a video file ffmpeg can read, found ${join(media.dir, "notes.mp4")}: not a readable media file (ffprobe: Invalid data found when processing input)`,
      `${file}:11:20 titles[1].deliverables[0]: expected an HDR source (content.hdr: pq or hlg) for HDR deliverable "hevc-hdr10", found an SDR source (measured from ${join(media.dir, "clip.mp4")})`,
    ]);
  });

  it("says nothing is there before running any tool", async () => {
    const file = workload("w3.yaml", "  - id: a\n    content: { source: gone.mp4 }\n    deliverables: [h264-sdr]\n");
    const tools = countingTools();
    const e = (await loadMeasuredWorkload(file, shippedBook(), { cacheDir: null, tools: tools.run }).catch((x: unknown) => x)) as InputError;
    expect(e.lines()).toEqual([`${file}:7:24 titles[0].content.source: expected an existing source file, found no file at ${join(media.dir, "gone.mp4")}`]);
    expect(tools.calls()).toBe(0);
  });

  it("turns a missing or crashing ffmpeg into an external error naming the title (exit 3)", async () => {
    const file = workload("w4.yaml", "  - id: a\n    content: { source: clip.mp4 }\n    deliverables: [h264-sdr]\n");
    const missing: ToolRunner = (cmd) => Promise.reject(new ToolNotFound(cmd));
    const e = (await loadMeasuredWorkload(file, shippedBook(), { cacheDir: null, tools: missing }).catch((x: unknown) => x)) as ExternalError;
    expect(e).toBeInstanceOf(ExternalError);
    expect(e.message).toBe(`cannot measure the source of title a (${clip}): ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)`);
  });
});

describe("loadMeasuredWorkload: problems of the file itself", () => {
  it("are all reported before any tool runs, without judging the content not measured yet", async () => {
    const media = mediaDir("vps-sources-early-");
    try {
      const file = join(media.dir, "w.yaml");
      writeFileSync(file, withTitle("  - id: a\n    content: { source: gone.mp4 }\n    deliverables: [hevc-hdr10, nope]\n  - id: b\n    tier: gold\n    content: { duration: 60, resolution: 1280x720, fps: 24 }\n    deliverables: [h264-sdr]\n"));
      const tools = countingTools();
      const e = (await loadMeasuredWorkload(file, shippedBook(), { cacheDir: null, tools: tools.run }).catch((x: unknown) => x)) as InputError;
      expect(e.lines().map((l) => l.replace(`${file}:`, ""))).toEqual([
        `7:24 titles[0].content.source: expected an existing source file, found no file at ${join(media.dir, "gone.mp4")}`,
        '8:32 titles[0].deliverables[1]: expected a deliverable of the recipe library ("av1", "h264-sdr", "hevc-hdr10", "hevc-sdr", "vp9"), found "nope"',
        '10:11 titles[1].tier: expected a tier ("premium", "partner", "standard", "ugc"), found "gold"',
      ]);
      expect(tools.calls()).toBe(0);
    } finally {
      media.remove();
    }
  });
});
