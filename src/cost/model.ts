// The default cost model: predicted work (slot-seconds), duration on a number of slots, memory and
// scratch for every task. Constants are round figures from public x264/x265/SVT-AV1 speed reports
// and the measured 2-second-segment transcode times in shared/data/transcode-times (1080p H.264
// ≈ 1.1 s of one VM per second of video, 360p ≈ 0.7 s, VP9 ≈ 2× H.264). A later calibration step
// (issue 5) fits them to a user's own history; here they only need the right shape.
import type { Codec, ContentProfile, Rendition } from "../model";

/** 1080p30: the reference pixel rate every factor below is relative to. */
const REF_PIXEL_RATE = 1920 * 1080 * 30;

/** Slot-seconds per second of 1080p30 video at the codec's reference preset, complexity 0.5. */
const CODEC_BASE: Record<Codec, number> = { h264: 1.5, hevc: 6, av1: 5, vp9: 4 };

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
function complexityFactor(complexity: number): number {
  return 0.6 + 0.8 * complexity;
}

export interface EncodeSpec {
  codec: Codec;
  preset: string;
  bitDepth: number;
  rendition: Rendition;
  content: ContentProfile;
  /** Seconds of video this task encodes (a chunk or the whole title). */
  seconds: number;
}

/** Work (slot-seconds) of decoding the source plus encoding one rendition of `seconds` of it. */
export function encodeWork(spec: EncodeSpec): number {
  const { content, rendition } = spec;
  const decode = 0.08 * pixelRate(content.width, content.height, content.fps);
  const encode =
    CODEC_BASE[spec.codec] *
    presetFactor(spec.preset) *
    pixelRate(rendition.width, rendition.height, content.fps) *
    complexityFactor(content.complexity) *
    (spec.bitDepth > 8 ? 1.2 : 1);
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
function parallelFraction(rendition: Rendition): number {
  const h = Math.min(rendition.width, rendition.height);
  if (h >= 2160) return 0.95;
  if (h >= 1080) return 0.92;
  if (h >= 720) return 0.85;
  return 0.7;
}

/** Wall seconds of `work` on `slots` slots (Amdahl's law). */
export function durationOn(work: number, slots: number, rendition: Rendition): number {
  const f = parallelFraction(rendition);
  return work * (1 - f + f / Math.max(1, slots));
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

// ---- the small stages ----

/** Analysis decodes the source once and runs the content filters: ≈ a tenth of a 1080p encode. */
export function analyseWork(content: ContentProfile): number {
  return Math.max(5, 0.15 * content.duration * pixelRate(content.width, content.height, content.fps));
}

/** Joining chunks is a stream copy: I/O bound, proportional to length. */
export function joinDuration(content: ContentProfile): number {
  return 2 + 0.004 * content.duration;
}

/** Packaging (segmenting, manifests, DRM) per rendition of one deliverable. */
export function packageDuration(content: ContentProfile, renditions: number): number {
  return 5 + 0.01 * content.duration * renditions;
}

/** Publishing pushes manifests and triggers CDN prefetch: mostly fixed latency. */
export const PUBLISH_DURATION = 30;
