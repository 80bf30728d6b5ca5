// `vps ladder` end to end on a tiny synthetic clip (the real bin/vps, real ffmpeg), and its errors.
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TitleLadder } from "../../src/ladder/ladder";
import { assertBuilt, ROOT, type Run, vps } from "../cli/run";
import { lavfi, makeClip, tempDir } from "../content/media";

const tmp = tempDir("vps-ladder-test-");
afterAll(() => tmp.remove());

/** A 1.5 s 480x270 moving test pattern: two trial sizes (270p, 180p) × five CRFs, each a blink. */
const clip = makeClip(tmp.dir, "tiny", lavfi("testsrc2=size=480x270:rate=24"), 1.5);

/** bin/vps with TMPDIR pointed at a fresh folder, to see what a run leaves behind. */
function vpsIn(tmpdir: string, ...args: string[]): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, ["bin/vps", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", TMPDIR: tmpdir } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vps ladder", () => {
  it("trial-encodes a clip and prints its hull, trials and rungs as JSON, leaving no temp files", () => {
    const scratch = join(tmp.dir, "scratch");
    spawnSync("mkdir", ["-p", scratch]);
    const r = vpsIn(scratch, "ladder", clip, "--no-cache", "--preset", "ultrafast", "--seconds", "1");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [l] = JSON.parse(r.stdout) as TitleLadder[];
    expect(l!.source).toMatchObject({ width: 480, height: 270 });
    expect(l!.excerpt).toMatchObject({ seconds: 1, frames: 24 });
    expect(l!.trials).toHaveLength(10);
    expect(new Set(l!.trials.map((t) => t.height))).toEqual(new Set([270, 180]));
    for (const t of l!.trials) {
      expect(t.kbps).toBeGreaterThan(0);
      expect(t.psnr).toBeGreaterThan(15);
      expect(t.ssim).toBeGreaterThan(0.3);
    }
    expect(l!.hull.length).toBeGreaterThan(1);
    expect(l!.rungs.length).toBeGreaterThan(0);
    expect(l!.rungs.length).toBeLessThanOrEqual(l!.caps.maxRungs);
    for (const g of l!.rungs) {
      expect(g.height).toBeLessThanOrEqual(270);
      expect(g.kbps).toBeLessThanOrEqual(l!.caps.topKbps);
    }
    expect(readdirSync(scratch)).toEqual([]);
  });

  it("prints a table of the rungs for people", () => {
    const r = vps("ladder", clip, "--cache", join(tmp.dir, "cache"), "--preset", "ultrafast", "--seconds", "0.5", "--table", "--verbose");
    expect(r.status).toBe(0);
    for (const text of ["h264-sdr/", "480x270", "rung", "PSNR-Y (trials)", "10 trials", "hull", "SSIM-Y"]) expect(r.stdout).toContain(text);
  });

  it.each([
    [["no/such/clip.mp4"], "no/such/clip.mp4: no such file"],
    [[], "vps ladder: name at least one video file (or use --fit)"],
    [["CLIP", "--deliverable", "mpeg2-dvd"], 'unknown deliverable "mpeg2-dvd": the recipe library has av1, h264-sdr, hevc-hdr10, hevc-sdr'],
    [["CLIP", "--seconds", "300"], 'expected at most 30 seconds of excerpt, found "300"'],
  ])("exits 2 for %j, saying why", (args, message) => {
    const r = vps("ladder", ...args.map((a) => (a === "CLIP" ? clip : a)), "--no-cache");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("    at ");
  });

  it("exits 2 for a file that is not a video", () => {
    const text = join(tmp.dir, "notes.mp4");
    writeFileSync(text, "not a video\n");
    const r = vps("ladder", text, "--no-cache");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${text}:`);
    expect(r.stderr).not.toContain("    at ");
  });
});
