// `vps plan` and `vps recipes explain` on workloads whose titles point at source files: measured
// once and cached (a re-plan starts no ffmpeg), argv in the plan, and the exit codes of a missing
// or unreadable source (2) and of a broken ffprobe (3).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { verifyPlan } from "../../src/plan/verify";
import { lavfi, makeClip } from "../content/media";
import { assertBuilt, planOf, ROOT, tempDir, type Run } from "./run";

/** `vps` with PATH starting at `bin` (fake or counting ffmpeg/ffprobe), stdout a pipe. */
function vpsWith(bin: string | null, ...args: string[]): Run {
  assertBuilt();
  const PATH = bin === null ? process.env.PATH : `${bin}:${process.env.PATH ?? ""}`;
  const r = spawnSync(process.execPath, ["bin/vps", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", PATH } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const which = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();

/** A bin dir whose ffmpeg and ffprobe log each run to `log`, then run the real ones. */
function countingBin(dir: string, log: string): string {
  for (const tool of ["ffmpeg", "ffprobe"]) {
    const path = join(dir, tool);
    writeFileSync(path, `#!/bin/sh\necho ${tool} >> '${log}'\nexec '${which(tool)}' "$@"\n`);
    chmodSync(path, 0o755);
  }
  return dir;
}

const WORKLOAD = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 8
titles:
  - id: clip
    content: { source: clip.mp4, fps: 30 }
    deliverables: [h264-sdr, vp9]
  - id: written
    content: { duration: 2m, resolution: 1280x720, fps: 24 }
    deliverables: [h264-sdr]
`;

let dir = "";
beforeAll(() => {
  dir = tempDir({ "w.yaml": WORKLOAD, "notes.mp4": "not a video\n" });
  makeClip(dir, "clip", lavfi("testsrc2=size=160x90:rate=10"), 1);
}, 60_000);

describe("vps plan with source files", () => {
  it("measures the source once, puts each encode's argv in the plan, and a re-plan starts no ffmpeg", () => {
    const log = join(dir, "runs.log");
    const bin = countingBin(tempDir(), log);
    const cache = join(dir, "cache");
    const first = vpsWith(bin, "plan", join(dir, "w.yaml"), "--cache", cache, "--out-dir", "renditions");
    const plan: Plan = planOf(first);
    const runs = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    expect(runs).toBeGreaterThan(0);
    expect(first.stderr).toContain("vps: warning: title clip: content.fps is written as 30 but its source measures 10; using the measured value");
    expect(plan.warnings).toEqual(["title clip: content.fps is written as 30 but its source measures 10; using the measured value"]);

    const encodes = plan.tasks.filter((t) => t.kind === "encode");
    expect(encodes.filter((t) => t.title === "clip").map((t) => t.argv?.at(-1))).toEqual(["renditions/clip/h264-sdr/240p.mp4", "renditions/clip/vp9/360p.mp4"]);
    expect(encodes.filter((t) => t.title === "written").every((t) => t.argv === undefined)).toBe(true);
    expect(encodes.find((t) => t.title === "clip")!.argv).toContain(join(dir, "clip.mp4"));

    const again = vpsWith(bin, "plan", join(dir, "w.yaml"), "--cache", cache, "--out-dir", "renditions");
    expect(again.stdout).toBe(first.stdout);
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toHaveLength(runs);
    expect(verifyPlan(plan)).toEqual([]);
  });

  it("rejects a missing source and a file that is not a video, each at its place; nothing is written", () => {
    const w = join(dir, "bad.yaml");
    writeFileSync(w, WORKLOAD.replace("source: clip.mp4", "source: gone.mp4").replace("duration: 2m", "duration: 2m, source: notes.mp4"));
    const out = join(dir, "plan.json");
    const r = vpsWith(null, "plan", w, "--no-cache", "-o", out);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`${w}:7:24 titles[0].content.source: expected an existing source file, found no file at ${join(dir, "gone.mp4")}`]);
    expect(existsSync(out)).toBe(false);

    writeFileSync(w, WORKLOAD.replace("source: clip.mp4", "source: notes.mp4"));
    const notVideo = vpsWith(null, "plan", w, "--no-cache", "-o", out);
    expect(notVideo.status).toBe(2);
    expect(notVideo.stderr.trim()).toBe(
      `${w}:7:24 titles[0].content.source: expected a video file ffmpeg can read, found ${join(dir, "notes.mp4")}: not a readable media file (ffprobe: Invalid data found when processing input)`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a source that is really a playlist naming files elsewhere (ffmpeg would read them), at its place", () => {
    // An HLS playlist called .mp4: ffmpeg probes contents, not names, and would follow it outside this folder.
    makeClip(dir, "outside", lavfi("testsrc2=size=160x90:rate=10"), 1);
    writeFileSync(join(dir, "disguised.mp4"), `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${join(dir, "outside.mp4")}\n#EXT-X-ENDLIST\n`);
    const w = join(dir, "disguised.yaml");
    writeFileSync(w, WORKLOAD.replace("source: clip.mp4", "source: disguised.mp4"));
    const r = vpsWith(null, "plan", w, "--no-cache");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toMatch(new RegExp(`^${w}:7:24 titles\\[0\\]\\.content\\.source: expected a video file ffmpeg can read, found .*disguised\\.mp4: .*Invalid argument`));
  });

  it("exits 3 with a clear message when ffprobe crashes or is missing", () => {
    const bin = tempDir();
    writeFileSync(join(bin, "ffprobe"), "#!/bin/sh\nkill -SEGV $$\n");
    chmodSync(join(bin, "ffprobe"), 0o755);
    const crashed = vpsWith(bin, "plan", join(dir, "w.yaml"), "--no-cache");
    expect(crashed.status).toBe(3);
    expect(crashed.stderr).toMatch(new RegExp(`^vps: cannot measure the source of title clip \\(${join(dir, "clip.mp4")}\\): ffprobe failed \\(signal SIGSEGV\\)`));
    expect(crashed.stdout).toBe("");

    const r = spawnSync(process.execPath, ["bin/vps", "plan", join(dir, "w.yaml"), "--no-cache"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: bin.replace(/\/?$/, "/none") } });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("ffprobe not found: install ffmpeg");
  });
});

describe("vps recipes explain", () => {
  it("says, per title and deliverable, the class and why, the recipe, the ladder after constraints (JSON)", () => {
    const r = vpsWith(null, "recipes", "explain", join(dir, "w.yaml"), "--cache", join(dir, "cache"), "--json");
    expect(r.status, r.stderr).toBe(0);
    const { titles } = JSON.parse(r.stdout) as { titles: { title: string; content: { from: string; reasons: string[] }; deliverables: { recipe: { id: string }; ladder: { name: string }[]; dropped: unknown[] }[] }[] };
    expect(titles.map((t) => [t.title, t.content.from])).toEqual([["clip", "measured"], ["written", "default"]]);
    expect(titles[0]!.content.reasons.length).toBeGreaterThan(0);
    expect(titles[0]!.deliverables.map((d) => [d.recipe.id.split("/")[0], d.ladder.map((x) => x.name)])).toEqual([["h264-sdr", ["240p"]], ["vp9", ["360p"]]]);
    expect(titles[1]!.deliverables[0]).toMatchObject({ recipe: { id: "h264-sdr/generic" }, ladder: [{ name: "720p" }, { name: "540p" }, { name: "360p" }, { name: "240p" }] });
  });

  it("prints a table per title for people", () => {
    const r = vpsWith(null, "recipes", "explain", join(dir, "w.yaml"), "--cache", join(dir, "cache"), "--table");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^clip — \S+ \(measured\) from .*clip\.mp4: 160x90, 10 fps, 8-bit SDR/);
    expect(r.stdout).toContain("written — generic (default): 1280x720, 24 fps, 8-bit SDR");
    expect(r.stdout).toContain("dropped 1080p:");
  });
});

describe("vps forecast with source files", () => {
  /** `clip` gives only its source (duration, fps and size left out, as the README allows). */
  const SOURCE_ONLY = WORKLOAD.replace("content: { source: clip.mp4, fps: 30 }", "content: { source: clip.mp4 }\n    deadline: +1h");

  it("measures a title that gives only source:, as vps plan does (it was rejected for want of duration, fps and size)", () => {
    const w = join(dir, "source-only.yaml");
    writeFileSync(w, SOURCE_ONLY);
    const r = vpsWith(null, "forecast", w, "--cache", join(dir, "cache"), "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const f = JSON.parse(r.stdout) as { titles: { id: string; deadline: number | null; work: Record<string, number>; plan: { onTime: boolean; finish: number } | null }[] };
    const clip = f.titles.find((t) => t.id === "clip")!;
    expect(clip).toMatchObject({ deadline: 3600, plan: { onTime: true } });
    expect(clip.work.cpu).toBeGreaterThan(0);
    // The same workload as vps plan sees it: the forecast's simulated plan finishes the title where vps plan's does.
    const plan: Plan = planOf(vpsWith(null, "plan", w, "--cache", join(dir, "cache")));
    expect(clip.plan!.finish).toBe(plan.titles.find((t) => t.id === "clip")!.finish);
  });

  it("a written value the file contradicts is a warning on stderr; a missing source exits 2 at its place, nothing on stdout", () => {
    const r = vpsWith(null, "forecast", join(dir, "w.yaml"), "--cache", join(dir, "cache"), "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^vps: warning: title clip: content\.fps is written as 30 but its source measures 10; using the measured value\n$/);
    const w = join(dir, "forecast-gone.yaml");
    writeFileSync(w, SOURCE_ONLY.replace("source: clip.mp4", "source: gone.mp4"));
    const gone = vpsWith(null, "forecast", w, "--no-cache");
    expect(gone).toMatchObject({ status: 2, stdout: "" });
    expect(gone.stderr).toContain(`${w}:7:24 titles[0].content.source: expected an existing source file, found no file at ${join(dir, "gone.mp4")}`);
  });
});
