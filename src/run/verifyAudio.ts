// The check of an audio rendition before a package trusts it, like verify.ts's for video: the
// file reads, holds one audio stream of the promised codec and channels, is as long as the video
// (within an audio frame and a video frame: AAC and Opus code whole frames of 1024 and 960
// samples), and decodes at both ends.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { sha256File } from "../content/analyse";
import { inputUrl, probeArgs, type RawProbe } from "../content/probe";
import { countFrameLines, decodeEndsArgs, ffprobe, ffprobeSaid, type Verdict } from "./verify";

export interface AudioExpectation {
  /** ffprobe's codec_name: aac, opus. */
  codec: string;
  channels: number;
  durationSeconds: number;
  /** The video's frame rate: the duration may be off by one of its frames plus one audio frame. */
  fps: number;
}

const AUDIO_FRAME_SECONDS = 1024 / 48000;
/** What differs between ffprobe's description and the expectation. */
export function checkAudio(raw: RawProbe, e: AudioExpectation): string[] {
  const audio = raw.streams?.filter((s) => s.codec_type === "audio") ?? [];
  const video = raw.streams?.filter((s) => s.codec_type === "video") ?? [];
  const a = audio[0];
  if (!a) return ["holds no audio stream"];
  const problems: string[] = [];
  if (audio.length > 1 || video.length > 0) problems.push(`holds ${audio.length} audio and ${video.length} video streams, expected one audio stream`);
  if (a.codec_name !== e.codec) problems.push(`codec ${a.codec_name ?? "unknown"}, expected ${e.codec}`);
  if (a.channels !== e.channels) problems.push(`${a.channels ?? 0} channels, expected ${e.channels}`);
  const duration = Number(a.duration ?? raw.format?.duration);
  const slack = AUDIO_FRAME_SECONDS + 1 / e.fps + 1e-6;
  if (!Number.isFinite(duration) || Math.abs(duration - e.durationSeconds) > slack) {
    problems.push(`duration ${Number.isFinite(duration) ? duration.toFixed(3) : "unknown"} s, expected ${e.durationSeconds.toFixed(3)} s (±${slack.toFixed(3)} s)`);
  }
  return problems;
}

export async function verifyAudio(file: string, e: AudioExpectation): Promise<Verdict> {
  const path = resolve(file);
  const input = inputUrl(path);
  const described = await ffprobe(probeArgs(input));
  if ("failed" in described) return { ok: false, problems: [`cannot be read (ffprobe: ${ffprobeSaid(described.failed, input)})`] };
  let raw: RawProbe;
  try {
    raw = JSON.parse(described.stdout) as RawProbe;
  } catch {
    return { ok: false, problems: ["cannot be read (ffprobe printed no usable description of it)"] };
  }
  const problems = checkAudio(raw, e);
  const decoded = await ffprobe(decodeEndsArgs(input, Math.max(0, e.durationSeconds - 1), "a:0"));
  if ("failed" in decoded) problems.push(`does not decode (ffprobe: ${ffprobeSaid(decoded.failed, input)})`);
  else if (countFrameLines(decoded.stdout) < 2) problems.push("does not decode at both ends");
  if (problems.length > 0) return { ok: false, problems };
  const duration = Number(raw.streams?.find((s) => s.codec_type === "audio")?.duration ?? raw.format?.duration);
  return { ok: true, frames: 0, duration, bytes: (await stat(path)).size, sha256: await sha256File(path, path) };
}
