// Checks that an encoded output is what its task promised before anything downstream (join,
// package, publish) trusts it. ffmpeg can exit 0 and still leave a wrong file behind (a full disk
// at the trailer, an encoder given the wrong size), and a crashed or stopped run leaves a partial
// one, so the exit code alone is not evidence.
//
// Two ffprobe runs, neither a full decode (that would cost a sizeable share of the encode again):
//  1. streams and format with -count_packets: the header facts (parsed by src/content/probe.ts's
//     describeProbe, the one ffprobe JSON parser) and the number of packets really present, read
//     from the file rather than taken from the header. In MP4 and Matroska, as vps writes them, one
//     video packet is one frame. A file without its index (no moov atom) fails here.
//  2. a decode of the first frame and of the last second: the bitstream decodes at both ends, which
//     catches a file whose header is whole but whose data was cut short.
// Either run complaining on stderr (at -v error) is a problem too: a clean output reads cleanly.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { sha256File } from "../content/analyse";
import { describeProbe, inputUrl, probeArgs, type RawProbe, videoStreamOf } from "../content/probe";
import type { ProbeInfo } from "../content/types";
import { InputError, InternalError } from "../util/errors";
import { lastLines, runTool, ToolFailed } from "../util/proc/tool";

export interface OutputExpectation {
  /** ffprobe's codec_name: h264, hevc, av1, vp9, ffv1. */
  codec: string;
  width: number;
  height: number;
  /** ffprobe's pix_fmt (yuv420p, yuv420p10le); unchecked when absent. */
  pixFmt?: string;
  durationSeconds: number;
  fps: number;
  /** Frames the count and the duration may be off by. Default 1 (rounding of a cut at a frame edge). */
  toleranceFrames?: number;
}

export type Verdict = { ok: true; frames: number; duration: number; bytes: number; sha256: string } | { ok: false; problems: string[] };

/** Reading every packet of a two-hour master from a slow disk takes minutes, not hours. */
const VERIFY_TIMEOUT_MS = 10 * 60_000;
/** How far before the end the tail decode starts. */
const TAIL_SECONDS = 1;

export function countArgs(input: string): string[] {
  return ["-count_packets", ...probeArgs(input)];
}

/** The first frame and every frame from `tailStart` on, one presentation time per line. */
export function decodeEndsArgs(input: string, tailStart: number, stream = "v:0"): string[] {
  const intervals = `%+#1,${tailStart.toFixed(3)}%`;
  return ["-v", "error", "-select_streams", stream, "-read_intervals", intervals, "-show_entries", "frame=pts_time", "-of", "csv=p=0", "-i", input];
}

/** Decoded frames in decodeEndsArgs output (a frame with side data adds an empty field and a blank line). */
export function countFrameLines(csv: string): number {
  return csv.split("\n").filter((l) => /^\d/.test(l)).length;
}

/** ffprobe's own words without its prefixes: "[mov,mp4,… @ 0x55…] " and "file:/path: ". */
export function ffprobeSaid(stderr: string, input: string): string {
  return lastLines(stderr, 3)
    .split("\n")
    .map((l) => l.replace(/^\[[^\]]* @ 0x[0-9a-f]+\] /, "").replace(`${input}: `, ""))
    .join("; ");
}

function assertExpectation(e: OutputExpectation): void {
  const positive = (x: number) => Number.isFinite(x) && x > 0;
  if (!(positive(e.width) && positive(e.height) && positive(e.durationSeconds) && positive(e.fps)) || (e.toleranceFrames ?? 1) < 0) {
    throw new InternalError(`verifyOutput: expected size, duration and fps must be positive, got ${JSON.stringify(e)}`);
  }
}

/** What differs between the probe and the expectation; empty when the file is as promised. */
export function checkProbe(probe: ProbeInfo, packets: number | null, e: OutputExpectation): string[] {
  const tolerance = e.toleranceFrames ?? 1;
  const problems: string[] = [];
  if (probe.codec !== e.codec) problems.push(`codec ${probe.codec}, expected ${e.codec}`);
  if (probe.width !== e.width || probe.height !== e.height) problems.push(`frame size ${probe.width}x${probe.height}, expected ${e.width}x${e.height}`);
  if (e.pixFmt !== undefined && probe.pixelFormat !== e.pixFmt) problems.push(`pixel format ${probe.pixelFormat}, expected ${e.pixFmt}`);
  // A microsecond of slack: container durations are rounded to their timebase.
  if (Math.abs(probe.duration - e.durationSeconds) > tolerance / e.fps + 1e-6) {
    problems.push(`duration ${probe.duration.toFixed(3)} s, expected ${e.durationSeconds.toFixed(3)} s (±${tolerance} frame at ${e.fps} fps)`);
  }
  const expectedFrames = Math.round(e.durationSeconds * e.fps);
  if (packets === null) problems.push("ffprobe did not count the video packets");
  else if (Math.abs(packets - expectedFrames) > tolerance) problems.push(`${packets} frames, expected ${expectedFrames} (±${tolerance})`);
  return problems;
}

/** ffprobe's exit status means the file is unreadable; missing, killed or timed out is the tool's fault. */
export async function ffprobe(args: string[]): Promise<{ stdout: string; stderr: string } | { failed: string }> {
  try {
    return await runTool("ffprobe", args, { timeoutMs: VERIFY_TIMEOUT_MS });
  } catch (e) {
    if (e instanceof ToolFailed && e.code !== null) return { failed: e.stderrTail || `exit code ${e.code}` };
    throw e;
  }
}

/** Header facts and packet count, or the reason the file cannot be read. */
async function probeCounted(path: string): Promise<{ probe: ProbeInfo; packets: number | null; stderr: string } | { problem: string }> {
  const input = inputUrl(path);
  const run = await ffprobe(countArgs(input));
  if ("failed" in run) return { problem: `cannot be read (ffprobe: ${ffprobeSaid(run.failed, input)})` };
  let raw: RawProbe;
  try {
    raw = JSON.parse(run.stdout) as RawProbe;
  } catch {
    return { problem: "cannot be read (ffprobe printed no usable description of it)" };
  }
  try {
    const probe = describeProbe(path, raw);
    const packets = Number(videoStreamOf(raw)?.nb_read_packets);
    return { probe, packets: Number.isInteger(packets) ? packets : null, stderr: run.stderr };
  } catch (e) {
    if (e instanceof InputError) return { problem: e.message.replace(`${path}: `, "") };
    throw e;
  }
}

/** Problems decoding the first frame and the last second; empty when both decode cleanly. */
async function decodeEnds(path: string, duration: number): Promise<string[]> {
  const input = inputUrl(path);
  const run = await ffprobe(decodeEndsArgs(input, Math.max(0, duration - TAIL_SECONDS)));
  if ("failed" in run) return [`does not decode (ffprobe: ${ffprobeSaid(run.failed, input)})`];
  const problems: string[] = [];
  // One frame from the head plus at least one from the tail (the tail of a one-frame file is that frame again).
  if (countFrameLines(run.stdout) < 2) problems.push("does not decode at both ends (a frame from the start and one from the last second)");
  if (run.stderr.trim() !== "") problems.push(`decoding reported errors (ffprobe: ${ffprobeSaid(run.stderr, input)})`);
  return problems;
}

/**
 * Checks the file at `file` (relative to the working directory) against what its task promised. A
 * bad file is a verdict with problems, never a rejection; ffprobe itself missing or stuck rejects
 * with an ExternalError (exit 3).
 */
export async function verifyOutput(file: string, expect: OutputExpectation): Promise<Verdict> {
  assertExpectation(expect);
  const path = resolve(file);
  const counted = await probeCounted(path);
  if ("problem" in counted) return { ok: false, problems: [counted.problem] };
  const input = inputUrl(path);
  const problems = checkProbe(counted.probe, counted.packets, expect);
  if (counted.stderr.trim() !== "") problems.push(`reading reported errors (ffprobe: ${ffprobeSaid(counted.stderr, input)})`);
  problems.push(...(await decodeEnds(path, counted.probe.duration)));
  if (problems.length > 0) return { ok: false, problems };
  const bytes = (await stat(path)).size;
  return { ok: true, frames: counted.packets!, duration: counted.probe.duration, bytes, sha256: await sha256File(path, path) };
}
