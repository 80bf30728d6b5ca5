// How a recipe's preset and settings become ffmpeg arguments, per encoder. Recipes write each
// encoder's own parameter names (recipes/*.yaml); this is the one place that knows how ffmpeg
// passes them on: x264/x265/SVT-AV1 take a `:`-separated key=value list (-x264-params …),
// libvpx-vp9 takes ffmpeg options (-row-mt 1). Pure.
import type { Codec, Recipe } from "../model";
import type { ContentLight, MasteringDisplay } from "../content/types";

export type EncoderName = "libx264" | "libx265" | "libsvtav1" | "libvpx-vp9";

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
}

/** libvpx-vp9's private ffmpeg options a recipe may set (ffmpeg -h encoder=libvpx-vp9). */
export const VP9_OPTIONS: readonly string[] = [
  "row-mt", "tile-columns", "tile-rows", "frame-parallel", "auto-alt-ref", "lag-in-frames", "arnr-maxframes", "arnr-strength", "arnr-type",
  "aq-mode", "tune-content", "enable-tpl", "sharpness", "noise-sensitivity", "static-thresh", "corpus-complexity", "undershoot-pct", "overshoot-pct",
];

export const ENCODERS: Readonly<Record<EncoderName, EncoderInfo>> = {
  libx264: { codec: "h264", preset: (p) => ["-preset", p], paramsOption: "-x264-params", ffmpegOptions: ["tune"], knownOptions: null },
  libx265: { codec: "hevc", preset: (p) => ["-preset", p], paramsOption: "-x265-params", ffmpegOptions: ["tune"], knownOptions: null },
  libsvtav1: { codec: "av1", preset: (p) => ["-preset", p], paramsOption: "-svtav1-params", ffmpegOptions: [], knownOptions: null },
  // libvpx's speed knob is cpu-used under the `good` deadline (the recipe's preset is that number).
  "libvpx-vp9": { codec: "vp9", preset: (p) => ["-deadline", "good", "-cpu-used", p], paramsOption: null, ffmpegOptions: [], knownOptions: VP9_OPTIONS },
};

export function isEncoder(name: string): name is EncoderName {
  return Object.prototype.hasOwnProperty.call(ENCODERS, name);
}

/** The encoders vps writes commands for, per codec (for messages). */
export function encodersFor(codec: Codec): EncoderName[] {
  return (Object.keys(ENCODERS) as EncoderName[]).filter((e) => ENCODERS[e].codec === codec);
}

const text = (v: string | number | boolean): string => (typeof v === "boolean" ? (v ? "1" : "0") : String(v));

/**
 * The settings as `key=value` pairs in the recipe's order (a params list), or as `-key value`
 * options, plus `extra` pairs appended (HDR metadata from the source). `overrides` replace values.
 */
export function settingsArgs(recipe: Recipe, extra: readonly [string, string][], overrides: Readonly<Record<string, string>> = {}): string[] {
  const info = ENCODERS[recipe.encoder as EncoderName];
  const own = Object.entries(recipe.settings).filter(([k]) => !info.ffmpegOptions.includes(k));
  const pairs: [string, string][] = [...own.map(([k, v]): [string, string] => [k, overrides[k] ?? text(v)]), ...extra];
  const direct = Object.entries(recipe.settings)
    .filter(([k]) => info.ffmpegOptions.includes(k))
    .flatMap(([k, v]) => [`-${k}`, text(v)]);
  if (info.paramsOption === null) return [...direct, ...pairs.flatMap(([k, v]) => [`-${k}`, v])];
  return pairs.length === 0 ? direct : [...direct, info.paramsOption, pairs.map(([k, v]) => `${k}=${v}`).join(":")];
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
