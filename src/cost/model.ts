// The default cost model: predicted work (slot-seconds), duration on a number of slots, memory and
// scratch for every task. A slot is the unit CODEC_BASE.h264 defines: a core that encodes 1080p30
// H.264 at preset medium in 1.5 s per second of video. Constants are round figures from public
// x264/x265/SVT-AV1 speed reports, except those src/cost/shipped.ts lists as fitted from the
// measured transcode times in shared/data/transcode-times (the VP9 base). `vps calibrate` fits a
// farm's own model from its history of runs; `--cost-model` uses it in place of this one.
import type { AudioProfile, Codec, ContentProfile, Rendition } from "../model";
import { SHIPPED_FIT } from "./shipped";
import type { CostModel, EncodeSpec } from "./types";

export type { CostModel, EncodeSpec } from "./types";

/** 1080p30: the reference pixel rate every factor below is relative to. */
export const REF_PIXEL_RATE = 1920 * 1080 * 30;

/**
 * Slot-seconds per second of 1080p30 video at the codec's reference preset, complexity 0.5.
 * H.264 defines the slot; HEVC and AV1 are round figures; VP9 is measured (see shipped.ts).
 */
export const CODEC_BASE: Readonly<Record<Codec, number>> = { h264: 1.5, hevc: 6, av1: 5, vp9: SHIPPED_FIT.vp9Base };

/** Named presets of x264/x265, relative to `medium`. */
const NAMED_PRESET: Record<string, number> = {
  ultrafast: 0.15,
  superfast: 0.22,
  veryfast: 0.35,
  faster: 0.55,
  fast: 0.75,
  medium: 1,
  slow: 1.7,
  slower: 3,
  veryslow: 6,
  placebo: 12,
};

/** SVT-AV1 and libvpx take numeric presets (lower is slower): each step ≈ 1.4× the work. */
const NUMERIC_REFERENCE = 8;
const NUMERIC_STEP = 1.4;

export function presetFactor(preset: string): number {
  const named = NAMED_PRESET[preset];
  if (named !== undefined) return named;
  const n = Number(preset);
  if (Number.isFinite(n)) return Math.pow(NUMERIC_STEP, NUMERIC_REFERENCE - n);
  return 1;
}

function pixelRate(width: number, height: number, fps: number): number {
  return (width * height * fps) / REF_PIXEL_RATE;
}

/** Complexity 0 → 0.6×, 0.5 → 1×, 1 → 1.4× the work: motion search and RDO scale with detail. */
export function complexityFactor(complexity: number): number {
  return 0.6 + 0.8 * complexity;
}

/** Slot-seconds of decoding one second of 1080p30 source. */
export const DECODE_BASE = 0.08;

/** Work multiplier of a bit depth above 8 (wider pixels through every stage of the encoder). */
export function bitDepthFactor(bitDepth: number): number {
  return bitDepth > 8 ? 1.2 : 1;
}

/** Work (slot-seconds) of decoding the source plus encoding one rendition of `seconds` of it. */
export function encodeWork(spec: EncodeSpec): number {
  const { content, rendition } = spec;
  const decode = DECODE_BASE * pixelRate(content.width, content.height, content.fps);
  const encode =
    CODEC_BASE[spec.codec] *
    presetFactor(spec.preset) *
    pixelRate(rendition.width, rendition.height, content.fps) *
    complexityFactor(content.complexity) *
    bitDepthFactor(spec.bitDepth);
  return spec.seconds * (decode + encode);
}

/** Slots an encode task asks for: encoders only use many threads well on large frames. */
export function encodeSlots(rendition: Rendition): number {
  const h = Math.min(rendition.width, rendition.height);
  if (h >= 2160) return 8;
  if (h >= 1080) return 4;
  if (h >= 720) return 2;
  return 1;
}

/** Amdahl parallel fraction by frame size: small frames leave few rows for threads to split. */
export function parallelFraction(rendition: Rendition): number {
  const h = Math.min(rendition.width, rendition.height);
  if (h >= 2160) return 0.95;
  if (h >= 1080) return 0.92;
  if (h >= 720) return 0.85;
  return 0.7;
}

/**
 * How each encoder's threading holds up relative to x264's frame threads: x265's wavefront rows
 * and SVT-AV1's segment/tile parallelism match it on large frames; libvpx-vp9's row-mt and tile
 * columns leave more of the frame serial. Round figures from public encoder scaling reports.
 */
const CODEC_PARALLEL: Readonly<Record<Codec, number>> = { h264: 1, hevc: 1, av1: 1, vp9: 0.92 };

/** The speedup curve of an encode: Amdahl's parallel fraction by codec and frame size. */
export function encodeParallelFraction(codec: Codec, rendition: Rendition): number {
  return parallelFraction(rendition) * CODEC_PARALLEL[codec];
}

/** Wall seconds of `work` on `slots` slots when a fraction `parallel` of it spreads (Amdahl's law). */
export function amdahl(work: number, slots: number, parallel: number): number {
  return work * (1 - parallel + parallel / Math.max(1, slots));
}

/** Wall seconds of `work` on `slots` slots (Amdahl's law, H.264's curve). */
export function durationOn(work: number, slots: number, rendition: Rendition): number {
  return amdahl(work, slots, parallelFraction(rendition));
}

const CODEC_MEMORY: Record<Codec, number> = { h264: 1, hevc: 2, av1: 2.5, vp9: 1.5 };

/** Peak resident memory of one encoder process, GiB: lookahead buffers scale with frame size. */
export function encodeMemoryGiB(codec: Codec, rendition: Rendition): number {
  return 0.3 + CODEC_MEMORY[codec] * ((rendition.width * rendition.height) / (1920 * 1080));
}

/** GiB an encoded rendition (or chunk) occupies in scratch until it is packaged. */
export function outputGiB(rendition: Rendition, seconds: number): number {
  return (rendition.bitrateKbps * 1000 * seconds) / 8 / 1024 ** 3;
}

/**
 * The FFV1 mezzanine: measured 3.1–3.4 bits per pixel on the 10 s 360p clips (Tears of Steel,
 * Caminandes; 8-bit 4:2:0, level 3), taken as 4 and scaled with the bit depth.
 */
export function mezzanineGiB(content: ContentProfile): number {
  return (content.width * content.height * content.fps * content.duration * 4 * (content.bitDepth / 8)) / 8 / 1024 ** 3;
}

// ---- the small stages ----

/** Analysis decodes the source once and runs the content filters: ≈ a tenth of a 1080p encode. */
export function analyseWork(content: ContentProfile): number {
  return Math.max(5, 0.15 * content.duration * pixelRate(content.width, content.height, content.fps));
}

/**
 * Normalisation decodes the source, filters it (bwdif deinterlacing, a constant frame rate, 4:2:0)
 * and writes a lossless FFV1 mezzanine: about a fifth of a 1080p H.264 encode at preset medium.
 */
export function normaliseWork(content: ContentProfile): number {
  return Math.max(5, 0.3 * content.duration * pixelRate(content.width, content.height, content.fps));
}

/** Joining chunks is a stream copy: I/O bound, proportional to length. */
export function joinDuration(content: ContentProfile): number {
  return 2 + 0.004 * content.duration;
}

/**
 * Audio is demuxed from the source (the video is not decoded) and encoded on one thread: measured
 * with ffmpeg 5.1 here, 120 s of stereo took 2.0 s with the native AAC encoder and 1.1 s with
 * libopus, plus process start-up.
 */
export function audioDuration(content: ContentProfile, codec: AudioProfile["codec"]): number {
  return 1 + (codec === "opus" ? 0.01 : 0.02) * content.duration;
}

/** Packaging (segmenting, manifests, DRM) per rendition of one deliverable. */
export function packageDuration(content: ContentProfile, renditions: number): number {
  return 5 + 0.01 * content.duration * renditions;
}

/** Publishing pushes manifests and triggers CDN prefetch: mostly fixed latency. */
export const PUBLISH_DURATION = 30;

/** The shipped model: the functions above behind the CostModel interface. */
export const defaultCostModel: CostModel = Object.freeze({
  name: "default",
  encodeWork,
  encodeSlots,
  durationOn,
  parallelFraction: encodeParallelFraction,
  encodeMemoryGiB,
  outputGiB,
  mezzanineGiB,
  analyseWork,
  normaliseWork,
  joinDuration,
  audioDuration,
  packageDuration,
  publishDuration: () => PUBLISH_DURATION,
});
