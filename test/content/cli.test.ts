// `vps analyze` as a user runs it: the real bin/vps, stdout a pipe (so JSON by default).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Analysis } from "../../src/content/types";
import { assertBuilt, ROOT, tempDir, vps, type Run } from "../cli/run";
import { lavfi, makeClip, MEDIA } from "./media";

/** One cache for the runs that analyse the carphone clip: only the first decodes it. */
const cache = tempDir();

/** bin/vps with a chosen environment (PATH without ffmpeg, VPS_CACHE_DIR). */
function vpsWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, ["bin/vps", ...args], { cwd: ROOT, encoding: "utf8", env: { FORCE_COLOR: "0", ...env } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const analyses = (r: Run): Analysis[] => JSON.parse(r.stdout) as Analysis[];

describe("vps analyze", () => {
  it("prints a JSON array with the content class of a shared clip", () => {
    const r = vps("analyze", MEDIA.talkinghead, "--cache", cache);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [a] = analyses(r);
    expect(a!.classification.contentClass).toBe("talking-head");
    expect(a!.profile).toMatchObject({ width: 176, height: 144, contentClass: "talking-head", source: MEDIA.talkinghead });
    expect(readdirSync(join(cache, "analysis"))).toEqual([`${a!.sha256}.json`]);
  });

  it("prints a table per file with --table: format, SI/TI, cuts, class and why", () => {
    const r = vps("analyze", MEDIA.talkinghead, "--cache", cache, "--table");
    expect(r.status).toBe(0);
    for (const text of ["176x144", "29.970 fps", "SI mean / max", "cuts / min", "talking-head", "because", "staticPixelShare"]) expect(r.stdout).toContain(text);
  });

  it("exits 2 for a missing file, naming it on stderr and writing nothing on stdout (it printed [])", () => {
    const r = vps("analyze", "no/such/clip.mp4", "--no-cache");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no/such/clip.mp4: no such file\n");
  });

  it.each([[[]], [["--table"]]])("a mixed batch %j exits 2 naming every bad file, with nothing on stdout (it printed the good one)", (format) => {
    const r = vps("analyze", "missing.mp4", MEDIA.talkinghead, "gone.mov", "--cache", cache, ...format);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").slice(0, 2)).toEqual(["missing.mp4: no such file", "gone.mov: no such file"]);
    expect(r.stderr).toContain("analyze: 2 of 3 file(s) could not be analysed");
  });

  it("exits 3 when ffmpeg is not installed", () => {
    const r = vpsWithEnv({ PATH: tempDir() }, "analyze", MEDIA.talkinghead, "--no-cache");
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)");
  });

  it("caches under $VPS_CACHE_DIR by default, and nowhere with --no-cache", () => {
    const dir = tempDir();
    const clip = makeClip(dir, "tiny", lavfi("testsrc2=size=96x54:rate=10"), 0.5);
    const PATH = process.env.PATH;
    expect(vpsWithEnv({ PATH, VPS_CACHE_DIR: join(dir, "off") }, "analyze", clip, "--no-cache").status).toBe(0);
    expect(existsSync(join(dir, "off"))).toBe(false);
    expect(vpsWithEnv({ PATH, VPS_CACHE_DIR: join(dir, "on") }, "analyze", clip).status).toBe(0);
    expect(readdirSync(join(dir, "on", "analysis"))).toHaveLength(1);
  });
});
