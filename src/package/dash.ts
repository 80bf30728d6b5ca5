// The package step's ffmpeg command: one run of ffmpeg's DASH muxer over a deliverable's checked
// renditions and its audio, stream copy (no re-encode), cutting every input into fMP4 (CMAF)
// segments of the recipe's length at the keyframes the encodes forced, and writing a static MPD
// (SegmentTemplate with a SegmentTimeline). The HLS playlists are written by vps over the very
// same segments (src/package/hls.ts), from what the segments measure. Pure.
import { fileArg } from "../encode/argv";
import { whitelisted } from "../encode/formats";

export interface PackageInput {
  /** The checked rendition or audio file. */
  file: string;
  kind: "video" | "audio";
  /** ffprobe's codec_name (h264, hevc, av1, vp9, aac, opus): audio of two codecs needs two adaptation sets. */
  codec: string;
}

export const MPD_NAME = "manifest.mpd";
/** Representation ids are the inputs' indices, in order: video rungs first (highest first), then audio. */
export const INIT_NAME = "init-$RepresentationID$.mp4";
export const SEGMENT_NAME = "seg-$RepresentationID$-$Number%05d$.m4s";

/** One adaptation set for the video, one per audio codec (a player switches only within a set). */
export function adaptationSets(inputs: readonly PackageInput[]): string {
  const sets: number[][] = [];
  const video = inputs.flatMap((x, i) => (x.kind === "video" ? [i] : []));
  if (video.length > 0) sets.push(video);
  const codecs = [...new Set(inputs.filter((x) => x.kind === "audio").map((x) => x.codec))];
  for (const c of codecs) sets.push(inputs.flatMap((x, i) => (x.kind === "audio" && x.codec === c ? [i] : [])));
  return sets.map((streams, id) => `id=${id},streams=${streams.join(",")}`).join(" ");
}

export function dashArgv(inputs: readonly PackageInput[], segmentSeconds: number, outDir: string): string[] {
  return [
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
    ...inputs.flatMap((x) => whitelisted(fileArg(x.file))),
    ...inputs.flatMap((x, i) => ["-map", `${i}:${x.kind === "video" ? "v" : "a"}:0`]),
    "-c", "copy",
    "-f", "dash",
    "-seg_duration", String(segmentSeconds),
    "-use_template", "1", "-use_timeline", "1",
    "-single_file", "0",
    // vps writes the HLS playlists itself, with bandwidths measured from these segments.
    "-hls_playlist", "0",
    "-init_seg_name", INIT_NAME, "-media_seg_name", SEGMENT_NAME,
    "-adaptation_sets", adaptationSets(inputs),
    fileArg(`${outDir}/${MPD_NAME}`),
  ];
}
