// How a recipe's preset and settings become ffmpeg arguments, per encoder. Recipes write each
// encoder's own parameter names (recipes/*.yaml); this is the one place that knows how ffmpeg
// passes them on: x264/x265/SVT-AV1 take a `:`-separated key=value list (-x264-params …),
// libvpx-vp9 takes ffmpeg options (-row-mt 1). It is also the one place that knows how each
// encoder is held to a task's slots (`threads` below), for the plan's encodes and the ladder's
// single-threaded trials alike. Pure.
import type { Codec, Recipe } from "../model";
import type { ContentLight, MasteringDisplay } from "../content/types";

export type EncoderName = "libx264" | "libx265" | "libsvtav1" | "libvpx-vp9" | "libaom-av1";

/**
 * What holds an encoder to a task's slots: `params` join the recipe's settings (inside the params
 * list, or as `-key value` options for libvpx-vp9), `options` are ffmpeg options after them.
 */
export interface Threading {
  params: [string, string][];
  options: string[];
}

interface EncoderInfo {
  codec: Codec;
  /** How the preset is passed. */
  preset: (preset: string) => string[];
  /** The -<encoder>-params option, or null when settings are plain ffmpeg options. */
  paramsOption: string | null;
  /** Settings passed as ffmpeg's own option rather than inside the params list (x264/x265 `tune`). */
  ffmpegOptions: readonly string[];
  /** Settings this encoder accepts, when they are ffmpeg options (null: any encoder parameter). */
  knownOptions: readonly string[] | null;
  /** The flags that make a task of `slots` slots use at most about that many cores (measured, below). */
  threads: (slots: number) => Threading;
  /** Params that quiet the encoder's own log, which ffmpeg's -loglevel does not reach. */
  quiet: [string, string][];
  /**
   * A closed GOP of exactly `frames` frames, no keyframe anywhere else (no scene-cut keyframes):
   * every package segment starts on a keyframe at the same instant in every rung.
   */
  gop: (frames: number) => Threading;
}

/** libvpx-vp9's private ffmpeg options a recipe may set (ffmpeg -h encoder=libvpx-vp9). */
export const VP9_OPTIONS: readonly string[] = [
  "row-mt", "tile-columns", "tile-rows", "frame-parallel", "auto-alt-ref", "lag-in-frames", "arnr-maxframes", "arnr-strength", "arnr-type",
  "aq-mode", "tune-content", "enable-tpl", "sharpness", "noise-sensitivity", "static-thresh", "corpus-complexity", "undershoot-pct", "overshoot-pct",
];

// ---- threads: slots → cores ------------------------------------------------------------------
//
// Measured with ffmpeg 5.1 (Debian) on a 2-core machine shared with other work: encodeArgv's
// command for 3 s of the 720p H.264 animation clip at the 720p rung of each deliverable's generic
// recipe. cores = CPU seconds ÷ wall seconds; runnable = mean threads wanting a core, sampled from
// /proc (other work on the machine shrinks `cores`, not this demand).
//
//                 before: ffmpeg's -threads N only          these flags
//   encoder       1 slot: cores runnable   2: runnable      1 slot: cores runnable   2: cores runnable
//   libx264            1.03   1.06          1.94                 0.96   1.00            1.00*  1.86
//   libx265            1.83   1.93          2.02                 0.96   1.01            1.35*  2.00
//   libsvtav1          1.85   2.81          2.33                 1.04   1.01            1.78   3.11 (lp=2 = every core here)
//   libvpx-vp9         0.90   1.02          1.91                 0.99   1.00            1.48*  1.85
//   (* the machine was busy: the encode got less than it asked for)
//
// ffmpeg's own -threads also sets the filter graph's threads in 5.1 (scale, bwdif and zscale run
// slice-threaded on every core without it), so every encoder gets it even where the wrapper
// ignores it. x265 chooses its frame threads from the pool's size (1 below 4 threads, 2 below 8,
// …); one slot uses no pool at all (WPP off), as the ladder's trials always have, so their bits
// stay the same. SVT-AV1 honours lp= ("Number of logical cores available: N" in its log), though
// it starts ~17 threads for lp=1 and 2.3 to 3.1 of its threads wanted a core at lp=2: whether lp=N
// holds to N cores where N is less than the machine's is measured here for N = 1 only. libvpx-vp9
// spreads over -threads by tiles and, with row-mt, by rows (small rungs have one tile column).

/** ffmpeg's -threads: the encoder's own thread count where the wrapper passes it on, and the filter graph's. */
const ffmpegThreads = (slots: number): string[] => ["-threads", String(slots)];

export const ENCODERS: Readonly<Record<EncoderName, EncoderInfo>> = {
  libx264: {
    codec: "h264", preset: (p) => ["-preset", p], paramsOption: "-x264-params", ffmpegOptions: ["tune"], knownOptions: null, quiet: [],
    threads: (n) => ({ params: [], options: ffmpegThreads(n) }),
    // x264's GOPs are closed unless open-gop is asked for.
    gop: (g) => ({ params: [], options: ["-g", String(g), "-keyint_min", String(g), "-sc_threshold", "0"] }),
  },
  libx265: {
    codec: "hevc", preset: (p) => ["-preset", p], paramsOption: "-x265-params", ffmpegOptions: ["tune"], knownOptions: null, quiet: [["log-level", "error"]],
    threads: (n) => ({ params: n === 1 ? [["frame-threads", "1"], ["pools", "none"]] : [["pools", String(n)]], options: ffmpegThreads(n) }),
    // x265 opens its GOPs by default (a segment's first frames would reference the one before).
    gop: (g) => ({ params: [["keyint", String(g)], ["min-keyint", String(g)], ["scenecut", "0"], ["open-gop", "0"]], options: [] }),
  },
  libsvtav1: {
    codec: "av1", preset: (p) => ["-preset", p], paramsOption: "-svtav1-params", ffmpegOptions: [], knownOptions: null, quiet: [],
    threads: (n) => ({ params: [["lp", String(n)]], options: ffmpegThreads(n) }),
    // SVT-AV1 places no keyframe at scene changes (it says so) and closes its GOPs by default.
    gop: (g) => ({ params: [], options: ["-g", String(g)] }),
  },
  // libvpx's speed knob is cpu-used under the `good` deadline (the recipe's preset is that number).
  "libvpx-vp9": {
    codec: "vp9", preset: (p) => ["-deadline", "good", "-cpu-used", p], paramsOption: null, ffmpegOptions: [], knownOptions: VP9_OPTIONS, quiet: [],
    // One thread makes row-mt moot (the same bits either way), so the recipe's choice stands.
    threads: (n) => ({ params: n === 1 ? [] : [["row-mt", "1"]], options: ffmpegThreads(n) }),
    gop: (g) => ({ params: [], options: ["-g", String(g), "-keyint_min", String(g)] }),
  },
  // The reference AV1 encoder, slower than SVT-AV1 at any speed: a recipe's fallback when SVT-AV1
  // fails on a source (its speed knob is cpu-used 0..8 under the `good` usage). Measured here on
  // 3 s of the 720p clip at 360p, cpu-used 8: -threads 1 used 0.97 cores, -threads 2 with row-mt
  // 1.2 (libaom parallelises by tiles and rows; one 360p tile leaves little to spread).
  "libaom-av1": {
    codec: "av1", preset: (p) => ["-usage", "good", "-cpu-used", p], paramsOption: "-aom-params", ffmpegOptions: [], knownOptions: null, quiet: [],
    threads: (n) => ({ params: n === 1 ? [] : [["row-mt", "1"]], options: ffmpegThreads(n) }),
    gop: (g) => ({ params: [], options: ["-g", String(g), "-keyint_min", String(g)] }),
  },
};

/** FFV1 threads over slices: 4 by default at level 3, more for wider tasks (its valid counts). */
const FFV1_SLICES = [4, 6, 9, 12, 16, 20, 24, 30];

export function ffv1Threads(slots: number): string[] {
  const slices = FFV1_SLICES.find((s) => s >= slots) ?? FFV1_SLICES.at(-1)!;
  return ["-threads", String(slots), "-slices", String(slices)];
}

/**
 * The decoder's threads, an input option: unset, ffmpeg decodes H.264/HEVC with a thread per core
 * (a 1-slot 360p x264 encode of a 720p H.264 source measured 1.29 cores, 0.99 with -threads 1).
 */
export const decodeThreads = (slots: number): string[] => ["-threads", String(slots)];

export function isEncoder(name: string): name is EncoderName {
  return Object.prototype.hasOwnProperty.call(ENCODERS, name);
}

/** The encoders vps writes commands for, per codec (for messages). */
export function encodersFor(codec: Codec): EncoderName[] {
  return (Object.keys(ENCODERS) as EncoderName[]).filter((e) => ENCODERS[e].codec === codec);
}

const text = (v: string | number | boolean): string => (typeof v === "boolean" ? (v ? "1" : "0") : String(v));

/** What settingsArgs reads of a recipe (the ladder's trials pass their own preset with it). */
export type EncoderSettings = Pick<Recipe, "encoder" | "settings">;

/**
 * The settings and the threading for `slots` slots: `key=value` pairs in the recipe's order (a
 * params list), or `-key value` options, then `extra` pairs (HDR metadata from the source), the
 * thread params and the quiet ones, then the thread options. `overrides` replace values; a thread
 * param replaces the recipe's value for the same key in place (the slots decide).
 */
export function settingsArgs(spec: EncoderSettings, slots: number, extra: readonly [string, string][] = [], overrides: Readonly<Record<string, string>> = {}): string[] {
  const info = ENCODERS[spec.encoder as EncoderName];
  const threads = info.threads(slots);
  const own = Object.entries(spec.settings).filter(([k]) => !info.ffmpegOptions.includes(k));
  const pairs = mergePairs([...own.map(([k, v]): [string, string] => [k, overrides[k] ?? text(v)]), ...extra], [...threads.params, ...info.quiet]);
  const direct = Object.entries(spec.settings)
    .filter(([k]) => info.ffmpegOptions.includes(k))
    .flatMap(([k, v]) => [`-${k}`, text(v)]);
  if (info.paramsOption === null) return [...direct, ...pairs.flatMap(([k, v]) => [`-${k}`, v]), ...threads.options];
  const list = pairs.length === 0 ? [] : [info.paramsOption, pairs.map(([k, v]) => `${k}=${v}`).join(":")];
  return [...direct, ...list, ...threads.options];
}

/** `base` with each of `over`'s keys set: in place where `base` has the key, appended where not. */
function mergePairs(base: readonly [string, string][], over: readonly [string, string][]): [string, string][] {
  const set = new Map(over);
  const merged = base.map(([k, v]): [string, string] => [k, set.get(k) ?? v]);
  const have = new Set(base.map(([k]) => k));
  return [...merged, ...over.filter(([k]) => !have.has(k))];
}

// ---- HDR10 static metadata in each encoder's notation --------------------------------------

const round = (x: number): number => Math.round(x);

/** x265's master-display: chromaticities in 0.00002 units, luminance in 0.0001 cd/m², G B R WP L(max,min). */
export function x265MasterDisplay(m: MasteringDisplay): string {
  const xy = ([x, y]: [number, number]) => `(${round(x * 50000)},${round(y * 50000)})`;
  return `G${xy(m.green)}B${xy(m.blue)}R${xy(m.red)}WP${xy(m.whitePoint)}L(${round(m.maxLuminance * 10000)},${round(m.minLuminance * 10000)})`;
}

/** SVT-AV1's mastering-display: the same order with plain decimal values. */
export function svtMasterDisplay(m: MasteringDisplay): string {
  const d = (x: number) => String(Math.round(x * 10000) / 10000);
  const xy = ([x, y]: [number, number]) => `(${d(x)},${d(y)})`;
  return `G${xy(m.green)}B${xy(m.blue)}R${xy(m.red)}WP${xy(m.whitePoint)}L(${d(m.maxLuminance)},${d(m.minLuminance)})`;
}

export const contentLightText = (c: ContentLight): string => `${round(c.maxCll)},${round(c.maxFall)}`;
