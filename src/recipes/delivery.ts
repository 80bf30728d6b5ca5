// What a deliverable ships besides its video ladder: its audio renditions, its package formats and
// their segment length, from its recipe file (recipes/*.yaml: `audio`, `package`, `segmentSeconds`),
// with the defaults a file that says nothing gets. Pure.
import type { AudioProfile, PackageFormat, Recipe, Title } from "../model";

/** AAC-LC stereo at 128 kb/s: what every HLS and DASH player decodes. */
export const DEFAULT_AUDIO: AudioProfile = Object.freeze({ name: "aac-128", codec: "aac", bitrateKbps: 128, channels: 2 });
export const DEFAULT_PACKAGE: readonly PackageFormat[] = Object.freeze(["hls", "dash"]);
/** Two-second segments: quick start-up and switching; a keyframe opens each. */
export const DEFAULT_SEGMENT_SECONDS = 2;

export const audioProfiles = (recipe: Recipe): readonly AudioProfile[] => recipe.audio ?? [DEFAULT_AUDIO];
/**
 * VP9 ships as DASH only: HLS has no VP9 (Apple's specification lists none, and hls.js fails on
 * VP9 fMP4 segments: "Found no media", measured with hls.js 1.x in Chromium).
 */
export const HLS_CODECS: readonly string[] = Object.freeze(["h264", "hevc", "av1"]);
export const packageFormats = (recipe: Recipe): readonly PackageFormat[] => recipe.package ?? (HLS_CODECS.includes(recipe.codec) ? DEFAULT_PACKAGE : ["dash"]);
export const segmentSeconds = (recipe: Recipe): number => recipe.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;

/** The title has audio to encode: a source without an audio track says so (`content.audio: false`). */
export const hasAudio = (title: Title): boolean => title.content.audio !== false;

/** The audio rendition called `name` in the library (names mean one thing across files: the loader checks). */
export function audioProfileNamed(recipes: readonly Recipe[], name: string): AudioProfile | null {
  for (const r of recipes) for (const a of audioProfiles(r)) if (a.name === name) return a;
  return null;
}

/**
 * The audio renditions a title's deliverables ask for, each once (by name; the first definition
 * wins), in the order the deliverables list them.
 */
export function titleAudio(recipes: readonly Recipe[]): AudioProfile[] {
  const seen = new Map<string, AudioProfile>();
  for (const r of recipes) for (const a of audioProfiles(r)) if (!seen.has(a.name)) seen.set(a.name, a);
  return [...seen.values()];
}
