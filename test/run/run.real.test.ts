// `vps run` end to end with real processes: real ffmpeg encodes of tiny test-pattern sources, and
// the fake ffmpeg (test/run/fake-ffmpeg, cued per task by test/run/cli.ts cuedFfmpeg) for faults.
// What a user relies on: what is published decodes and is what title.json says; a failed try is
// retried and never leaves a file at a final name; a title that fails for good is held (or
// published without the rendition with --partial publish) and never stops the other titles.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanTask } from "../../src/model";
import type { Run } from "../cli/run";
import { tempDir } from "../tempDir";
import { cuedFfmpeg, decodedFrames, filesUnder, journalOf, makeSource, manifestOf, publishedRungs, reportOf, sha256Of, type TitleSpec, vpsIn, vpsStart, workloadYaml } from "./cli";

let sources: string;
let cache: string;

beforeAll(() => {
  sources = tempDir();
  cache = tempDir();
  makeSource(join(sources, "two.mp4"), "320x180", 2); // 48 frames: one 240p rendition (the ladder never upscales)
  makeSource(join(sources, "one.mp4"), "320x180", 1); // 24 frames
  makeSource(join(sources, "ladder.mp4"), "640x360", 1); // 24 frames: 360p and 240p
});

const A: TitleSpec = { id: "a", tier: "premium", source: "" };
const B: TitleSpec = { id: "b", tier: "ugc", source: "" };
const twoTitles = (): TitleSpec[] => [
  { ...A, source: join(sources, "two.mp4") },
  { ...B, source: join(sources, "one.mp4") },
];

/** `vps run` of `titles` in a fresh dir (out-dir `out` there); `cues` switches to the cued fake ffmpeg. */
function run(titles: TitleSpec[], cues: Record<string, string> | null, ...flags: string[]): { dir: string; out: string; r: Run } {
  const dir = tempDir({ "w.yaml": workloadYaml(titles) });
  const fake = cues ? ["--ffmpeg", cuedFfmpeg(dir, cues), "--retry-delay", "0.1", "--stall-timeout", "2"] : [];
  const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, ...fake, ...flags);
  return { dir, out: join(dir, "out"), r };
}

const taskOf = (plan: Plan, id: string): PlanTask => {
  const t = plan.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id} in run.json: ${plan.tasks.map((x) => x.id).join(", ")}`);
  return t;
};
const encodes = (plan: Plan, title?: string) => plan.tasks.filter((t) => t.kind === "encode" && (title === undefined || t.title === title));
const partials = (out: string) => filesUnder(out).filter((f) => f.endsWith(".partial"));
/** What is published: each title's title.json and each rung's HLS media playlist (segments, init files, master and audio aside). */
const published = (out: string) => [...publishedRungs(out), ...filesUnder(join(out, "published")).filter((f) => f.endsWith("/title.json"))].sort();
const expectExit = (r: Run, code: number) => expect(r.status, `exit ${r.status}, stderr:\n${r.stderr}`).toBe(code);

describe("vps run: a clean run", () => {
  let out: string;
  let r: Run;
  // --keep-work: the tests below compare the renditions under .work with what run.json says of them.
  beforeAll(() => ({ out, r } = run(twoTitles(), null, "--slots", "cpu=2", "--keep-work")));

  it("exits 0 and publishes every rendition, decoding to the source's frame count", () => {
    expectExit(r, 0);
    expect(published(out)).toEqual(["a/h264-sdr/240p.m3u8", "a/title.json", "b/h264-sdr/240p.m3u8", "b/title.json"]);
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(48);
    expect(decodedFrames(join(out, "published/b/h264-sdr/240p.m3u8"))).toBe(24);
  });

  it("lists in title.json each rendition as its package declares it, and every published file with its sha256 and size", () => {
    for (const title of ["a", "b"]) {
      const doc = manifestOf(out, title);
      const listed = doc.deliverables.flatMap((d) => d.renditions);
      expect(listed.map((x) => x.name)).toEqual(["240p"]);
      expect(listed[0]).toMatchObject({ codecs: expect.stringMatching(/^avc1\.64/), width: 320, height: 180 });
      expect(listed[0]!.frames).toBe(decodedFrames(join(out, "published", title, "h264-sdr/240p.m3u8")));
      const files = doc.deliverables.flatMap((d) => d.files);
      expect(files.map((f) => f.path).sort()).toEqual(filesUnder(join(out, "published", title)).filter((f) => f !== "title.json"));
      for (const f of files) {
        expect(f.sha256, f.path).toBe(sha256Of(join(out, "published", title, f.path)));
        expect(f.bytes, f.path).toBe(statSync(join(out, "published", title, f.path)).size);
      }
      expect(doc.deliverables[0]!.package).toMatchObject({ formats: ["hls", "dash"], manifests: { hls: "h264-sdr/master.m3u8", dash: "h264-sdr/manifest.mpd" } });
      expect(doc.failedRenditions).toEqual([]);
    }
  });

  it("writes a run.json that vps verify accepts, with one try and the checked output per encode", () => {
    const v = vpsIn({}, "verify", join(out, "run.json"));
    expectExit(v, 0);
    const plan = reportOf(out);
    expect(encodes(plan)).toHaveLength(2);
    for (const t of encodes(plan)) {
      expect(t.tries).toBe(1);
      expect(t.fallback).toBeUndefined();
      expect(t.output?.sha256).toBe(sha256Of(join(out, ".work", t.title, `${t.deliverable}/${t.rendition}.mp4`)));
    }
    expect(plan.titles.map((t) => [t.id, t.failed ?? null])).toEqual([
      ["a", null],
      ["b", null],
    ]);
  });

  it("writes a history.csv with one row per encode that vps calibrate fits a model from", () => {
    const lines = readFileSync(join(out, "history.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^video,codec,preset,/);
    expect(lines.slice(1).map((l) => l.split(",")[0]).sort()).toEqual(["a", "b"]);
    expect(lines.length - 1).toBe(encodes(reportOf(out)).length);
    expectExit(vpsIn({}, "calibrate", join(out, "history.csv")), 0);
  });

  it("leaves no temporary (.partial) file anywhere", () => {
    expect(partials(out)).toEqual([]);
  });
});

describe("vps run: the value policy", () => {
  it("on one slot, starts the premium title's encode before the ugc title's, though listed second", () => {
    const { out, r } = run([{ ...B, source: join(sources, "one.mp4") }, { ...A, source: join(sources, "two.mp4") }], null, "--slots", "cpu=1");
    expectExit(r, 0);
    const plan = reportOf(out);
    const first = (title: string) => Math.min(...encodes(plan, title).map((t) => t.start));
    expect(first("a")).toBeLessThanOrEqual(first("b"));
    // and in the journal's order, the premium encode started first
    const starts = journalOf(out).filter((e) => e.type === "start" && e.task.includes("/encode/"));
    expect(starts[0]).toMatchObject({ task: "a/encode/h264-sdr/240p" });
  });
});

/** What the journal says a task's failed tries were stopped for (its retry entries, in order). */
const retryReasons = (out: string, task: string): string[] => journalOf(out).flatMap((e) => (e.type === "retry" && e.task === task ? [e.reason] : []));
const A_ENCODE = "a/encode/h264-sdr/240p";
const B_ENCODE = "b/encode/h264-sdr/240p";

describe("vps run: a failed try is retried", () => {
  it("retries an ffmpeg that exits with an error once, and publishes (fail,ok: tries 2)", () => {
    const { out, r } = run(twoTitles(), { a: "fail,ok" });
    expectExit(r, 0);
    expect(taskOf(reportOf(out), A_ENCODE)).toMatchObject({ tries: 2 });
    expect(taskOf(reportOf(out), B_ENCODE)).toMatchObject({ tries: 1 });
    expect(retryReasons(out, A_ENCODE)).toEqual([expect.stringMatching(/exited with code 1.*broken encoder settings/)]);
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(48);
  });

  it("rejects a truncated output that ffmpeg called a success, retries, and publishes a good file", () => {
    const { out, r } = run(twoTitles(), { a: "truncate,ok" }, "--keep-work");
    expectExit(r, 0);
    expect(retryReasons(out, A_ENCODE)).toEqual([expect.stringMatching(/^output check failed: /)]);
    const task = taskOf(reportOf(out), A_ENCODE);
    expect(task.tries).toBe(2);
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(48);
    expect(task.output?.sha256).toBe(sha256Of(join(out, ".work/a/h264-sdr/240p.mp4")));
    expect(partials(out)).toEqual([]);
  });

  it("stops an ffmpeg that reports no progress for --stall-timeout, and retries it", () => {
    // 5 s, not less: the second, real try must show progress within it on a loaded 2-core machine
    // (at 2 s it failed once there, beside two other test runs).
    const { out, r } = run(twoTitles(), { a: "hang,ok" }, "--stall-timeout", "5");
    expectExit(r, 0);
    expect(retryReasons(out, A_ENCODE)).toEqual([expect.stringMatching(/stalled \(no progress\) and was stopped/)]);
    expect(taskOf(reportOf(out), A_ENCODE)).toMatchObject({ tries: 2 });
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(48);
  });

  it("after --max-tries crashes, runs the recipe's faster preset as a fallback, and publishes with it", () => {
    const { out, r } = run(twoTitles(), { a: "crash,crash,ok" }, "--max-tries", "2");
    expectExit(r, 0);
    const task = taskOf(reportOf(out), A_ENCODE);
    expect(task).toMatchObject({ tries: 3, fallback: "preset veryfast", preset: "veryfast" });
    const starts = journalOf(out).filter((e) => e.type === "start" && e.task === A_ENCODE);
    expect(starts.map((e) => (e.type === "start" ? [e.try, e.preset] : null))).toEqual([
      [1, "medium"],
      [2, "medium"],
      [3, "veryfast"],
    ]);
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(48);
  });
});

describe("vps run: an encoder that refuses a source", () => {
  // SVT-AV1 refuses frames under 64 pixels on a side: a 320x56 strip fails every try and the
  // faster preset, and the AV1 deliverable's fallback encoder (libaom-av1) makes the rendition.
  let out: string;
  let r: Run;
  const ENCODE = "s/encode/av1/360p";
  beforeAll(() => {
    makeSource(join(sources, "strip.mp4"), "320x56", 1);
    ({ out, r } = run([{ id: "s", tier: "premium", source: join(sources, "strip.mp4"), deliverables: ["av1"] }], null, "--max-tries", "1", "--retry-delay", "0.1", "--keep-work"));
  });

  it("publishes the rendition made by the deliverable's fallback encoder, after its own encoder and the faster preset failed", () => {
    expectExit(r, 0);
    const task = taskOf(reportOf(out), ENCODE);
    expect(task).toMatchObject({ tries: 3, fallback: "encoder libaom-av1 preset 8", preset: "8" });
    expect(task.argv?.[task.argv.indexOf("-c:v") + 1]).toBe("libaom-av1");
    expect(r.stderr).toMatch(/fallback +s\/encode\/av1\/360p with preset 10: .*must be at least 64/);
    expect(r.stderr).toMatch(/fallback +s\/encode\/av1\/360p with encoder libaom-av1 preset 8/);
    const file = join(out, ".work/s/av1/360p.mp4");
    expect(decodedFrames(file)).toBe(24);
    const probe = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file], { encoding: "utf8" });
    expect(probe.stdout.trim()).toBe("av1,320,56");
  });

  it("keeps the fallback encoder's run out of history.csv (its speed is not the AV1 model's) and journals the encoder", () => {
    expect(readFileSync(join(out, "history.csv"), "utf8").trim().split("\n")).toHaveLength(1);
    expect(journalOf(out).filter((e) => e.type === "end" && e.task === ENCODE)).toEqual([expect.objectContaining({ encoder: "libaom-av1", preset: "8" })]);
  });
});

describe("vps run: what stays in .work", () => {
  it("removes a published title's renditions and audio from .work; --keep-work keeps them (and never the chunks or the mezzanine)", () => {
    const plain = run(twoTitles(), null, "--slots", "cpu=2");
    expectExit(plain.r, 0);
    expect(filesUnder(join(plain.out, ".work"))).toEqual([]);
    const kept = run(twoTitles(), null, "--slots", "cpu=2", "--keep-work");
    expectExit(kept.r, 0);
    expect(filesUnder(join(kept.out, ".work"))).toEqual(["a/h264-sdr/240p.mp4", "b/h264-sdr/240p.mp4"]);
    expect(published(plain.out)).toEqual(published(kept.out));
  });
});

describe("vps run --json", () => {
  it("streams NDJSON events on stdout (a start and an end per task, the retry, a publish per title); stderr has only the summary", () => {
    const { out, r } = run(twoTitles(), { a: "fail,ok" }, "--json");
    expectExit(r, 0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; task?: string; title?: string });
    const ids = reportOf(out).tasks.map((t) => t.id).sort();
    expect(events.filter((e) => e.type === "task:start").map((e) => e.task).sort()).toEqual(ids);
    expect(events.filter((e) => e.type === "task:end").map((e) => e.task).sort()).toEqual(ids);
    expect(events.filter((e) => e.type === "task:retry")).toEqual([expect.objectContaining({ task: A_ENCODE, try: 2 })]);
    expect(events.filter((e) => e.type === "title:publish").map((e) => e.title).sort()).toEqual(["a", "b"]);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^vps run: 2\/2 titles published/)]);
  });
});

describe("vps run: a task that fails for good", () => {
  it("holds its title (exit 4, named with the reason on stderr) and still publishes the other title", () => {
    const { out, r } = run(twoTitles(), { a: "crash" }, "--max-tries", "2");
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^ {2}a: held \(not published\): a\/encode\/h264-sdr\/240p failed: ffmpeg was killed by SIGSEGV/m);
    const plan = reportOf(out);
    const task = taskOf(plan, A_ENCODE);
    expect(task).toMatchObject({ tries: 3, fallback: "preset veryfast", failed: true });
    expect(task.error).toMatch(/also with the fallback preset veryfast/);
    expect(plan.titles.find((t) => t.id === "a")?.failed).toMatchObject({ task: A_ENCODE, reason: expect.stringMatching(/SIGSEGV/) });
    expect(plan.titles.find((t) => t.id === "b")?.failed).toBeUndefined();
    expect(existsSync(join(out, "published/a"))).toBe(false);
    expect(published(out)).toEqual(["b/h264-sdr/240p.m3u8", "b/title.json"]);
    expect(decodedFrames(join(out, "published/b/h264-sdr/240p.m3u8"))).toBe(24);
    // the crashed tries' half files were removed, and none reached the final name
    expect(partials(out)).toEqual([]);
    expect(existsSync(join(out, ".work/a/h264-sdr/240p.mp4"))).toBe(false);
    expectExit(vpsIn({}, "verify", join(out, "run.json")), 0);
  });

  it("with --partial publish, publishes the title without the failed rendition (exit 4, failedRenditions)", () => {
    const { out, r } = run([{ id: "m", tier: "premium", source: join(sources, "ladder.mp4") }], { "m/h264-sdr/240p": "fail" }, "--max-tries", "1", "--partial", "publish");
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^ {2}m: published without h264-sdr\/240p: m\/encode\/h264-sdr\/240p failed: ffmpeg exited with code 1/m);
    expect(published(out)).toEqual(["m/h264-sdr/360p.m3u8", "m/title.json"]);
    expect(decodedFrames(join(out, "published/m/h264-sdr/360p.m3u8"))).toBe(24);
    const doc = manifestOf(out, "m");
    expect(doc.deliverables.flatMap((d) => d.renditions.map((x) => x.name))).toEqual(["360p"]);
    expect(doc.failedRenditions).toEqual([expect.objectContaining({ deliverable: "h264-sdr", rendition: "240p", task: "m/encode/h264-sdr/240p" })]);
    const title = reportOf(out).titles[0]!;
    expect(title.failed).toBeUndefined();
    expect(title.failedRenditions).toEqual([expect.objectContaining({ deliverable: "h264-sdr", rendition: "240p", reason: expect.stringMatching(/exited with code 1/) })]);
  });

  it("with --partial publish, still holds a title whose only rendition failed", () => {
    const { out, r } = run(twoTitles(), { a: "fail" }, "--max-tries", "1", "--partial", "publish");
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^ {2}a: held \(not published\): a\/encode\/h264-sdr\/240p failed/m);
    expect(published(out)).toEqual(["b/h264-sdr/240p.m3u8", "b/title.json"]);
  });

  it("treats a full disk as a failure and says 'No space left' in the reason", () => {
    const { out, r } = run(twoTitles(), { a: "diskfull" }, "--max-tries", "1");
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^ {2}a: held \(not published\): .*No space left on device/m);
    expect(reportOf(out).titles.find((t) => t.id === "a")?.failed?.reason).toMatch(/No space left on device/);
    expect(published(out)).toEqual(["b/h264-sdr/240p.m3u8", "b/title.json"]);
    expect(partials(out)).toEqual([]);
  });
});

describe("vps run: nothing half-written at a final name", () => {
  it("while tries fail and are retried, a rendition exists at its final name only once its try succeeded, and it decodes", async () => {
    const titles = [{ id: "m", tier: "premium" as const, source: join(sources, "ladder.mp4") }, { ...B, source: join(sources, "one.mp4") }];
    const dir = tempDir({ "w.yaml": workloadYaml(titles) });
    const cues = { "m/h264-sdr/360p": "crash,truncate,diskfull,slow-ok", "m/h264-sdr/240p": "hang,slow-ok", b: "slow-ok" };
    const ffmpeg = cuedFfmpeg(dir, cues, 1);
    const out = join(dir, "out");
    const running = vpsStart({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--ffmpeg", ffmpeg, "--slots", "cpu=2", "--retry-delay", "0.5", "--stall-timeout", "2", "--max-tries", "3");
    let exited = false;
    void running.done.then(() => (exited = true));

    const violations: string[] = [];
    const seen = new Map<string, Buffer>(); // each final-name file as first seen
    let retryWindows = 0;
    const ended = () => new Set(journalOf(out).flatMap((e) => (e.type === "end" ? [e.key] : [])));
    while (!exited) {
      const journal = journalOf(out);
      const latest = new Map(journal.flatMap((e) => ("key" in e ? [[e.key, e.type] as const] : [])));
      const files = filesUnder(out);
      for (const f of files) {
        const m = /^\.work\/([^/]+)\/([^/]+)\/([^/.]+)\.mp4$/.exec(f);
        // The checked output is renamed first and its end journaled right after: a kill between the
        // two only redoes the task (the journal has no end). So the end may trail the file by a
        // moment, but the file is complete (decoded below) from the moment it has its name.
        if (m && !seen.has(f)) seen.set(f, readFileSync(join(out, f)));
        const p = /^published\/([^/]+)\//.exec(f);
        if (p && !files.includes(`published/${p[1]}/title.json`)) violations.push(`${f} published without its title.json`);
      }
      for (const [key, type] of latest) {
        if (type !== "retry") continue;
        retryWindows++;
        const [title, , deliverable, rendition] = key.split("/");
        const final = `.work/${title}/${deliverable}/${rendition}.mp4`;
        const partial = `.work/${title}/${deliverable}/.${rendition}.mp4.partial`;
        if (files.includes(partial)) violations.push(`${partial} still there after its failed try (${key})`);
        if (files.includes(final) && !ended().has(key!)) violations.push(`${final} exists after a failed try`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await running.done;
    expectExit(r, 0);
    expect(violations).toEqual([]);
    expect(retryWindows, "the watcher saw tasks waiting for their retry").toBeGreaterThan(0);
    expect([...seen.keys()].sort()).toEqual([".work/b/h264-sdr/240p.mp4", ".work/m/h264-sdr/240p.mp4", ".work/m/h264-sdr/360p.mp4"]);
    const copies = tempDir();
    for (const [f, bytes] of seen) {
      const copy = join(copies, f.replaceAll("/", "_"));
      writeFileSync(copy, bytes);
      expect(decodedFrames(copy), f).toBe(24);
    }
    const plan = reportOf(out);
    expect(taskOf(plan, "m/encode/h264-sdr/360p")).toMatchObject({ tries: 4, fallback: "preset veryfast" });
    expect(taskOf(plan, "m/encode/h264-sdr/240p")).toMatchObject({ tries: 2 });
    expect(retryReasons(out, "m/encode/h264-sdr/360p")).toEqual([
      expect.stringMatching(/killed by SIGSEGV/),
      expect.stringMatching(/output check failed/),
    ]);
    // the third failure goes straight to the fallback (no retry entry), which the log names
    expect(r.stderr).toMatch(/fallback +m\/encode\/h264-sdr\/360p with preset veryfast: .*No space left on device/);
    expect(published(out)).toEqual(["b/h264-sdr/240p.m3u8", "b/title.json", "m/h264-sdr/240p.m3u8", "m/h264-sdr/360p.m3u8", "m/title.json"]);
  }, 120_000);
});
