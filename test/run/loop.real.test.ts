// The loop a real run closes, with real encodes: what one batch really took (history.csv)
// calibrates the cost model, and the next batch's encodes are predicted closer to what they take;
// and a deadline the scheduler projects it will miss is met by a downgrade applied to the encodes
// not yet started (they run with the faster preset, as their argv says), recorded in run.json.
import { spawnSync } from "node:child_process";
import { lstatSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { tempDir } from "../tempDir";
import { decodedFrames, filesUnder, journalOf, makeSource, publishedRungs, readJson, reportOf, type TitleSpec, vpsIn, workloadYaml } from "./cli";

let sources: string;
let cache: string;

beforeAll(() => {
  sources = tempDir();
  cache = tempDir();
  for (const [name, size, seconds] of [["a", "640x360", 2], ["b", "480x270", 2], ["c", "640x360", 1], ["d", "640x360", 2], ["e", "480x270", 2]] as const) {
    makeSource(join(sources, `${name}.mp4`), size, seconds);
  }
});

const spec = (id: string): TitleSpec => ({ id, tier: "standard", source: join(sources, `${id}.mp4`) });

function run(dir: string, out: string, ...extra: string[]): Plan {
  const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", out, "--cache", cache, "--slots", "cpu=2", ...extra);
  expect(r.status, r.stderr).toBe(0);
  return reportOf(join(dir, out));
}

/** Median |predicted − actual| ÷ actual over a run's encodes. */
function medianError(plan: Plan): number {
  const e = plan.tasks.filter((t) => t.kind === "encode").map((t) => Math.abs(t.predicted! - (t.end - t.start)) / (t.end - t.start));
  e.sort((x, y) => x - y);
  return e[Math.floor(e.length / 2)]!;
}

describe("history.csv → vps calibrate → the next batch", () => {
  it("predicts the second batch's encodes closer after calibrating on the first batch's history", () => {
    const first = tempDir({ "w.yaml": workloadYaml(["a", "b", "c"].map(spec)) });
    run(first, "out");
    const model = join(first, "model.json");
    const cal = vpsIn({ cwd: first }, "calibrate", "out/history.csv", "-o", model);
    expect(cal.status, cal.stderr).toBe(0);
    const second = tempDir({ "w.yaml": workloadYaml(["d", "e"].map(spec)) });
    const shipped = medianError(run(second, "shipped"));
    const calibrated = medianError(run(second, "calibrated", "--cost-model", model));
    expect(calibrated).toBeLessThan(shipped);
  });
});

describe("a title long enough to be cut into chunks", () => {
  it("is encoded chunk by chunk, joined by stream copy, checked whole and published", () => {
    // 11 minutes (past the 10-minute chunking threshold) of a tiny 2 fps pattern: three chunks, fast.
    const dir = tempDir();
    const made = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=128x72:rate=2", "-t", "660", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", join(dir, "long.mp4")]);
    expect(made.status).toBe(0);
    writeFileSync(join(dir, "w.yaml"), workloadYaml([{ id: "long", tier: "standard", source: join(dir, "long.mp4") }]));
    const plan = run(dir, "out");
    const chunks = plan.tasks.filter((t) => t.kind === "encode");
    expect(chunks.map((t) => t.chunk)).toEqual([0, 1, 2]);
    const joined = plan.tasks.find((t) => t.kind === "join")!;
    expect(joined.output).toMatchObject({ frames: 1320 });
    expect(chunks.reduce((n, t) => n + t.output!.frames!, 0)).toBe(1320);
    expect(decodedFrames(join(dir, "out/published/long/h264-sdr/240p.m3u8"))).toBe(1320);
    // Published: the chunks, the rendition and the audio are gone from .work (their bytes are in the package).
    expect(filesUnder(join(dir, "out/.work/long"))).toEqual([]);
    // A re-run redoes nothing: none of them need exist again while the published title is whole.
    const again = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2");
    expect(again.status, again.stderr).toBe(0);
    const journal = journalOf(join(dir, "out"));
    const secondRun = journal.slice(Math.max(...journal.map((e, i) => (e.type === "run" ? i : -1))));
    expect(secondRun.filter((e) => e.type === "start" && /\/(encode|join)\//.test(e.task))).toEqual([]);
    expect(reportOf(join(dir, "out")).tasks.filter((t) => t.kind === "encode" || t.kind === "join").every((t) => t.resumed)).toBe(true);
  });
});

describe("a title cut for a bounded response (policy.maxResponse)", () => {
  it("encodes each rendition in its own number of chunks, joins each whole and publishes it", () => {
    // 90 s of a tiny pattern under a 1 s bound: every rendition is cut, into 45-s or 30-s chunks.
    const dir = tempDir();
    const made = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=128x72:rate=4", "-t", "90", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", join(dir, "cut.mp4")]);
    expect(made.status).toBe(0);
    writeFileSync(join(dir, "w.yaml"), `${workloadYaml([{ id: "cut", tier: "ugc", source: join(dir, "cut.mp4") }])}policy:\n  maxResponse: 1s\n`);
    const plan = run(dir, "out");
    const encodes = plan.tasks.filter((t) => t.kind === "encode");
    // Each rendition in as many chunks as its cost needs (at least two here), numbered in order.
    for (const rung of new Set(encodes.map((t) => t.rendition))) {
      const mine = encodes.filter((t) => t.rendition === rung);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.map((t) => [t.chunk, t.chunks])).toEqual(mine.map((_, i) => [i, mine.length]));
    }
    for (const j of plan.tasks.filter((t) => t.kind === "join")) expect(j.output).toMatchObject({ frames: 360 });
    expect(decodedFrames(join(dir, "out/published/cut/h264-sdr/240p.m3u8"))).toBe(360);
  });
});

describe("a release whose top rung is deferred past its deadline", () => {
  it("is published on time without it, then republished with it when the follow-up has encoded it", () => {
    // A recipe library whose only downgrade defers the 360p rung; one slot and a deadline 61 s out
    // (planned 1 s out, after the 60 s buffer) make the scheduler take it at once.
    const recipe = `deliverable: h264-sdr
codec: h264
encoder: libx264
pool: cpu
hdr: false
bitDepth: 8
recipes:
  - class: generic
    preset: medium
    reason: "test: a top rung that can wait until after the release"
    settings: { bframes: 3 }
    ladder:
      - { name: 360p, width: 640, height: 360, bitrateKbps: 800 }
      - { name: 240p, width: 426, height: 240, bitrateKbps: 300 }
    downgrades:
      - { step: defer-rendition, rendition: 360p, qualityCost: 1 }
`;
    const yaml = workloadYaml([{ ...spec("a"), tier: "premium" }]).replace("deliverables: [h264-sdr] }", "deliverables: [h264-sdr], deadline: +61s }");
    const dir = tempDir({ "w.yaml": yaml, "recipes/h264-sdr.yaml": recipe });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1", "--recipes", "recipes");
    expect(r.status, r.stderr).toBe(0);
    const out = join(dir, "out");
    const plan = reportOf(out);
    expect(plan.titles.find((t) => t.id === "a")).toMatchObject({ onTime: true, downgrades: [expect.objectContaining({ step: "defer-rendition", rendition: "360p" })] });
    expect(plan.titles.find((t) => t.id === "a+deferred")).toMatchObject({ deferredFrom: "a" });
    const journal = journalOf(out);
    const firstPublish = journal.findIndex((e) => e.type === "publish" && e.title === "a");
    const deferredStart = journal.findIndex((e) => e.type === "start" && e.task === "a+deferred/encode/h264-sdr/360p");
    expect(firstPublish).toBeGreaterThanOrEqual(0);
    expect(deferredStart, "the deferred rung is encoded after the release is published").toBeGreaterThan(firstPublish);
    expect(journal.filter((e) => e.type === "publish" && e.title === "a")).toHaveLength(2);
    expect(publishedRungs(out)).toEqual(["a/h264-sdr/240p.m3u8", "a/h264-sdr/360p.m3u8"]);
    const renditions = readJson<{ deliverables: { renditions: { name: string; deferred?: boolean; frames: number }[] }[] }>(join(out, "published/a/title.json")).deliverables[0]!.renditions;
    expect(renditions.map((x) => [x.name, x.deferred ?? false, x.frames])).toEqual([["360p", true, 48], ["240p", false, 48]]);
    // The republish swapped a link: published/a names its second version, the first is gone.
    expect(lstatSync(join(out, "published/a")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, "published/a"))).toBe(join(".versions", "a", "2"));
    expect(readdirSync(join(out, "published/.versions/a"))).toEqual(["2"]);
  });
});

describe("a deadline the scheduler projects it will miss", () => {
  it("is met by a recorded downgrade whose faster preset the later encodes run with", () => {
    // One slot and a title due 90 s after the run starts: the planning buffer (at least 60 s before
    // the deadline) and the model's 30 s publish make the projection late at once, and the
    // downgrade must reach the encodes that had not started.
    const titles = [{ ...spec("a"), tier: "premium" as const }];
    const yaml = workloadYaml(titles).replace("deliverables: [h264-sdr] }", "deliverables: [h264-sdr], deadline: +90s }");
    const dir = tempDir({ "w.yaml": yaml });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1");
    expect(r.status, r.stderr).toBe(0);
    const plan = reportOf(join(dir, "out"));
    const title = plan.titles[0]!;
    expect(title.onTime).toBe(true);
    const preset = title.downgrades.find((d) => d.step === "faster-preset");
    expect(preset, JSON.stringify(title.downgrades)).toBeDefined();
    const starts = journalOf(join(dir, "out")).filter((e) => e.type === "start" && e.task.includes("/encode/"));
    const after = starts.filter((e) => e.type === "start" && e.t >= preset!.at);
    expect(after.length).toBeGreaterThan(0);
    for (const s of after) expect(s.type === "start" && s.preset).toBe(preset!.preset);
    for (const t of plan.tasks.filter((x) => x.kind === "encode" && x.start >= preset!.at)) expect(t.argv).toContain(preset!.preset!);
  });
});
