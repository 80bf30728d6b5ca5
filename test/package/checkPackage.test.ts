// `vps check-package` end to end on real packages made by ffmpeg: good HLS and DASH packages
// pass; each fault a package can have is caught (exit 1) with a line naming where and the
// numbers; unusable input is exit 2, ffprobe missing exit 3.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/package/check/run";
import type { Run } from "../cli/run";
import { makeSource, vpsIn } from "../run/cli";
import { tempDir } from "../tempDir";
import { copyOf, expectExit, makeDash, makeHls, makeMuxedTs, problemsOf } from "./packages";

let hls: string;
let dash: string;

beforeAll(() => {
  hls = makeHls(join(tempDir(), "hls"));
  dash = makeDash(join(tempDir(), "dash"));
});

const check = (...args: string[]): Run => vpsIn({}, "check-package", ...args);

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  writeFileSync(file, after);
}

describe("good packages pass", () => {
  it("HLS: exit 0, every rung measured and probed", () => {
    const r = check(hls);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/master\.m3u8 \(HLS\): passes/);
    expect(r.stdout).toMatch(/stream_0\/index\.m3u8 .* video .* 3\.000 s .* h264 Constrained Baseline 320x180 25 fps/);
    expect(r.stdout).toMatch(/stream_2\/index\.m3u8 .* audio .* aac LC 48 kHz/);
    expect(r.stdout).toMatch(/every check passed — 1 manifest\(s\), 3 rung\(s\)/);
    expect(r.stdout).toMatch(/note: source duration not checked: no title.json in the package dir or its parent and no --source FILE/);
  });

  it("DASH: exit 0", () => {
    const r = check(dash);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/manifest\.mpd \(DASH\): passes/);
    expect(r.stdout).toMatch(/representation 1 .* video .* h264 Constrained Baseline 160x90 25 fps/);
  });

  it("HLS with video and audio muxed in MPEG-TS segments (no init segment)", () => {
    const r = check(makeMuxedTs(join(tempDir(), "ts")));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/stream_0\/index\.m3u8 .* video .* 2\.000 s .* h264 Constrained Baseline 320x180 25 fps, aac LC 48 kHz/);
  });

  it("a manifest file given directly, and a title.json source that matches", () => {
    const pkg = copyOf(hls);
    writeFileSync(join(pkg, "title.json"), JSON.stringify({ source: { duration: 3, fps: 25 } }));
    const r = check(join(pkg, "master.m3u8"));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/source: 3\.000 s at 25 fps \(title\.json\)/);
  });
});

describe("each fault is caught (exit 1)", () => {
  it("a missing media segment", () => {
    const pkg = copyOf(hls);
    rmSync(join(pkg, "stream_1/seg_1.m4s"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toContain("master.m3u8 stream_1/index.m3u8 segment 2 (seg_1.m4s): is missing");
  });

  it("a missing init segment (and so nothing to probe)", () => {
    const pkg = copyOf(hls);
    rmSync(join(pkg, "stream_0/init_0.mp4"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual(["master.m3u8 stream_0/index.m3u8: init segment init_0.mp4 is missing"]);
  });

  it("BANDWIDTH below the measured peak", () => {
    const pkg = copyOf(hls);
    edit(join(pkg, "master.m3u8"), (t) => t.replace(/BANDWIDTH=\d+,RESOLUTION=320x180/, "BANDWIDTH=200000,RESOLUTION=320x180"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual([expect.stringMatching(/^master\.m3u8 variant stream_0\/index\.m3u8: BANDWIDTH 200000 is below the measured peak segment bit rate \d+ b\/s \(media \d+ b\/s \+ audio stream_2\/index\.m3u8 \d+ b\/s\)$/)]);
  });

  it("a CODECS string that is not the media's", () => {
    const pkg = copyOf(hls);
    edit(join(pkg, "master.m3u8"), (t) => t.replace(/avc1\.42c0\w\w/, "avc1.640028"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual([expect.stringMatching(/^master\.m3u8 variant stream_0\/index\.m3u8: codec "avc1\.640028" does not match stream_0\/index\.m3u8 \(h264 Constrained Baseline level \d+, 320x180\): profile Constrained Baseline \(66\), not 100, level \d+, not 40$/)]);
  });

  it("a RESOLUTION that is not the media's", () => {
    const pkg = copyOf(hls);
    edit(join(pkg, "master.m3u8"), (t) => t.replace("RESOLUTION=160x90", "RESOLUTION=192x108"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual(["master.m3u8 variant stream_1/index.m3u8: RESOLUTION 192x108, but stream_1/index.m3u8 is 160x90"]);
  });

  it("a rung shorter than the others", () => {
    const pkg = copyOf(hls);
    edit(join(pkg, "stream_1/index.m3u8"), (t) => t.replace("#EXTINF:1.000000,\nseg_2.m4s\n", ""));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual(["master.m3u8 stream_1/index.m3u8: lasts 2.000 s, 1.000 s shorter than stream_0/index.m3u8 (3.000 s); allowed ± 0.040 s (one frame at 25 fps)"]);
  });

  it("an EXTINF above EXT-X-TARGETDURATION", () => {
    const pkg = copyOf(hls);
    edit(join(pkg, "stream_0/index.m3u8"), (t) => t.replace("#EXTINF:1.000000,\nseg_0.m4s", "#EXTINF:1.600000,\nseg_0.m4s"));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toContain("master.m3u8 stream_0/index.m3u8 segment 1 (seg_0.m4s): EXTINF 1.6 s rounds to 2 s, above EXT-X-TARGETDURATION 1");
  });

  it("rungs that do not last as long as the source title.json states", () => {
    const pkg = copyOf(hls);
    writeFileSync(join(pkg, "title.json"), JSON.stringify({ title: "t", source: { duration: 3.5, fps: 25 } }));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual([
      "master.m3u8 stream_2/index.m3u8: lasts 3.029 s, 0.471 s shorter than the source (3.500 s, title.json); allowed ± 0.061 s (one audio frame plus one frame at 25 fps)",
      "master.m3u8 stream_0/index.m3u8: lasts 3.000 s, 0.500 s shorter than the source (3.500 s, title.json); allowed ± 0.040 s (one frame at 25 fps)",
      "master.m3u8 stream_1/index.m3u8: lasts 3.000 s, 0.500 s shorter than the source (3.500 s, title.json); allowed ± 0.040 s (one frame at 25 fps)",
    ]);
  });

  it("--source FILE, measured by ffprobe, overrides title.json", () => {
    const pkg = copyOf(hls);
    writeFileSync(join(pkg, "title.json"), JSON.stringify({ source: { duration: 3, fps: 25 } }));
    const source = join(tempDir(), "source.mp4");
    makeSource(source, "320x180", 2);
    const r = check(pkg, "--source", source);
    expectExit(r, 1);
    expect(problemsOf(r)).toContain(`master.m3u8 stream_0/index.m3u8: lasts 3.000 s, 1.000 s longer than the source (2.000 s, ${source}); allowed ± 0.042 s (one frame at 24 fps)`);
  });

  it("DASH: a missing segment and a wrong @codecs, all listed", () => {
    const pkg = copyOf(dash);
    rmSync(join(pkg, "chunk-stream0-00003.m4s"));
    edit(join(pkg, "manifest.mpd"), (t) => t.replace('codecs="mp4a.40.2"', 'codecs="opus"'));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual([
      "manifest.mpd representation 0 segment 3 (chunk-stream0-00003.m4s): is missing",
      'manifest.mpd representation 2: codecs "opus" declare no aac, found in representation 2 (aac LC)',
      'manifest.mpd representation 2: codec "opus" declared, but its media has no opus stream',
    ]);
  });

  it("DASH: a Representation shorter than the others", () => {
    const pkg = copyOf(dash);
    // The second video Representation's timeline: three 1-second segments cut to two.
    edit(join(pkg, "manifest.mpd"), (t) => t.replace(/(<Representation id="1"[\s\S]*?)r="2"/, '$1r="1"'));
    const r = check(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual(["manifest.mpd representation 1: lasts 2.000 s, 1.000 s shorter than representation 0 (3.000 s); allowed ± 0.040 s (one frame at 25 fps)"]);
  });
});

describe("unusable input and missing tools", () => {
  it("no manifest: exit 2, saying what was looked for", () => {
    const r = check(tempDir({ "notes.txt": "no package here" }));
    expectExit(r, 2);
    expect(r.stderr).toMatch(/no manifest to check: expected an HLS master playlist/);
    expect(r.stdout).toBe("");
  });

  it("a garbage manifest: exit 2", () => {
    const pkg = copyOf(hls);
    writeFileSync(join(pkg, "master.m3u8"), "\u0000\u0001garbage\n");
    expectExit(check(pkg), 2);
    const r = check(tempDir({ "manifest.mpd": "<MPD" }));
    expectExit(r, 2);
    expect(r.stderr).toMatch(/manifest\.mpd: not a DASH MPD that can be read/);
  });

  it("no such dir: exit 2", () => {
    const r = check("/nonexistent/package");
    expectExit(r, 2);
    expect(r.stderr).toMatch(/cannot read package \/nonexistent\/package: no such file or directory/);
  });

  it("ffprobe missing: exit 3", () => {
    const r = vpsIn({ env: { PATH: "/nonexistent" } }, "check-package", hls);
    expectExit(r, 3);
    expect(r.stderr).toMatch(/ffprobe not found/);
  });
});

describe("--json", () => {
  it("one report for a dir holding both an HLS master and a DASH MPD", () => {
    const pkg = copyOf(hls);
    cpSync(dash, pkg, { recursive: true });
    const r = check(pkg, "--json");
    expectExit(r, 0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.ok).toBe(true);
    expect(report.manifests.map((m) => [m.path, m.kind, m.rungs.length, m.problems])).toEqual([
      ["manifest.mpd", "dash", 3, []],
      ["master.m3u8", "hls", 3, []],
    ]);
    const rung = report.manifests[1]!.rungs.find((x) => x.id === "stream_0/index.m3u8")!;
    expect(rung).toMatchObject({ kind: "video", segments: 3, duration: 3, declared: { codecs: null } });
    expect(rung.peak).toBeGreaterThan(rung.average!);
    expect(rung.probe).toEqual([expect.objectContaining({ type: "video", codec: "h264", width: 320, height: 180, fps: 25 })]);
    expect(report.manifests[1]!.variants[0]).toMatchObject({ uri: "stream_0/index.m3u8", resolution: "320x180", measuredPeak: expect.any(Number) });
    expect(report).not.toHaveProperty("played");
  });

  it("a failing package: ok false, the problems listed, exit 1", () => {
    const pkg = copyOf(hls);
    rmSync(join(pkg, "stream_1/seg_0.m4s"));
    const r = check(pkg, "--json");
    expectExit(r, 1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.ok).toBe(false);
    expect(report.manifests[0]!.problems).toEqual(["master.m3u8 stream_1/index.m3u8 segment 1 (seg_0.m4s): is missing"]);
  });
});
