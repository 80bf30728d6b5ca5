// A job's paths on both sides: the coordinator writes them relative to its --shared-dir
// (relativeArgv), the worker finds them under its own and refuses one that a symlink leads out of,
// or an input it cannot see (checkSharedPaths).
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeArgv, joinArgv } from "../../src/encode/argv";
import type { FfmpegJob } from "../../src/farm/protocol";
import { checkJob, checkSharedPaths, jobPaths, relativeArgv } from "../../src/farm/validate";
import { tempDir } from "../tempDir";
import { aJob, asTry, dashJob, facts, recipes, SHARED, TITLE, tryName, WORK_DIRS } from "./jobs";

const h264 = recipes().find((r) => r.id === "h264-sdr/generic")!;
const SOURCE = "uploads/ep 1 (final).mov";
const encodeOf = (shared: string, source = `${shared}/${SOURCE}`) =>
  asTry(encodeArgv(facts({ source }), { title: TITLE, recipe: h264, rendition: h264.ladder[1]!, preset: "medium", chunk: null, slots: 2 }, `${shared}/out/.work`));
const OUTPUT = `out/.work/${TITLE}/h264-sdr/.720p.mp4.0a1b2c3d-7-1.partial`;

describe("jobPaths", () => {
  it("an encode reads its source and writes its try's file", () => {
    expect(jobPaths(aJob(encodeOf(SHARED)))).toEqual({ inputs: [SOURCE], outputs: [OUTPUT] });
  });

  it("a join reads each chunk named in its concat list, quotes undone", () => {
    const job = aJob(asTry(joinArgv(WORK_DIRS[2]!, TITLE, "h264-sdr", "720p", 2)));
    expect(jobPaths(job).inputs).toEqual([`it's here/.work/${TITLE}/h264-sdr/720p.c000.mp4`, `it's here/.work/${TITLE}/h264-sdr/720p.c001.mp4`]);
  });

  it("a package writes its folder and the manifest in it; names with a colon lose their file:", () => {
    const { job } = dashJob(WORK_DIRS[1]!, ["h264", "aac"]);
    const dir = `night:run/staging/${TITLE}/.h264-sdr.0a1b2c3d-7-1.partial`;
    expect(jobPaths(job)).toEqual({ inputs: ["1080p", "720p", "360p"].map((r) => `night:run/.work/${TITLE}/h264-sdr/${r}.mp4`).concat(`night:run/.work/${TITLE}/aac.audio.mp4`), outputs: [dir, `${dir}/manifest.mpd`] });
  });
});

describe("checkSharedPaths", () => {
  /** A shared dir holding the source, and the checked job that encodes it. */
  function world(): { shared: string; job: FfmpegJob } {
    const shared = tempDir({ [SOURCE]: "video" });
    const checked = checkJob(aJob(encodeOf(shared), {}, shared));
    if (!checked.ok) throw new Error(checked.reason);
    return { shared, job: checked.job };
  }

  it("passes a job whose input is there and whose output lands inside (its folders not made yet)", async () => {
    const { shared, job } = world();
    expect(await checkSharedPaths(job, shared)).toBeNull();
  });

  it("passes through a shared dir that is itself a symlink (a mount point reached by a link)", async () => {
    const { shared, job } = world();
    const link = join(tempDir(), "farm");
    symlinkSync(shared, link);
    expect(await checkSharedPaths(job, link)).toBeNull();
  });

  it("refuses a missing input: the shared storage is not mounted there", async () => {
    const { job } = world();
    const empty = tempDir();
    expect(await checkSharedPaths(job, empty)).toBe(`cannot see input ${SOURCE} under --shared-dir ${empty} (is the shared storage mounted here?)`);
  });

  it("refuses an input that a symlink inside the shared dir leads out of", async () => {
    const outside = tempDir({ "secret.mov": "x" });
    const shared = tempDir();
    mkdirSync(join(shared, "uploads"));
    symlinkSync(join(outside, "secret.mov"), join(shared, SOURCE));
    const job = aJob(encodeOf(shared), {}, shared);
    expect(await checkSharedPaths(job, shared)).toMatch(new RegExp(`^input ${escape(SOURCE)} leads to .*secret\\.mov, outside --shared-dir`));
  });

  it("refuses writing through a symlinked folder that leads out of the shared dir", async () => {
    const { shared, job } = world();
    const outside = tempDir();
    symlinkSync(outside, join(shared, "out"));
    expect(await checkSharedPaths(job, shared)).toMatch(new RegExp(`^output ${escape(OUTPUT)}: .*/out leads to .*, outside the shared directory`));
  });

  it("refuses an output that is a symlink to a file outside, or to nothing", async () => {
    const { shared, job } = world();
    const outside = tempDir({ "passwd": "root" });
    mkdirSync(join(shared, `out/.work/${TITLE}/h264-sdr`), { recursive: true });
    symlinkSync(join(outside, "passwd"), join(shared, OUTPUT));
    expect(await checkSharedPaths(job, shared)).toMatch(/leads to .*passwd, outside the shared directory/);

    const { shared: other, job: again } = world();
    mkdirSync(join(other, `out/.work/${TITLE}/h264-sdr`), { recursive: true });
    symlinkSync(join(outside, "not-there"), join(other, OUTPUT));
    expect(await checkSharedPaths(again, other)).toMatch(/is a symlink to a missing file, which ffmpeg would create wherever it points/);
  });

  it("refuses a package folder holding a symlink (its segments are written through it)", async () => {
    const shared = tempDir();
    const { job } = dashJob(`${shared}/out/.work`, ["h264"], shared);
    for (const f of jobPaths(job).inputs) {
      mkdirSync(join(shared, f, ".."), { recursive: true });
      writeFileSync(join(shared, f), "x");
    }
    const dir = join(shared, job.output);
    mkdirSync(dir, { recursive: true });
    expect(await checkSharedPaths(job, shared)).toBeNull();
    symlinkSync("/etc/passwd", join(dir, "init-0.mp4"));
    expect(await checkSharedPaths(job, shared)).toMatch(/init-0\.mp4 is a symlink in the folder ffmpeg writes/);
  });

  it("says so when --shared-dir cannot be read", async () => {
    const { job } = world();
    expect(await checkSharedPaths(job, "/nonexistent/farm")).toBe("--shared-dir /nonexistent/farm cannot be read (ENOENT)");
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("relativeArgv", () => {
  it("makes every input and the output relative, bare unless the name holds a colon", () => {
    const rel = relativeArgv(encodeOf(SHARED).args, SHARED)!;
    expect(rel[rel.indexOf("-i") + 1]).toBe(SOURCE);
    expect(rel.at(-1)).toBe(OUTPUT);
    expect(relativeArgv(["-i", `${SHARED}/a:b.mov`, "-f", "mp4", `file:${SHARED}/x/.o:1.partial`], SHARED)).toEqual(["-i", "file:a:b.mov", "-f", "mp4", "file:x/.o:1.partial"]);
  });

  it("drops file: that only the shared dir's own name needed", () => {
    expect(relativeArgv(["-i", "file:/mnt/fa:rm/in.mov", "file:/mnt/fa:rm/.o.partial"], "/mnt/fa:rm")).toEqual(["-i", "in.mov", ".o.partial"]);
  });

  it("keeps file: before a name that would read as an option", () => {
    expect(relativeArgv(["-i", `${SHARED}/-x/in.mov`, `${SHARED}/.o.partial`], SHARED)).toEqual(["-i", "file:-x/in.mov", ".o.partial"]);
  });

  it("rewrites the concat list's entries, quoted as joinArgv quotes them", () => {
    const argv = joinArgv(WORK_DIRS[2]!, TITLE, "h264-sdr", "720p", 2);
    const list = relativeArgv(argv, SHARED)![argv.findIndex((a) => a.startsWith("data:"))];
    expect(list).toBe(`data:text/plain,file 'file:it'\\''s here/.work/${TITLE}/h264-sdr/720p.c000.mp4'\nfile 'file:it'\\''s here/.work/${TITLE}/h264-sdr/720p.c001.mp4'`);
  });

  it("leaves option values alone, even one that looks like a path", () => {
    const argv = ["-hide_banner", "-vf", "fps=24000/1001", "-i", `${SHARED}/in.mov`, "-f", "mp4", tryName(`${SHARED}/o.mp4`)];
    expect(relativeArgv(argv, `${SHARED}/`)).toEqual(["-hide_banner", "-vf", "fps=24000/1001", "-i", "in.mov", "-f", "mp4", ".o.mp4.0a1b2c3d-7-1.partial"]);
  });

  it.each([
    ["a source outside the shared dir", ["-i", "/media/ep.mov", `${SHARED}/.o.partial`]],
    ["a sibling whose name starts like the shared dir", ["-i", `${SHARED}2/ep.mov`, `${SHARED}/.o.partial`]],
    ["an output outside", ["-i", `${SHARED}/ep.mov`, "/tmp/.o.partial"]],
    ["the shared dir itself", ["-i", SHARED, `${SHARED}/.o.partial`]],
    ["a relative path (relative to what?)", ["-i", "ep.mov", `${SHARED}/.o.partial`]],
    ["a path climbing out", ["-i", `${SHARED}/../etc/passwd`, `${SHARED}/.o.partial`]],
    ["a concat entry outside", ["-f", "concat", "-i", "data:text/plain,file 'file:/media/a.mp4'", `${SHARED}/.o.partial`]],
  ])("is null for %s", (_name, argv) => {
    expect(relativeArgv(argv, SHARED)).toBeNull();
  });
});
