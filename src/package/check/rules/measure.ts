// What the rules derive from a rung and its facts: its total duration, what it really is (video
// or audio, from ffprobe when it could read it), its frame duration, and its bit rates.
import { segmentBitrates, type SegmentBitrates } from "../bitrate";
import type { FileSize, ProbedStream, Rung, RungFacts, RungKind } from "../types";

export interface Findings {
  problems: string[];
  notes: string[];
}

export const findings = (): Findings => ({ problems: [], notes: [] });

export const totalDuration = (rung: Rung): number => rung.segments.reduce((s, seg) => s + seg.duration, 0);

export function streamsOf(facts: RungFacts | undefined): ProbedStream[] {
  const p = facts?.probe;
  return Array.isArray(p) ? p : [];
}

/** Video when ffprobe found a video stream in it, audio when only audio; else what the manifest says. */
export function kindOf(rung: Rung, facts: RungFacts | undefined): RungKind {
  const streams = streamsOf(facts);
  if (streams.length === 0) return rung.kind;
  return streams.some((s) => s.type === "video") ? "video" : "audio";
}

/** Seconds per video frame: ffprobe's rate, else the manifest's; null when neither says. */
export function videoFrameOf(rung: Rung, facts: RungFacts | undefined): number | null {
  const fps = streamsOf(facts).find((s) => s.type === "video")?.fps ?? rung.frameRate;
  return fps && fps > 0 ? 1 / fps : null;
}

/** Samples per coded audio frame: what a track's duration can be rounded to. AAC (and unknown codecs) 1024. */
const SAMPLES_PER_FRAME: Record<string, number> = { aac: 1024, opus: 960, ac3: 1536, eac3: 1536, mp3: 1152 };

/** Seconds per audio frame (1024 / 48000 when ffprobe did not say). */
export function audioFrameOf(facts: RungFacts | undefined): number {
  const a = streamsOf(facts).find((s) => s.type === "audio");
  return (SAMPLES_PER_FRAME[a?.codec ?? "aac"] ?? 1024) / (a?.sampleRate ?? 48000);
}

const sizes = (list: readonly FileSize[]): number[] | null => (list.every((s) => typeof s === "number") ? (list as number[]) : null);

/** Peak and average bit rate of the rung's segments; null when a segment could not be measured or none is listed. */
export function bitratesOf(rung: Rung, facts: RungFacts | undefined): SegmentBitrates | null {
  const bytes = facts ? sizes(facts.segmentBytes) : null;
  if (bytes === null || bytes.length === 0 || rung.indexed) return null;
  const target = rung.limit?.rule === "hls-target" ? rung.limit.seconds : undefined;
  return segmentBitrates(bytes, rung.segments.map((s) => s.duration), target);
}

export const seconds = (x: number): string => `${x.toFixed(3)} s`;
export const bps = (x: number): string => `${Math.round(x)} b/s`;
