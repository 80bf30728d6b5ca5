// The trial grid: which sizes and quality levels a title's excerpt is test-encoded at, and which
// part of the title is the excerpt. Pure.
//
// Sizes: the source's own size and its 2/3, 1/2, 1/3 and 1/4 scales (720p → 720, 480, 360, 240,
// 180; 1080p → 1080, 720, 540, 360, 270; 2160p → 2160, 1440, 1080, 720, 540), never above the
// source and never below MIN_SHORT_SIDE (the smallest picture worth streaming), aspect kept.
// That spans every size a ladder for the source can usefully hold in steps the hull can tell apart.
//
// Quality levels: five CRF values, 6 apart for x264/x265 (each step about halves the bitrate), from
// near-transparent to starved, so every size's curve covers the rates a ladder spans (≈100 kb/s to
// a few Mb/s at 720p). Constant-quality trials are cheap (one pass) and trace each size's
// rate–quality curve; the rungs themselves are then encoded at their bitrate (see ffmpegArgs.ts).
import { InputError } from "../util/errors";
import type { Size, TrialSpec } from "./types";

/** Scales of the source's size that are trial-encoded. */
export const TRIAL_SCALES = [1, 2 / 3, 1 / 2, 1 / 3, 1 / 4] as const;
/** No trial (and so no rung) has a short side under this, unless the source itself is smaller. */
export const MIN_SHORT_SIDE = 180;

/** CRF levels per encoder; each encoder's scale is its own (x264 0–51, SVT-AV1 and VP9 0–63). */
export const CRF_LEVELS: Record<string, readonly number[]> = {
  libx264: [19, 25, 31, 37, 43],
  libx265: [20, 26, 32, 38, 44],
  libsvtav1: [25, 33, 41, 49, 57],
  "libvpx-vp9": [20, 30, 40, 50, 60],
};

const even = (x: number): number => Math.max(2, 2 * Math.round(x / 2));

/**
 * Scales the rate–quality model predicts at: the trial scales and two smaller ones. Predicted
 * points cost nothing, and a 4K title's low rungs (360p, 270p) lie below a quarter of its size;
 * the model's scaling-loss term, ln(1/s), carries on smoothly past the trials' 1/4.
 */
export const MODEL_SCALES = [...TRIAL_SCALES, 1 / 6, 1 / 8] as const;

/** The trial sizes for a source (or the model's, with MODEL_SCALES), largest first, deduplicated. */
export function trialSizes(source: Size, scales: readonly number[] = TRIAL_SCALES): Size[] {
  const shortSide = Math.min(source.width, source.height);
  const floor = Math.min(MIN_SHORT_SIDE, shortSide);
  const sizes: Size[] = [];
  for (const k of scales) {
    // The source size is kept as it is (odd sides included); scaled sizes get even sides for 4:2:0.
    const size = k === 1 ? { width: source.width, height: source.height } : { width: even(source.width * k), height: even(source.height * k) };
    if (Math.min(size.width, size.height) < floor) continue;
    if (!sizes.some((s) => s.height === size.height)) sizes.push(size);
  }
  return sizes;
}

export function crfLevels(encoder: string): readonly number[] {
  const levels = CRF_LEVELS[encoder];
  if (!levels) throw new InputError(`vps ladder cannot trial-encode with ${encoder}: it knows ${Object.keys(CRF_LEVELS).join(", ")}`);
  return levels;
}

/** Every size × quality level, sizes largest first and CRF ascending within a size. */
export function trialGrid(source: Size, encoder: string): TrialSpec[] {
  const levels = crfLevels(encoder);
  return trialSizes(source).flatMap((s) => levels.map((crf) => ({ ...s, crf })));
}

export interface Excerpt {
  start: number;
  seconds: number;
}

/** Trial excerpts are short: 4 s of a 45-minute episode already costs ~25 encodes × 4 s. */
export const DEFAULT_EXCERPT_SECONDS = 4;

/**
 * The excerpt: `seconds` long (the whole file when it is shorter), centred in the file, so it
 * skips the opening titles and black lead-in of most masters.
 */
export function excerptOf(duration: number, seconds = DEFAULT_EXCERPT_SECONDS): Excerpt {
  if (duration <= seconds) return { start: 0, seconds: duration };
  return { start: Math.round(((duration - seconds) / 2) * 1000) / 1000, seconds };
}
