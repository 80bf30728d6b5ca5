// What a rung's media really is: ffprobe reads its init segment followed by its first media
// segment, concatenated into one temp file (a fragmented MP4 is readable as init + fragments; a
// TS segment needs no init). A file ffprobe cannot read is a problem of the package; ffprobe
// missing, killed or hanging is an ExternalError (exit 3).
import { open, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bitDepthOf, inputUrl, parseRate, probeArgs, type RawProbe, type RawStream } from "../../content/probe";
import type { ToolRunner } from "../../util/proc/runner";
import { lastLines, ToolFailed } from "../../util/proc/tool";
import type { FileRef, ProbedStream, Rung } from "./types";

const PROBE_TIMEOUT_MS = 60_000;

/** The stream fields of ffprobe's -show_streams that content/probe.ts has no use for. */
interface PackageStream extends RawStream {
  profile?: string;
  level?: number;
  codec_tag_string?: string;
  sample_aspect_ratio?: string;
}

/** "12:11" → 12/11; absent, "0:1" or "N/A" → null (square, as far as anyone knows). */
function sarOf(text: string | undefined): number | null {
  const m = /^(\d+):(\d+)$/.exec(text ?? "");
  if (!m) return null;
  const [n, d] = [Number(m[1]), Number(m[2])];
  return n > 0 && d > 0 ? n / d : null;
}

const known = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : null);

function streamOf(s: PackageStream): ProbedStream | null {
  if (s.codec_type !== "video" && s.codec_type !== "audio") return null;
  const video = s.codec_type === "video";
  const rate = Number(s.sample_rate);
  return {
    type: s.codec_type,
    codec: s.codec_name ?? "unknown",
    tag: /^[A-Za-z0-9]{4}$/.test(s.codec_tag_string ?? "") ? s.codec_tag_string! : null,
    profile: s.profile ?? null,
    // ffprobe prints -99 when a decoder reports no level (VP9, audio).
    level: known(s.level),
    width: video ? (s.width ?? null) : null,
    height: video ? (s.height ?? null) : null,
    sar: video ? sarOf(s.sample_aspect_ratio) : null,
    fps: video ? (parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate)) : null,
    sampleRate: !video && Number.isFinite(rate) && rate > 0 ? rate : null,
    bitDepth: video && s.pix_fmt ? bitDepthOf(s.pix_fmt, s.bits_per_raw_sample) : null,
  };
}

/** The audio and video streams of ffprobe's JSON (cover pictures and data streams left out). */
export function streamsOf(raw: RawProbe): ProbedStream[] {
  const streams = (raw.streams ?? []) as PackageStream[];
  return streams.filter((s) => s.disposition?.attached_pic !== 1).flatMap((s) => streamOf(s) ?? []);
}

/** The bytes a reference means: its range, or the whole file. */
async function bytesOf(ref: FileRef): Promise<Buffer> {
  const f = await open(ref.path!, "r");
  try {
    if (ref.range === null) return await f.readFile();
    const buf = Buffer.alloc(ref.range.length);
    const { bytesRead } = await f.read(buf, 0, ref.range.length, ref.range.offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}

async function ffprobeStreams(file: string, run: ToolRunner): Promise<ProbedStream[] | { error: string }> {
  let json: string;
  try {
    json = (await run("ffprobe", probeArgs(inputUrl(file)), { timeoutMs: PROBE_TIMEOUT_MS })).stdout;
  } catch (e) {
    if (e instanceof ToolFailed && e.code !== null) return { error: lastLines(e.stderrTail, 1) || `ffprobe exit code ${e.code}` };
    throw e;
  }
  const streams = streamsOf(JSON.parse(json) as RawProbe);
  return streams.length > 0 ? streams : { error: "ffprobe found no audio or video stream" };
}

/**
 * What ffprobe says of `init` (if any) followed by `segment`; both must exist. A whole file (a
 * TS segment, a SegmentBase file of the whole title) is probed where it is, not copied.
 */
export async function probeSegment(init: FileRef | null, segment: FileRef, run: ToolRunner): Promise<ProbedStream[] | { error: string }> {
  if (init === null && segment.range === null) return ffprobeStreams(segment.path!, run);
  const dir = await mkdtemp(join(tmpdir(), "vps-check-"));
  try {
    const file = join(dir, "probe.mp4");
    const parts = init ? [await bytesOf(init), await bytesOf(segment)] : [await bytesOf(segment)];
    await writeFile(file, Buffer.concat(parts));
    return await ffprobeStreams(file, run);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rung's first init and first segment, the files probeSegment reads (an indexed file alone). */
export function probeInputs(rung: Rung): { init: FileRef | null; segment: FileRef } | null {
  const segment = rung.segments[0];
  if (!segment) return null;
  return { init: rung.indexed ? null : (rung.inits[0] ?? null), segment };
}
