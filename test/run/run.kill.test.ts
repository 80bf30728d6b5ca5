// `vps run` killed and run again, with real processes: kill -9 at an early and a late point, then
// the same command resumes (the checked encodes of the first run are not redone) and publishes
// what an uninterrupted run publishes; a stale lock does not block it, a live run's lock does;
// Ctrl-C stops the run with exit 130, no ffmpeg left behind, and the journal saying so.
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/run/journal";
import type { Run } from "../cli/run";
import { tempDir } from "../tempDir";
import { childrenOf, cuedFfmpeg, decodedFrames, filesUnder, journalOf, makeSource, manifestOf, processesMentioning, publishedRungs, reportOf, sha256Of, type TitleSpec, vpsIn, vpsStart, waitFor, workloadYaml } from "./cli";

let cache: string;
let titles: TitleSpec[];
/** An uninterrupted run of the same workload: what every interrupted one must end up publishing. */
let reference: string;

beforeAll(() => {
  const sources = tempDir();
  cache = tempDir();
  makeSource(join(sources, "x.mp4"), "640x360", 1); // 360p + 240p
  makeSource(join(sources, "y.mp4"), "640x360", 2); // 360p + 240p
  makeSource(join(sources, "z.mp4"), "320x180", 1); // 240p
  titles = [
    { id: "x", tier: "premium", source: join(sources, "x.mp4") },
    { id: "y", tier: "standard", source: join(sources, "y.mp4") },
    { id: "z", tier: "ugc", source: join(sources, "z.mp4") },
  ];
  const dir = tempDir({ "w.yaml": workloadYaml(titles) });
  const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2");
  if (r.status !== 0) throw new Error(`the reference run failed (${r.status}):\n${r.stderr}`);
  reference = join(dir, "out");
});

/** A fresh dir with the workload and a fake ffmpeg that is slow (progress for `delaySeconds`, then the real encode) on every task. */
function slowSetup(delaySeconds = 1, cue = "slow-ok"): { dir: string; out: string; args: string[] } {
  const dir = tempDir({ "w.yaml": workloadYaml(titles) });
  const ffmpeg = cuedFfmpeg(dir, { "*": cue }, delaySeconds);
  return { dir, out: join(dir, "out"), args: ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2", "--ffmpeg", ffmpeg] };
}

type End = Extract<JournalEntry, { type: "end" }>;
const encodeEnds = (entries: JournalEntry[]): End[] => entries.filter((e): e is End => e.type === "end" && e.outputs.length > 0);
const expectExit = (r: Run, code: number) => expect(r.status, `exit ${r.status}, stderr:\n${r.stderr}`).toBe(code);

/** Published renditions → decoded frame count (title.json files left out). */
function publishedFrames(out: string): Record<string, number> {
  const dir = join(out, "published");
  return Object.fromEntries(publishedRungs(out).map((f) => [f, decodedFrames(join(dir, f))]));
}

/** Each published file title.json lists, whose bytes differ from what it lists (none, when all is well). */
function unlike(out: string, title: string): string[] {
  return manifestOf(out, title).deliverables.flatMap((d) => d.files).filter((f) => sha256Of(join(out, "published", title, f.path)) !== f.sha256).map((f) => f.path);
}

describe("vps run killed with SIGKILL, then run again", () => {
  it("stops the ffmpeg processes the killed run left behind before it starts its own", async () => {
    // An ffmpeg that keeps its arguments and never writes (so no SIGPIPE ends it when vps dies): it
    // outlives vps as a real, busy ffmpeg does. The preflight's -version goes to the real one.
    const dir = tempDir({
      "w.yaml": workloadYaml(titles.slice(2)),
      "stuck-ffmpeg": '#!/usr/bin/env bash\ncase " $* " in *" -version "*) exec ffmpeg "$@" ;; esac\nwhile :; do sleep 0.2; done\n',
    });
    const ffmpeg = join(dir, "stuck-ffmpeg");
    chmodSync(ffmpeg, 0o755);
    const out = join(dir, "out");
    const first = vpsStart({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1", "--ffmpeg", ffmpeg, "--stall-timeout", "600");
    await waitFor("an ffmpeg spawned", () => journalOf(out).some((e) => e.type === "spawn"));
    const spawned = journalOf(out).find((e): e is Extract<JournalEntry, { type: "spawn" }> => e.type === "spawn")!.pid;
    first.child.kill("SIGKILL");
    await first.done;
    expect(processesMentioning(join(out, ".work")), "the orphan outlives vps").toContain(spawned);
    const again = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1");
    expectExit(again, 0);
    expect(again.stderr).toMatch(/stopped 1 ffmpeg process\(es\) that a killed run left behind/);
    expect(processesMentioning(join(out, ".work"))).not.toContain(spawned);
    expect(publishedRungs(out)).toEqual(["z/h264-sdr/240p.m3u8"]);
  });

  it.each([
    ["early, after the first encode ended", 1, 0],
    ["late, after most encodes ended", 4, 1],
  ])("resumes when killed %s", async (_when, ends, publishedAtKill) => {
    const { dir, out, args } = slowSetup();
    const first = vpsStart({ cwd: dir }, ...args);
    await waitFor(`${ends} encode end(s) in the journal`, () => encodeEnds(journalOf(out)).length >= ends);
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const before = journalOf(out);
    const done = new Set(encodeEnds(before).map((e) => e.key));
    expect(done.size).toBeGreaterThanOrEqual(ends);
    // the dead run's lock is still there, with its pid: stale, it must not block the re-run
    expect(readFileSync(join(out, ".vps/lock"), "utf8").trim()).toBe(String(first.child.pid));
    const publishedBefore = filesUnder(join(out, "published")).filter((f) => f.endsWith("title.json"));
    expect(publishedBefore.length).toBeGreaterThanOrEqual(publishedAtKill);
    const stampsBefore = publishedBefore.map((f) => manifestOf(out, f.split("/")[0]!).publishedAt);

    const again = vpsIn({ cwd: dir }, ...args);
    expectExit(again, 0);
    const after = journalOf(out).slice(before.length);
    expect(after[0]).toMatchObject({ type: "run", resumed: expect.any(Number) as number });
    const restarted = after.filter((e) => e.type === "start" && done.has(e.key)).map((e) => (e.type === "start" ? e.task : ""));
    expect(restarted, "encodes the killed run had finished were started again").toEqual([]);
    const plan = reportOf(out);
    for (const key of done) expect(plan.tasks.find((t) => t.id === key), key).toMatchObject({ resumed: true });
    expect(after.at(-1)).toMatchObject({ type: "stop", why: "finished" });

    // the same titles, renditions and frame counts as the uninterrupted run; every file is what title.json says
    expect(filesUnder(join(out, "published"))).toEqual(filesUnder(join(reference, "published")));
    expect(publishedFrames(out)).toEqual(publishedFrames(reference));
    for (const t of titles) {
      expect(unlike(out, t.id), t.id).toEqual([]);
    }
    // a title the killed run had published is left as it was (not published a second time)
    expect(publishedBefore.map((f) => manifestOf(out, f.split("/")[0]!).publishedAt)).toEqual(stampsBefore);
    expect(filesUnder(out).filter((f) => f.endsWith(".partial"))).toEqual([]);
    expect(existsSync(join(out, ".vps/lock"))).toBe(false);
  }, 120_000);
});

/** Resolves with the run's end, or rejects when it has not ended within `ms` of the call. */
function endsWithin<T>(done: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`vps run had not exited ${ms} ms after the signal`)), ms)));
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

/** The process exists (a zombie counts: the run did not reap it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const encodeStarted = (out: string) => () => journalOf(out).some((e) => e.type === "start" && e.task.includes("/encode/"));

describe("vps run: the lock on the output directory", () => {
  it("refuses a second live run on the same --out-dir with exit 2, and the first run is not disturbed", async () => {
    const { dir, out, args } = slowSetup(2);
    const first = vpsStart({ cwd: dir }, ...args);
    await waitFor("an encode to start", encodeStarted(out));
    const second = vpsIn({ cwd: dir }, ...args);
    expectExit(second, 2);
    expect(second.stderr).toMatch(new RegExp(`in use by another vps run \\(pid ${first.child.pid}\\)`));
    expectExit(await first.done, 0);
    expect(journalOf(out).filter((e) => e.type === "run")).toHaveLength(1);
    expect(filesUnder(join(out, "published"))).toEqual(filesUnder(join(reference, "published")));
  }, 120_000);
});

describe("vps run interrupted (SIGINT, SIGTERM)", () => {
  it.each([
    ["kill -INT of the vps process", "SIGINT", false, "slow-ok"],
    ["Ctrl-C at a terminal (SIGINT to the whole process group)", "SIGINT", true, "slow-ok"],
    ["kill -TERM of the vps process", "SIGTERM", false, "slow-ok"],
    ["kill -INT while ffmpeg ignores SIGTERM (killed after the grace)", "SIGINT", false, "hang-hard"],
  ] as const)("on %s: exits 130 promptly, leaves no ffmpeg running, journals the stop; the same command then resumes", async (_how, signal, group, cue) => {
    const { dir, out, args } = slowSetup(30, cue);
    const run = vpsStart({ cwd: dir, detached: group }, ...args);
    await waitFor("an encode to start", encodeStarted(out));
    let ffmpegs: number[] = [];
    await waitFor("the fake ffmpeg to be running", () => (ffmpegs = childrenOf(run.child.pid!)).length > 0);
    process.kill(group ? -run.child.pid! : run.child.pid!, signal);
    const stopped = await endsWithin(run.done, 20_000);
    expectExit(stopped, 130);
    expect(stopped.stderr).toMatch(/run the same command again to resume/);
    expect(processesMentioning(out), "processes still running with the out-dir in their arguments").toEqual([]);
    // by pid too: hang-hard's ffmpeg became `sleep infinity`, which no longer names the out-dir
    expect(ffmpegs.filter(alive), "ffmpeg processes the run had started (its children)").toEqual([]);
    const journal = journalOf(out);
    expect(journal.at(-1)).toMatchObject({ type: "stop", why: "interrupted" });
    expect(journal.filter((e) => e.type === "fail"), "an interrupted task is not a failed one").toEqual([]);
    expect(filesUnder(out).filter((f) => f.endsWith(".partial") || f.startsWith("published/"))).toEqual([]);
    expect(existsSync(join(out, ".vps/lock"))).toBe(false);

    // the same command again (ffmpeg no longer slow) finishes the job
    cuedFfmpeg(dir, {});
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    expect(publishedFrames(out)).toEqual(publishedFrames(reference));
  }, 120_000);
});

describe("vps run again on an out-dir whose run finished", () => {
  const encodeStarts = (entries: JournalEntry[]) => entries.filter((e) => e.type === "start" && e.task.includes("/encode/"));

  it("redoes no encode and leaves the published titles as they were", () => {
    const dir = tempDir({ "w.yaml": workloadYaml(titles) });
    const args = ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2"];
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    const out = join(dir, "out");
    const stamps = titles.map((t) => manifestOf(out, t.id).publishedAt);
    const before = journalOf(out).length;
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    expect(encodeStarts(journalOf(out).slice(before))).toEqual([]);
    expect(titles.map((t) => manifestOf(out, t.id).publishedAt)).toEqual(stamps);
    expect(reportOf(out).tasks.filter((t) => t.kind === "encode").every((t) => t.resumed === true)).toBe(true);
  });

  it("publishes a title held by a failure once the fault is gone, redoing only its failed encode", () => {
    const dir = tempDir({ "w.yaml": workloadYaml(titles) });
    const ffmpeg = cuedFfmpeg(dir, { y: "fail" });
    const args = ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2", "--ffmpeg", ffmpeg, "--max-tries", "1"];
    expectExit(vpsIn({ cwd: dir }, ...args), 4);
    const out = join(dir, "out");
    expect(existsSync(join(out, "published/y"))).toBe(false);
    const before = journalOf(out).length;
    cuedFfmpeg(dir, {});
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    expect(encodeStarts(journalOf(out).slice(before)).map((e) => (e.type === "start" ? e.task : "")).sort()).toEqual(["y/encode/h264-sdr/240p", "y/encode/h264-sdr/360p"]);
    expect(publishedFrames(out)).toEqual(publishedFrames(reference));
  });

  it("adds the rendition a --partial publish run left out, keeping the published one's file", () => {
    const dir = tempDir({ "w.yaml": workloadYaml(titles.slice(0, 1)) });
    const ffmpeg = cuedFfmpeg(dir, { "x/h264-sdr/240p": "fail" });
    const args = ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=2", "--ffmpeg", ffmpeg, "--max-tries", "1", "--partial", "publish"];
    expectExit(vpsIn({ cwd: dir }, ...args), 4);
    const out = join(dir, "out");
    expect(publishedRungs(out)).toEqual(["x/h264-sdr/360p.m3u8"]);
    const before = journalOf(out).length;
    cuedFfmpeg(dir, {});
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    // The package is made again with both rungs; the 360p encode is not redone.
    expect(publishedRungs(out)).toEqual(["x/h264-sdr/240p.m3u8", "x/h264-sdr/360p.m3u8"]);
    expect(encodeStarts(journalOf(out).slice(before)).map((e) => (e.type === "start" ? e.task : ""))).toEqual(["x/encode/h264-sdr/240p"]);
    const doc = manifestOf(out, "x");
    expect(doc.failedRenditions).toEqual([]);
    expect(doc.deliverables.flatMap((d) => d.renditions.map((r) => r.name)).sort()).toEqual(["240p", "360p"]);
    expect(unlike(out, "x")).toEqual([]);
    expect(readFileSync(join(out, "published/x/h264-sdr/master.m3u8"), "utf8")).toMatch(/RESOLUTION=640x360[^\n]*\n360p\.m3u8\n[^\n]*RESOLUTION=426x240[^\n]*\n240p\.m3u8/);
  });

  /** z (one encode) run to the end, then the same command again: every encode resumed. */
  function finishedTwice(): string {
    const dir = tempDir({ "w.yaml": workloadYaml(titles.slice(2)) });
    const args = ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1"];
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    return join(dir, "out");
  }

  it("writes a run.json that vps verify accepts when tasks were resumed", () => {
    const out = finishedTwice();
    expect(reportOf(out).tasks.find((t) => t.kind === "encode")).toMatchObject({ resumed: true });
    expectExit(vpsIn({}, "verify", join(out, "run.json")), 0);
  });

  it("keeps in history.csv the encodes an earlier run in the out-dir really ran", () => {
    const out = finishedTwice();
    const rows = readFileSync(join(out, "history.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows.map((l) => l.split(",")[0])).toEqual(["z"]);
  });

  it("repairs a published segment damaged in place: every file is what title.json says again", () => {
    const dir = tempDir({ "w.yaml": workloadYaml(titles.slice(2)) });
    const args = ["run", "w.yaml", "--out-dir", "out", "--cache", cache, "--slots", "cpu=1"];
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    const out = join(dir, "out");
    const segment = manifestOf(out, "z").deliverables[0]!.files.find((f) => f.path.endsWith(".m4s"))!;
    const file = join(out, "published/z", segment.path);
    const fd = openSync(file, "r+");
    writeSync(fd, "damaged!", 200);
    closeSync(fd);
    expect(unlike(out, "z")).toEqual([segment.path]);
    expectExit(vpsIn({ cwd: dir }, ...args), 0);
    expect(unlike(out, "z")).toEqual([]);
    expect(sha256Of(file)).toBe(segment.sha256);
  });
});
