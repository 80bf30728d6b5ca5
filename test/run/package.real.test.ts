// `vps run` packages what it publishes: per deliverable, HLS (fMP4/CMAF) and DASH over one set of
// segments, audio included, read back here with the real parsers players use (m3u8-parser,
// mpd-parser) and with ffprobe. What a user relies on: every rung's segments start at the same
// instants (a player can switch at any boundary), BANDWIDTH covers the measured peak, CODECS say
// what the segments hold, and the audio lasts as long as the video.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Parser } from "m3u8-parser";
import { parse as parseMpd } from "mpd-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { segmentBitrates } from "../../src/package/check/bitrate";
import { tempDir } from "../tempDir";
import { decodedFrames, makeSource, makeSourceWithAudio, manifestOf, publishedRungs, vpsIn, workloadYaml } from "./cli";

const playlist = (path: string) => {
  const p = new Parser();
  p.push(readFileSync(path, "utf8"));
  p.end();
  return p.manifest;
};

let out: string;
const pkg = (title: string, d: string) => join(out, "published", title, d);

beforeAll(() => {
  const dir = tempDir();
  makeSourceWithAudio(join(dir, "tone.mp4"), "640x360", 5); // 360p and 240p, 5 s: segments of 2, 2, 1 s
  makeSource(join(dir, "mute.mp4"), "320x180", 3);
  const titles = [
    { id: "tone", tier: "premium" as const, source: join(dir, "tone.mp4"), deliverables: ["h264-sdr", "hevc-sdr"] },
    { id: "mute", tier: "ugc" as const, source: join(dir, "mute.mp4") },
  ];
  writeFileSync(join(dir, "w.yaml"), workloadYaml(titles));
  const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--slots", "cpu=2");
  expect(r.status, r.stderr).toBe(0);
  out = join(dir, "out");
}, 240_000);

describe("vps run: the published packages", () => {
  it("publishes each deliverable as an HLS master and a DASH MPD, one media playlist per rung and per audio rendition", () => {
    expect(publishedRungs(out)).toEqual(["mute/h264-sdr/240p.m3u8", "tone/h264-sdr/240p.m3u8", "tone/h264-sdr/360p.m3u8", "tone/hevc-sdr/540p.m3u8"]);
    const master = playlist(join(pkg("tone", "h264-sdr"), "master.m3u8"));
    expect(master.playlists?.map((v) => [v.uri, v.attributes.RESOLUTION, v.attributes.AUDIO])).toEqual([
      ["360p.m3u8", { width: 640, height: 360 }, "aac-128"],
      ["240p.m3u8", { width: 426, height: 240 }, "aac-128"],
    ]);
    expect(Object.keys(master.mediaGroups?.AUDIO ?? {})).toEqual(["aac-128"]);
    const mpd = parseMpd(readFileSync(join(pkg("tone", "h264-sdr"), "manifest.mpd"), "utf8"), { manifestUri: "file:///x/manifest.mpd" });
    expect(mpd.playlists?.map((p) => p.attributes.RESOLUTION)).toEqual([{ width: 640, height: 360 }, { width: 426, height: 240 }]);
    expect(Object.values(mpd.mediaGroups?.AUDIO ?? {}).flatMap((g) => Object.values(g).flatMap((l) => l.playlists))).toHaveLength(1);
  });

  it("cuts every rung and the audio at the same 2 s boundaries, each segment within the target duration", () => {
    const dir = pkg("tone", "h264-sdr");
    const durations = (name: string) => (playlist(join(dir, name)).segments ?? []).map((s) => s.duration);
    expect(durations("360p.m3u8")).toEqual([2, 2, 1]);
    expect(durations("240p.m3u8")).toEqual([2, 2, 1]);
    const audio = durations("audio-aac-128.m3u8");
    expect(audio.reduce((sum: number, d) => sum + (d ?? 0), 0)).toBeCloseTo(5, 1);
    for (const name of ["360p.m3u8", "240p.m3u8", "audio-aac-128.m3u8"]) {
      const p = playlist(join(dir, name));
      for (const d of durations(name)) expect(Math.round(d!)).toBeLessThanOrEqual(p.targetDuration!);
    }
    // Every segment opens on a keyframe: each decodes alone after the init segment.
    expect(decodedFrames(join(dir, "360p.m3u8"))).toBe(120);
  });

  it("declares BANDWIDTH at least the measured peak segment bit rate of video plus audio, and CODECS as the segments are", () => {
    for (const d of ["h264-sdr", "hevc-sdr"]) {
      const dir = pkg("tone", d);
      const master = playlist(join(dir, "master.m3u8"));
      const rate = (name: string) => {
        const segs = playlist(join(dir, name)).segments ?? [];
        return segmentBitrates(segs.map((s) => statSync(join(dir, s.uri)).size), segs.map((s) => s.duration!));
      };
      const audio = rate("audio-aac-128.m3u8");
      for (const v of master.playlists ?? []) {
        const video = rate(v.uri);
        const bandwidth = Number(v.attributes.BANDWIDTH);
        expect(bandwidth).toBeGreaterThanOrEqual(video.peak + audio.peak);
        expect(bandwidth).toBeLessThan((video.peak + audio.peak) * 1.01 + 1);
        // m3u8-parser leaves AVERAGE-BANDWIDTH a string.
        expect(Number(v.attributes["AVERAGE-BANDWIDTH"])).toBeGreaterThanOrEqual(Math.floor(video.average + audio.average));
        expect(Number(v.attributes["AVERAGE-BANDWIDTH"])).toBeLessThanOrEqual(bandwidth);
      }
      const codecs = (master.playlists ?? []).map((v) => v.attributes.CODECS);
      if (d === "h264-sdr") for (const c of codecs) expect(c).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
      // ffmpeg's DASH muxer writes a bare "hvc1"; vps completes it from ffprobe's profile and level.
      else for (const c of codecs) expect(c).toMatch(/^hvc1\.1\.6\.L\d+\.B0,mp4a\.40\.2$/);
      if (d === "hevc-sdr") expect(readFileSync(join(dir, "manifest.mpd"), "utf8")).not.toMatch(/codecs="hvc1"/);
    }
  });

  it("encodes the audio once per title and keeps it as long as the video", () => {
    const probe = spawnSync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name,channels,sample_rate", "-of", "csv=p=0", join(pkg("tone", "hevc-sdr"), "audio-aac-128.m3u8")], { encoding: "utf8" });
    expect(probe.stdout.trim().split("\n")[0]).toBe("aac,48000,2");
    const doc = manifestOf(out, "tone");
    expect(doc.deliverables.map((d) => d.package?.formats)).toEqual([["hls", "dash"], ["hls", "dash"]]);
  });

  it("passes vps check-package, and plays to the end in headless Chromium at every rung (--play)", () => {
    for (const d of ["tone/h264-sdr", "mute/h264-sdr"]) {
      const r = vpsIn({}, "check-package", join(out, "published", d), "--play", "--json");
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { ok: boolean; notes: string[]; played: { rungs: { result: string }[] }[] };
      expect(report.notes).toEqual([]);
      expect(report.played.flatMap((p) => p.rungs.map((x) => x.result)).every((x) => x === "decoded")).toBe(true);
    }
  }, 120_000);

  it("ships a source without audio as a video-only package, and says so", () => {
    const master = readFileSync(join(pkg("mute", "h264-sdr"), "master.m3u8"), "utf8");
    expect(master).not.toMatch(/EXT-X-MEDIA|AUDIO=|mp4a/);
    expect(manifestOf(out, "mute").deliverables[0]).toMatchObject({ package: { audio: [] } });
  });
});
