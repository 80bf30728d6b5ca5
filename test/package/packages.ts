// Tiny real HLS and DASH packages for the check-package tests, made with the real ffmpeg: a
// testsrc2 ladder (320x180 and 160x90) with 1-second GOPs and a sine tone in AAC; copies of them
// to break, and the lines a failed check prints.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Run } from "../cli/run";
import { tempDir } from "../tempDir";

export interface Ladder {
  seconds: number;
  fps: number;
  /** The small rung's encoder: H.264 like the large one, or HEVC (which Debian's Chromium cannot play). */
  small: "h264" | "hevc";
}

export const LADDER: Ladder = { seconds: 3, fps: 25, small: "h264" };

function ffmpeg(cwd: string, args: string[]): void {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg failed in ${cwd}: ${r.stderr}`);
}

/**
 * Two video rungs and one audio track. ffmpeg writes BANDWIDTH as 1.1 × the rates it was given,
 * and x264 at a target rate lets a 1-second segment run past it (the first, keyframe-heavy
 * second), so each rung is capped (VBV) at 2/3–4/5 of the rate it declares: the declared BANDWIDTH is
 * then truly above the peak, as a good package's must be.
 */
function ladderArgs(l: Ladder): string[] {
  const gop = String(l.fps);
  return [
    "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=${l.fps}`,
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", String(l.seconds),
    "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[small]",
    "-map", "[a]", "-map", "[small]", "-map", "1:a",
    "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
    ...(l.small === "hevc" ? ["-c:v:1", "libx265", "-tag:v:1", "hvc1", "-x265-params", "log-level=error:pools=1:frame-threads=1"] : []),
    "-b:v:0", "300k", "-maxrate:v:0", "240k", "-bufsize:v:0", "120k",
    "-b:v:1", "120k", "-maxrate:v:1", "80k", "-bufsize:v:1", "40k",
    "-c:a", "aac", "-b:a", "64k",
  ];
}

/** An HLS package (fMP4 segments) in `dir`: master.m3u8 and stream_0..2/ (video, video, audio). */
export function makeHls(dir: string, l: Partial<Ladder> = {}): string {
  mkdirSync(dir, { recursive: true });
  ffmpeg(dir, [
    ...ladderArgs({ ...LADDER, ...l }),
    "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_playlist_type", "vod",
    "-master_pl_name", "master.m3u8", "-var_stream_map", "v:0,agroup:aud v:1,agroup:aud a:0,agroup:aud",
    "-hls_segment_filename", "stream_%v/seg_%d.m4s", "stream_%v/index.m3u8",
  ]);
  return dir;
}

/** A DASH package in `dir`: manifest.mpd, representations 0 and 1 (video) and 2 (audio). */
export function makeDash(dir: string, l: Partial<Ladder> = {}): string {
  mkdirSync(dir, { recursive: true });
  ffmpeg(dir, [
    ...ladderArgs({ ...LADDER, ...l }),
    "-f", "dash", "-seg_duration", "1", "-use_template", "1", "-use_timeline", "1",
    "-adaptation_sets", "id=0,streams=v id=1,streams=a", "manifest.mpd",
  ]);
  return dir;
}

/** An HLS package of one variant, video and audio muxed in MPEG-TS segments (no init segment). */
export function makeMuxedTs(dir: string): string {
  mkdirSync(dir, { recursive: true });
  ffmpeg(dir, [
    "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "2", "-map", "0:v", "-map", "1:a",
    "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
    "-b:v", "300k", "-maxrate", "200k", "-bufsize", "100k", "-c:a", "aac", "-b:a", "64k",
    "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-master_pl_name", "master.m3u8",
    "-var_stream_map", "v:0,a:0", "-hls_segment_filename", "stream_%v/seg_%d.ts", "stream_%v/index.m3u8",
  ]);
  return dir;
}

/** A copy of package `dir`, to break. */
export function copyOf(dir: string): string {
  const copy = join(tempDir(), "pkg");
  cpSync(dir, copy, { recursive: true });
  return copy;
}

export const expectExit = (r: Run, code: number): void => expect(r.status, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);

/** The lines of a failed check (GateError's details), without their indent. */
export const problemsOf = (r: Run): string[] =>
  r.stderr
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim());
