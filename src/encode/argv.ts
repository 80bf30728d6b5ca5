// The exact ffmpeg argument vector (an array, never a shell string) of each task of a title with a
// source file: normalise (the mezzanine), encode (a rendition, or a chunk of it), join (a
// rendition's chunks). Pure: paths come from the workload (the source, resolved as the loader
// resolves it) and the output directory, never from a temp dir, so the same inputs give the same
// plan byte for byte.
//
// Output layout, relative to the output directory (`--out-dir`, default `out`); the executor
// creates the folders and runs each task's argv from the directory the plan was made for:
//   <out>/<title>/mezzanine.mkv                            normalised source (FFV1, lossless)
//   <out>/<title>/<deliverable>/<rendition>.mp4            a rendition (video only; audio is packaged separately)
//   <out>/<title>/<deliverable>/<rendition>.c<NNN>.mp4     chunk NNN of it, for titles cut into chunks
//   <out>/<title>/<name>.audio.mp4                         an audio rendition (a file, so no deliverable folder can clash)
import { posix } from "node:path";
import type { AudioProfile, ContentProfile, Recipe, Rendition } from "../model";
import { constantRate, mezzaninePixelFormat, type SourceFacts } from "../content/normalise";
import type { ProbeInfo } from "../content/types";
import { segmentSeconds } from "../recipes/delivery";
import { contentLightText, decodeThreads, ENCODERS, type EncoderName, ffv1Threads, settingsArgs, svtMasterDisplay, x265MasterDisplay } from "./encoders";

export const DEFAULT_OUT_DIR = "out";

export type { SourceFacts } from "../content/normalise";

export interface Chunk {
  index: number;
  start: number;
  seconds: number;
}

export interface EncodeJob {
  /** The title whose source is encoded (a deferred follow-up's original): names the output folder. */
  title: string;
  recipe: Recipe;
  rendition: Rendition;
  /** The task's final preset (downgrades may have made it faster than the recipe's). */
  preset: string;
  chunk: Chunk | null;
  slots: number;
}

import { JOIN_FORMATS, whitelisted } from "./formats";

const HEAD = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];
/** Video only: the first video stream, no audio, subtitles or data. */
const VIDEO_ONLY = ["-map", "0:v:0", "-an", "-sn", "-dn"];

/** A path as an ffmpeg URL: names with a colon (`a:b.mp4`) would otherwise read as a protocol. */
export const fileArg = (path: string): string => (path.includes(":") ? `file:${path}` : path);

const pad3 = (n: number) => String(n).padStart(3, "0");
/** Seconds with millisecond precision, always written the same way. */
const secs = (x: number) => (Math.round(x * 1000) / 1000).toFixed(3);

export function mezzaninePath(outDir: string, title: string): string {
  return posix.join(outDir, title, "mezzanine.mkv");
}

export function renditionPath(outDir: string, title: string, deliverable: string, rendition: string, chunk: number | null): string {
  return posix.join(outDir, title, deliverable, `${rendition}${chunk === null ? "" : `.c${pad3(chunk)}`}.mp4`);
}

/** What the encodes read: the mezzanine when the source was normalised, else the source itself. */
export function encodeInput(facts: SourceFacts, outDir: string, title: string): string {
  return facts.needs.length > 0 ? mezzaninePath(outDir, title) : facts.content.source!;
}

// ---- normalise -----------------------------------------------------------------------------

export function normaliseFilters(facts: SourceFacts): string[] {
  const kinds = new Set(facts.needs.map((n) => n.kind));
  const filters: string[] = [];
  // send_frame: one progressive frame per interlaced frame, so the frame rate stays the source's.
  if (kinds.has("deinterlace")) filters.push("bwdif=mode=send_frame:parity=auto:deint=all");
  if (kinds.has("constant-rate")) filters.push(`fps=${constantRate(facts.probe.fps)}`);
  filters.push(`format=${mezzaninePixelFormat(facts.probe.bitDepth)}`);
  return filters;
}

/** Source → a lossless FFV1 mezzanine (intra-only, so any chunk can start on any frame). */
export function normaliseArgv(facts: SourceFacts, outDir: string, title: string, slots: number): string[] {
  return [
    ...HEAD,
    ...decodeThreads(slots),
    ...whitelisted(fileArg(facts.content.source!)),
    ...VIDEO_ONLY,
    "-vf", normaliseFilters(facts).join(","),
    "-c:v", "ffv1", "-level", "3", "-g", "1", "-slicecrc", "1",
    ...ffv1Threads(slots),
    "-f", "matroska", fileArg(mezzaninePath(outDir, title)),
  ];
}

// ---- encode --------------------------------------------------------------------------------

const even = (x: number) => Math.max(2, 2 * Math.round(x / 2));

/**
 * The frame size of a rendition of this source: the source's shape fitted into the rung (turned to
 * the source's orientation, so a portrait upload keeps its 1080p rung as 1080x1920), never
 * upscaled, even dimensions. A 2.39:1 film in a 1920x1080 rung is 1920x804.
 */
export function outputSize(content: ContentProfile, probe: ProbeInfo, rung: Rendition): { width: number; height: number } {
  const turned = probe.rotation === 90 || probe.rotation === 270;
  const w = turned ? content.height : content.width;
  const h = turned ? content.width : content.height;
  const [rw, rh] = (w >= h) === (rung.width >= rung.height) ? [rung.width, rung.height] : [rung.height, rung.width];
  const k = Math.min(1, rw / w, rh / h);
  return { width: even(w * k), height: even(h * k) };
}

export const pixelFormat = (bitDepth: number) => (bitDepth >= 12 ? "yuv420p12le" : bitDepth >= 10 ? "yuv420p10le" : "yuv420p");

/** HDR source on an SDR deliverable: PQ/HLG to BT.709 with the hable curve (zscale, libzimg). */
function toneMap(pix: string): string[] {
  return ["zscale=t=linear:npl=100", "format=gbrpf32le", "zscale=p=bt709", "tonemap=tonemap=hable:desat=0", "zscale=t=bt709:m=bt709:r=tv", `format=${pix}`];
}

export const toneMapped = (facts: SourceFacts, recipe: Recipe): boolean => facts.content.hdr !== "sdr" && !recipe.hdr;

/** The transfer an HDR deliverable signals: the source's own (PQ stays PQ, HLG stays HLG; nothing is converted). */
const transferOf = (facts: SourceFacts) => (facts.content.hdr === "hlg" ? "arib-std-b67" : "smpte2084");

function colourArgs(facts: SourceFacts, recipe: Recipe): string[] {
  if (recipe.hdr) return ["-color_primaries", "bt2020", "-color_trc", transferOf(facts), "-colorspace", "bt2020nc"];
  if (toneMapped(facts, recipe)) return ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"];
  return [];
}

/** Frames per package segment: each segment opens with a keyframe (recipes/delivery.ts's segment length). */
export const gopFrames = (facts: SourceFacts, recipe: Recipe): number => Math.max(1, Math.round(segmentSeconds(recipe) * facts.content.fps));

/** The recipe's settings, the fixed GOP and the task's threading, plus the source's HDR10 metadata on HDR deliverables. */
function encoderArgs(facts: SourceFacts, recipe: Recipe, slots: number): string[] {
  const gop = ENCODERS[recipe.encoder as EncoderName].gop(gopFrames(facts, recipe));
  return [...hdrSettingsArgs(facts, recipe, slots, gop.params), ...gop.options];
}

function hdrSettingsArgs(facts: SourceFacts, recipe: Recipe, slots: number, gop: readonly [string, string][]): string[] {
  if (!recipe.hdr) return settingsArgs(recipe, slots, gop);
  const { masteringDisplay: md, contentLight: cl } = facts.probe;
  if (recipe.encoder === "libx265") {
    const extra: [string, string][] = [];
    if (md) extra.push(["master-display", x265MasterDisplay(md)]);
    if (cl) extra.push(["max-cll", contentLightText(cl)]);
    return settingsArgs(recipe, slots, [...extra, ...gop], "transfer" in recipe.settings ? { transfer: transferOf(facts) } : {});
  }
  // libaom-av1 (a fallback) takes the colour description from ffmpeg's -color_* options and
  // carries no mastering metadata in ffmpeg 5.1.
  if (recipe.encoder !== "libsvtav1") return settingsArgs(recipe, slots, gop);
  // SVT-AV1 takes colour description as numbers: BT.2020 primaries 9, PQ 16 / HLG 18, BT.2020 NCL 9.
  const extra: [string, string][] = [
    ["color-primaries", "9"],
    ["transfer-characteristics", facts.content.hdr === "hlg" ? "18" : "16"],
    ["matrix-coefficients", "9"],
  ];
  if (md) extra.push(["mastering-display", svtMasterDisplay(md)]);
  if (cl) extra.push(["content-light", contentLightText(cl)]);
  return settingsArgs(recipe, slots, [...extra, ...gop]);
}

/** The argument vector that encodes one rendition (or one chunk of it). */
export function encodeArgv(facts: SourceFacts, job: EncodeJob, outDir: string): string[] {
  const { recipe, rendition, chunk } = job;
  const size = outputSize(facts.content, facts.probe, rendition);
  const pix = pixelFormat(recipe.bitDepth);
  // setsar first: a source that states no sample aspect ratio is taken as square, so scale can keep
  // its display aspect in every rung (426x240 of 16:9 gets SAR 640:639). Without it a 16:9 rung of
  // 426x240 displays at 71:40 beside 16:9 ones, and ffmpeg's DASH muxer refuses the adaptation set
  // (measured on the Caminandes clip). max: exact ratios such as QCIF's 128:117.
  const filters = ["setsar=r=sar:max=10000", `scale=${size.width}:${size.height}:flags=lanczos`, ...(toneMapped(facts, recipe) ? toneMap(pix) : [])];
  const kbps = Math.round(rendition.bitrateKbps);
  const info = ENCODERS[recipe.encoder as EncoderName];
  return [
    ...HEAD,
    // Input options: seeking before -i is fast and, since the chunk is re-encoded, frame-accurate.
    ...(chunk === null ? [] : ["-ss", secs(chunk.start), "-t", secs(chunk.seconds)]),
    ...decodeThreads(job.slots),
    ...whitelisted(fileArg(encodeInput(facts, outDir, job.title))),
    ...VIDEO_ONLY,
    "-vf", filters.join(","),
    "-c:v", recipe.encoder,
    ...info.preset(job.preset),
    ...encoderArgs(facts, recipe, job.slots),
    "-pix_fmt", pix,
    "-b:v", `${kbps}k`, "-maxrate", `${Math.round(kbps * 1.5)}k`, "-bufsize", `${kbps * 2}k`,
    ...colourArgs(facts, recipe),
    ...(recipe.codec === "hevc" ? ["-tag:v", "hvc1"] : []),
    "-f", "mp4", fileArg(renditionPath(outDir, job.title, recipe.deliverable, rendition.name, chunk?.index ?? null)),
  ];
}

// ---- audio ---------------------------------------------------------------------------------

export function audioPath(outDir: string, title: string, name: string): string {
  return posix.join(outDir, title, `${name}.audio.mp4`);
}

const AUDIO_ENCODERS: Record<AudioProfile["codec"], string> = { aac: "aac", opus: "libopus" };

/**
 * The source's first audio track as one audio rendition, exactly as long as the video: padded with
 * silence where the track is shorter, cut where it is longer, so every rung and the audio agree.
 * 48 kHz for both codecs (Opus only codes 48 kHz; AAC at 48 kHz is what players expect).
 */
export function audioArgv(facts: SourceFacts, profile: AudioProfile, outDir: string, title: string): string[] {
  return [
    ...HEAD,
    "-threads", "1",
    ...whitelisted(fileArg(facts.content.source!)),
    "-map", "0:a:0", "-vn", "-sn", "-dn",
    "-af", "apad",
    "-t", secs(facts.content.duration),
    "-c:a", AUDIO_ENCODERS[profile.codec], "-b:a", `${Math.round(profile.bitrateKbps)}k`,
    "-ac", String(profile.channels), "-ar", "48000",
    "-f", "mp4", fileArg(audioPath(outDir, title, profile.name)),
  ];
}

// ---- join ----------------------------------------------------------------------------------

/** A concat-demuxer list as a data: URL, so the join needs no list file beside it. */
function concatList(paths: readonly string[]): string {
  const quoted = paths.map((p) => `file 'file:${p.replace(/'/g, "'\\''")}'`);
  return `data:text/plain,${quoted.join("\n")}`;
}

/** Joins a rendition's chunks by stream copy (each chunk starts on a keyframe). */
export function joinArgv(outDir: string, title: string, deliverable: string, rendition: string, chunks: number): string[] {
  const parts = Array.from({ length: chunks }, (_, i) => renditionPath(outDir, title, deliverable, rendition, i));
  return [
    ...HEAD,
    "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,data",
    ...whitelisted(concatList(parts), JOIN_FORMATS),
    "-map", "0", "-c", "copy",
    "-f", "mp4", fileArg(renditionPath(outDir, title, deliverable, rendition, null)),
  ];
}
