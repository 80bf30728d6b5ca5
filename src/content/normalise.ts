// Which traits of a measured source need a normalisation (mezzanine) step before encoding, and
// why. Pure: it reads the probe only. The step itself (its ffmpeg arguments) is in src/encode.
//
// A mezzanine is decoded once, fixed, and written losslessly (FFV1); every encode of every
// rendition and chunk then reads it instead of the awkward source:
//   interlaced        encoders would compress the comb of two fields as detail: deinterlace (bwdif)
//   variable rate     chunks cut by time and players want a steady cadence: a constant rate (fps)
//   odd pixel format  deliverables take 4:2:0 at 8 or 10 bits: 4:2:2/4:4:4/RGB/full range converted once
//   awkward codec     a codec outside the common decoders, or a container without a seek index
//                     on a title that is cut into chunks (each chunk seeks into it)
import type { ContentProfile } from "../model";
import type { ProbeInfo } from "./types";

export type NormaliseKind = "deinterlace" | "constant-rate" | "pixel-format" | "decode";

export interface NormaliseNeed {
  kind: NormaliseKind;
  /** In words, for the plan's task reason and `vps recipes explain`. */
  reason: string;
}

/** What the planner knows of a title's measured source file. */
export interface SourceFacts {
  /** The title's content as planned (measured facts; `source` is the file's path). */
  content: ContentProfile;
  probe: ProbeInfo;
  /** Why a normalise (mezzanine) step comes first; empty when the source is used as it is. */
  needs: readonly NormaliseNeed[];
}

/** What every deliverable's encoder takes as it is: 4:2:0, limited range, 8 or 10 bits. */
export const PLAIN_PIXEL_FORMATS: readonly string[] = ["yuv420p", "yuv420p10le"];

/** Decoders that are common, fast and frame-accurate after a seek. */
const PLAIN_CODECS = new Set([
  "h264", "hevc", "av1", "vp9", "vp8", "mpeg2video", "mpeg4", "prores", "dnxhd", "ffv1", "mjpeg", "rawvideo", "v210", "dvvideo", "jpeg2000",
]);

/** ffprobe format names of streams without a seek index: raw elementary streams and transport/program streams. */
const UNINDEXED_CONTAINERS = new Set(["mpegts", "mpeg", "h264", "hevc", "mpegvideo", "m4v", "vc1"]);

/** Common frame rates as exact fractions: a variable-rate source becomes the one nearest its average. */
const STANDARD_RATES: readonly [number, number][] = [
  [24000, 1001], [24, 1], [25, 1], [30000, 1001], [30, 1], [48, 1], [50, 1], [60000, 1001], [60, 1],
];

/** `num/den` of the constant rate a source is normalised to: the nearest standard rate within 0.5%, else the rate to 1/1000. */
export function constantRate(fps: number): string {
  const off = ([n, d]: [number, number]) => Math.abs(n / d - fps) / fps;
  const nearest = [...STANDARD_RATES].sort((a, b) => off(a) - off(b))[0]!;
  if (off(nearest) <= 0.005) return `${nearest[0]}/${nearest[1]}`;
  return `${Math.round(fps * 1000)}/1000`;
}

/** The pixel format a mezzanine (and so every encode's input) has: 4:2:0 at the source's depth, 8 or 10 bits. */
export function mezzaninePixelFormat(bitDepth: number): string {
  return bitDepth > 8 ? "yuv420p10le" : "yuv420p";
}

/**
 * What a source needs before encoding; empty for a plain progressive, constant-rate 4:2:0 file.
 * `chunked`: the title is cut into chunks, each of which seeks into the source.
 */
export function normaliseNeeds(p: ProbeInfo, chunked: boolean): NormaliseNeed[] {
  const needs: NormaliseNeed[] = [];
  if (p.interlaced) needs.push({ kind: "deinterlace", reason: `interlaced (field order ${p.fieldOrder}): deinterlaced with bwdif, one frame per frame` });
  if (p.variableFrameRate) {
    needs.push({ kind: "constant-rate", reason: `variable frame rate (average ${p.fps.toFixed(3)} fps): converted to a constant ${constantRate(p.fps)} fps` });
  }
  if (!PLAIN_PIXEL_FORMATS.includes(p.pixelFormat)) {
    needs.push({ kind: "pixel-format", reason: `pixel format ${p.pixelFormat}: converted to ${mezzaninePixelFormat(p.bitDepth)} (4:2:0, which every deliverable takes)` });
  }
  if (!PLAIN_CODECS.has(p.codec)) {
    needs.push({ kind: "decode", reason: `codec ${p.codec}: decoded once into the mezzanine instead of by every encode` });
  } else if (chunked && UNINDEXED_CONTAINERS.has(p.container)) {
    needs.push({ kind: "decode", reason: `container ${p.container} has no seek index: decoded once instead of sought into by every chunk` });
  }
  return needs;
}
