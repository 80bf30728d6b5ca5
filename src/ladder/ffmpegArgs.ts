// ffmpeg argument lists for per-title trials: cut the excerpt, encode a trial or a rung, measure
// an encode against the excerpt. Pure: argv arrays only, run by trials.ts through src/util/proc.
//
//   excerpt   source → (yadif when interlaced) → 4:2:0 at the deliverable's bit depth, raw video in
//             NUT (FFV1 when raw would be large): the reference every trial is encoded from and
//             measured against, decoded once from the source.
//   encode    excerpt → scale (bicubic) to the trial size → the recipe's encoder, preset and
//             settings → elementary stream (H.264/HEVC SEI removed, so the bytes are picture bits).
//             Trials use constant quality (CRF); rungs use two-pass ABR at the rung's bitrate.
//             One slot's threading (src/encode/encoders.ts, as for a 1-slot encode task): results
//             do not depend on the machine's core count, and trials run side by side instead.
//   measure   encode → scale (bicubic) back to the source's size → psnr and ssim against the
//             excerpt; both filters print a summary line on stderr (psnr's `y:` is the PSNR of the
//             mean luma MSE over all frames, not a mean of per-frame PSNRs).
import { ENCODERS, ffv1Threads, isEncoder, settingsArgs } from "../encode/encoders";
import type { Recipe } from "../model";
import { InternalError } from "../util/errors";
import type { Excerpt } from "./grid";
import type { Size } from "./types";

const QUIET = ["-hide_banner", "-nostdin", "-nostats"];

/** Pixel format of the reference and of every encode: 4:2:0 at the deliverable's bit depth. */
export const pixelFormat = (bitDepth: number): string => (bitDepth > 8 ? "yuv420p10le" : "yuv420p");

/** Raw excerpts above this size are stored losslessly compressed (FFV1) instead. */
export const RAW_EXCERPT_LIMIT_BYTES = 768 * 1024 * 1024;

export function excerptBytes(size: Size, fps: number, excerpt: Excerpt, bitDepth: number): number {
  return size.width * size.height * 1.5 * (bitDepth > 8 ? 2 : 1) * Math.ceil(excerpt.seconds * fps);
}

export interface ExcerptJob {
  input: string;
  excerpt: Excerpt;
  interlaced: boolean;
  bitDepth: number;
  raw: boolean;
  output: string;
}

export function excerptArgs(j: ExcerptJob): string[] {
  const vf = [...(j.interlaced ? ["yadif=mode=send_frame:deint=all"] : []), `format=${pixelFormat(j.bitDepth)}`].join(",");
  const codec = j.raw ? ["-c:v", "rawvideo"] : ["-c:v", "ffv1", "-level", "3", ...ffv1Threads(2)];
  return [...QUIET, "-v", "error", "-y", "-ss", j.excerpt.start.toFixed(3), "-t", j.excerpt.seconds.toFixed(3), "-noautorotate", "-i", j.input, "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", vf, ...codec, "-f", "nut", j.output];
}

export function frameCountArgs(path: string): string[] {
  return ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", "-i", path];
}

/** The encoder-specific part of a recipe: codec, preset, and its settings in the encoder's own syntax. */
export type EncoderSpec = Pick<Recipe, "encoder" | "preset" | "settings" | "bitDepth">;

/**
 * x265 refuses to open when its lookahead is not longer than the B-frame run ("Lookahead depth must
 * be greater than the max consecutive bframe count"), and its fast presets look only this far
 * ahead (medium and slower: 20 frames or more, beyond x265's 16 B-frames). A recipe written for
 * `slow` with bframes 8 (hevc-sdr animation, talking-head) then fails under `--preset ultrafast`,
 * so the lookahead is lengthened to just past the recipe's B-frames when the preset's is too short.
 */
const X265_PRESET_LOOKAHEAD: Record<string, number> = { ultrafast: 5, superfast: 10, veryfast: 15, faster: 15, fast: 15 };

function x265LookaheadFix(e: EncoderSpec): [string, string][] {
  const bframes = Number(e.settings.bframes);
  const lookahead = X265_PRESET_LOOKAHEAD[e.preset];
  if (e.encoder !== "libx265" || e.settings["rc-lookahead"] !== undefined || lookahead === undefined || !(bframes >= lookahead)) return [];
  return [["rc-lookahead", String(bframes + 1)]];
}

/** Trials are one-slot tasks (see the header). */
const TRIAL_SLOTS = 1;

/** The recipe's encoder, preset and settings as the encodes pass them (src/encode/encoders.ts), on one thread. */
export function encoderArgs(e: EncoderSpec): string[] {
  if (!isEncoder(e.encoder)) throw new InternalError(`no ffmpeg arguments for encoder ${e.encoder} (grid.ts should have refused it)`);
  return ["-c:v", e.encoder, ...ENCODERS[e.encoder].preset(e.preset), ...settingsArgs(e, TRIAL_SLOTS, x265LookaheadFix(e))];
}

/** Output format per encoder: elementary streams, so the file's bytes are the picture's bits. */
export function outputArgs(encoder: string): string[] {
  if (encoder === "libx264") return ["-bsf:v", "filter_units=remove_types=6", "-f", "h264"];
  if (encoder === "libx265") return ["-bsf:v", "filter_units=remove_types=39|40", "-f", "hevc"];
  return ["-f", "ivf"];
}

/** Bytes of a file that are container, not picture: IVF has a 32-byte header and 12 bytes per frame. */
export function containerOverheadBytes(encoder: string, frames: number): number {
  return encoder === "libx264" || encoder === "libx265" ? 0 : 32 + 12 * frames;
}

const scaleTo = (s: Size): string => `scale=${s.width}:${s.height}:flags=bicubic`;

export interface TrialJob {
  excerpt: string;
  size: Size;
  source: Size;
  encoder: EncoderSpec;
  crf: number;
  output: string;
}

function scaleArgs(size: Size, source: Size, bitDepth: number): string[] {
  const same = size.width === source.width && size.height === source.height;
  return ["-vf", `${same ? "" : `${scaleTo(size)},`}format=${pixelFormat(bitDepth)}`];
}

export function trialArgs(j: TrialJob): string[] {
  const crf = j.encoder.encoder === "libvpx-vp9" ? ["-crf", String(j.crf), "-b:v", "0"] : ["-crf", String(j.crf)];
  return [...QUIET, "-v", "error", "-y", "-i", j.excerpt, "-an", ...scaleArgs(j.size, j.source, j.encoder.bitDepth), ...encoderArgs(j.encoder), ...crf, ...outputArgs(j.encoder.encoder), j.output];
}

export interface RungJob {
  excerpt: string;
  size: Size;
  source: Size;
  encoder: EncoderSpec;
  kbps: number;
  /** Two-pass statistics file (in the run's temp dir). */
  passLog: string;
  output: string;
}

/**
 * A rung at its bitrate: two-pass ABR for x264, x265 and VP9 (the first pass only writes
 * statistics), one-pass VBR for SVT-AV1 (its two-pass mode is not reachable through ffmpeg 5.1).
 * No VBV cap: both ladders of a comparison are encoded this way, so the comparison is of ladders.
 */
export function rungArgs(j: RungJob): string[][] {
  const base = [...QUIET, "-v", "error", "-y", "-i", j.excerpt, "-an", ...scaleArgs(j.size, j.source, j.encoder.bitDepth)];
  const rate = ["-b:v", `${j.kbps}k`];
  const enc = j.encoder.encoder;
  if (enc === "libsvtav1") return [[...base, ...encoderArgs(j.encoder), ...rate, ...outputArgs(enc), j.output]];
  if (enc === "libx265") {
    const withPass = (pass: number): string[] => {
      const args = encoderArgs(j.encoder);
      const i = args.indexOf("-x265-params");
      args[i + 1] = `${args[i + 1]}:pass=${pass}:stats=${j.passLog}`;
      return args;
    };
    return [
      [...base, ...withPass(1), ...rate, "-f", "null", "-"],
      [...base, ...withPass(2), ...rate, ...outputArgs(enc), j.output],
    ];
  }
  const pass = (n: number) => ["-pass", String(n), "-passlogfile", j.passLog];
  return [
    [...base, ...encoderArgs(j.encoder), ...rate, ...pass(1), "-f", "null", "-"],
    [...base, ...encoderArgs(j.encoder), ...rate, ...pass(2), ...outputArgs(enc), j.output],
  ];
}

export interface MeasureJob {
  encoded: string;
  excerpt: string;
  source: Size;
  bitDepth: number;
  /** SSIM costs as much as the rest of the measurement; the bench scores PSNR only and skips it. */
  ssim: boolean;
}

/** PSNR (and SSIM) of an encode against the excerpt, at the source's size. */
export function measureArgs(j: MeasureJob): string[] {
  const fmt = `format=${pixelFormat(j.bitDepth)}`;
  const graph = j.ssim
    ? [`[0:v]${scaleTo(j.source)},${fmt}[d]`, `[1:v]${fmt},split[r1][r2]`, "[d][r1]psnr[d2]", "[d2][r2]ssim"].join(";")
    : [`[0:v]${scaleTo(j.source)},${fmt}[d]`, `[1:v]${fmt}[r]`, "[d][r]psnr"].join(";");
  return [...QUIET, "-v", "info", "-i", j.encoded, "-i", j.excerpt, "-filter_complex", graph, "-f", "null", "-"];
}
