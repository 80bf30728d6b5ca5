// analyseFile's edges: the cache (hit, corrupt, stale), bad inputs, missing or failing ffmpeg,
// and the sampling path for a long file.
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANALYSIS_FORMAT_VERSION, analyseFile, defaultCacheDir } from "../../src/content/analyse";
import { localTools, type ToolRunner } from "../../src/util/proc/runner";
import { ToolFailed, ToolNotFound } from "../../src/util/proc/tool";
import { ExternalError, InputError } from "../../src/util/errors";
import { countingTools, ffmpeg, lavfi, makeClip, tempDir } from "./media";

const tmp = tempDir("vps-analyse-");
let clip = "";
let longClip = "";
afterAll(() => tmp.remove());

beforeAll(() => {
  clip = makeClip(tmp.dir, "tiny", lavfi("testsrc2=size=160x90:rate=10"), 1);
  // Three minutes at 64x36 and 5 fps: long enough to sample, cheap enough to also decode whole.
  longClip = makeClip(tmp.dir, "long", lavfi("testsrc=size=64x36:rate=5"), 180);
}, 60_000);

const entryPath = (cacheDir: string, sha: string) => join(cacheDir, "analysis", `${sha}.json`);
/** Every path under `dir` with its size, sorted: what a test compares to see that nothing was written. */
const listTree = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).map((p) => `${p} ${statSync(join(dir, p)).size}`).sort();

describe("the analysis cache", () => {
  it("answers a second analysis of the same bytes without running ffmpeg, under any file name", async () => {
    const cacheDir = join(tmp.dir, "cache-hit");
    const tools = countingTools();
    const first = await analyseFile(clip, { cacheDir, tools: tools.run });
    const ran = tools.calls();
    expect(ran).toBeGreaterThan(0);
    const entry = JSON.parse(readFileSync(entryPath(cacheDir, first.sha256), "utf8")) as { formatVersion: number };
    expect(entry.formatVersion).toBe(ANALYSIS_FORMAT_VERSION);

    const renamed = join(tmp.dir, "renamed.mp4");
    copyFileSync(clip, renamed);
    const second = await analyseFile(renamed, { cacheDir, tools: tools.run });
    expect(tools.calls()).toBe(ran);
    expect(second.file).toBe(renamed);
    expect(second.profile.source).toBe(renamed);
    expect(second.features).toEqual(first.features);
    expect(second.classification).toEqual(first.classification);
  });

  it("ignores a corrupt entry and rewrites it whole", async () => {
    const cacheDir = join(tmp.dir, "cache-corrupt");
    const first = await analyseFile(clip, { cacheDir });
    const path = entryPath(cacheDir, first.sha256);
    writeFileSync(path, '{ "formatVersion": 1, "analysis": { "sha2');
    const tools = countingTools();
    const again = await analyseFile(clip, { cacheDir, tools: tools.run });
    expect(tools.calls()).toBeGreaterThan(0);
    expect(again.features).toEqual(first.features);
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ formatVersion: ANALYSIS_FORMAT_VERSION, analysis: { sha256: first.sha256 } });
  });

  it("ignores an entry of another format version, or measured with other sampling", async () => {
    const cacheDir = join(tmp.dir, "cache-stale");
    const first = await analyseFile(clip, { cacheDir });
    const path = entryPath(cacheDir, first.sha256);
    const entry = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...entry, formatVersion: ANALYSIS_FORMAT_VERSION - 1 }));
    const tools = countingTools();
    await analyseFile(clip, { cacheDir, tools: tools.run });
    const afterStale = tools.calls();
    expect(afterStale).toBeGreaterThan(0);
    await analyseFile(clip, { cacheDir, tools: tools.run, sampling: { sampleAboveSeconds: 0.5, windows: 2, windowSeconds: 0.2 } });
    expect(tools.calls()).toBeGreaterThan(afterStale);
  });

  it("writes nothing without a cache directory, and survives one it cannot write", async () => {
    const notADir = join(tmp.dir, "a-file");
    writeFileSync(notADir, "");
    const before = listTree(tmp.dir);
    const a = await analyseFile(clip, { cacheDir: notADir });
    expect(a.classification.contentClass).toBeDefined();
    // The unwritable cache stays what it was (an empty file), and nothing appeared beside it.
    expect(statSync(notADir).isFile() && statSync(notADir).size).toBe(0);
    expect(listTree(tmp.dir)).toEqual(before);
    const none = await analyseFile(clip, { cacheDir: null });
    expect(none.sha256).toBe(a.sha256);
    expect(listTree(tmp.dir)).toEqual(before);
  });

  it("lives in $VPS_CACHE_DIR, else ~/.cache/vps", () => {
    expect(defaultCacheDir({ VPS_CACHE_DIR: "/var/cache/vps" })).toBe("/var/cache/vps");
    expect(defaultCacheDir({})).toMatch(/\.cache\/vps$/);
  });
});

describe("bad inputs", () => {
  it("a missing file is an input error naming it", async () => {
    await expect(analyseFile(join(tmp.dir, "nope.mp4"), { cacheDir: null })).rejects.toThrow(new InputError(`${join(tmp.dir, "nope.mp4")}: no such file`));
  });

  it("a directory is an input error", async () => {
    await expect(analyseFile(tmp.dir, { cacheDir: null })).rejects.toThrow(`${tmp.dir}: not a regular file (a directory, a device or a pipe)`);
  });

  it("a text file named .mp4 is an input error saying what ffprobe said", async () => {
    const fake = join(tmp.dir, "holiday.mp4");
    writeFileSync(fake, "not a video\n");
    const e = await analyseFile(fake, { cacheDir: null }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`${fake}: not a readable media file (ffprobe: Invalid data found when processing input)`);
  });

  it("an audio file is an input error: no video stream", async () => {
    const audio = join(tmp.dir, "tone.m4a");
    ffmpeg(["-f", "lavfi", "-i", "sine=d=0.5", audio]);
    await expect(analyseFile(audio, { cacheDir: null })).rejects.toThrow(`${audio}: no video stream (ffprobe found audio aac)`);
  });
});

describe("ffmpeg missing or failing", () => {
  it("is an external error (exit 3)", async () => {
    const missing: ToolRunner = (cmd) => Promise.reject(new ToolNotFound(cmd));
    const e = await analyseFile(clip, { cacheDir: null, tools: missing }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExternalError);
    expect((e as Error).message).toBe("ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)");
  });

  /** Real ffprobe, and an ffmpeg that fails with the given stderr. */
  const failingFfmpeg =
    (stderr: string): ToolRunner =>
    (cmd, args, req) =>
      cmd === "ffmpeg" ? Promise.reject(new ToolFailed(cmd, args, 1, null, stderr)) : localTools(cmd, args, req);

  it("an ffmpeg without the measuring filters is an external error", async () => {
    const e = await analyseFile(clip, { cacheDir: null, tools: failingFfmpeg("No such filter: 'siti'") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExternalError);
    expect((e as Error).message).toMatch(/ffmpeg lacks a filter vps needs/);
  });

  it("a file ffprobe reads but ffmpeg cannot decode is an input error", async () => {
    const e = await analyseFile(clip, { cacheDir: null, tools: failingFfmpeg("Invalid NAL unit size") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`${clip}: ffmpeg could not decode the video (Invalid NAL unit size)`);
  });
});

describe("sampling a long file", () => {
  const sampling = { sampleAboveSeconds: 60, windows: 4, windowSeconds: 2 };

  it("decodes only evenly spaced windows, and measures about what a full decode measures", async () => {
    const sampled = await analyseFile(longClip, { cacheDir: null, sampling });
    expect(sampled.sampled).toBe(true);
    expect(sampled.measurement.windows).toEqual([
      { start: 21.5, seconds: 2 },
      { start: 66.5, seconds: 2 },
      { start: 111.5, seconds: 2 },
      { start: 156.5, seconds: 2 },
    ]);
    expect(sampled.measurement.framesAnalysed).toBeLessThanOrEqual(4 * 2 * 5 + 4);
    expect(sampled.profile.duration).toBeCloseTo(180, 0);

    const full = await analyseFile(longClip, { cacheDir: null, sampling: { ...sampling, sampleAboveSeconds: 1e6 } });
    expect(full.sampled).toBe(false);
    expect(full.measurement.framesAnalysed).toBe(900);
    expect(sampled.features.siMean).toBeCloseTo(full.features.siMean, -1);
    expect(Math.abs(sampled.features.siMean - full.features.siMean) / full.features.siMean).toBeLessThan(0.05);
    expect(sampled.classification.contentClass).toBe(full.classification.contentClass);
  });
});
