// The HLS playlists of a package, written over the segments ffmpeg's DASH muxer cut (one set of
// fMP4/CMAF segments serves both): a media playlist per rung and per audio rendition, and a master
// playlist listing every rung with BANDWIDTH (the measured peak segment bit rate, video plus its
// audio group's peak, as src/package/check/bitrate.ts defines it, so `vps check-package` accepts
// what is written here), AVERAGE-BANDWIDTH, RESOLUTION, FRAME-RATE, CODECS and the audio group.
// Pure: the caller measures the segments.
import { segmentBitrates, targetDurationOf } from "./check/bitrate";

export interface MediaSegment {
  uri: string;
  duration: number;
  bytes: number;
}

export interface MediaTrack {
  /** The rung or audio rendition's name (720p, aac-128): names its playlist. */
  name: string;
  /** The RFC 6381 codec string (avc1.64001f, mp4a.40.2). */
  codecs: string;
  init: string;
  segments: MediaSegment[];
}

export interface VideoTrack extends MediaTrack {
  width: number;
  height: number;
  fps: number;
}

export interface AudioTrack extends MediaTrack {
  channels: number;
}

export interface HlsFiles {
  /** File name → text: master.m3u8 and one media playlist per track. */
  files: Map<string, string>;
  /** What the master declares per rung, for title.json. */
  variants: { name: string; playlist: string; bandwidth: number; averageBandwidth: number; codecs: string }[];
}

export const MASTER_NAME = "master.m3u8";
export const playlistName = (t: MediaTrack, kind: "video" | "audio"): string => (kind === "audio" ? `audio-${t.name}.m3u8` : `${t.name}.m3u8`);

/** EXTINF and frame rates with enough digits that durations add up, written the same way every time. */
const decimal = (x: number, digits: number): string => x.toFixed(digits);
const quoted = (s: string): string => `"${s.replace(/"/g, "'")}"`;

export function mediaPlaylist(t: MediaTrack): string {
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${targetDurationOf(t.segments.map((s) => s.duration))}`,
    "#EXT-X-MEDIA-SEQUENCE:1",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-MAP:URI=${quoted(t.init)}`,
    ...t.segments.flatMap((s) => [`#EXTINF:${decimal(s.duration, 6)},`, s.uri]),
    "#EXT-X-ENDLIST",
  ];
  return `${lines.join("\n")}\n`;
}

const bitratesOf = (t: MediaTrack) => segmentBitrates(t.segments.map((s) => s.bytes), t.segments.map((s) => s.duration));

/**
 * The playlists of one package. Each audio rendition is its own group, so a variant's CODECS
 * names exactly the audio it plays; with several audio renditions each rung is listed once per
 * group. Video-only packages (a source without audio) list the rungs alone.
 */
export function hlsPlaylists(video: readonly VideoTrack[], audio: readonly AudioTrack[]): HlsFiles {
  const files = new Map<string, string>();
  for (const t of video) files.set(playlistName(t, "video"), mediaPlaylist(t));
  for (const t of audio) files.set(playlistName(t, "audio"), mediaPlaylist(t));
  const master = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"];
  audio.forEach((a, i) => {
    const attrs = [`TYPE=AUDIO`, `GROUP-ID=${quoted(a.name)}`, `NAME=${quoted(a.name)}`, `DEFAULT=${i === 0 ? "YES" : "NO"}`, "AUTOSELECT=YES", `CHANNELS=${quoted(String(a.channels))}`, `URI=${quoted(playlistName(a, "audio"))}`];
    master.push(`#EXT-X-MEDIA:${attrs.join(",")}`);
  });
  const variants: HlsFiles["variants"] = [];
  const groups: (AudioTrack | null)[] = audio.length > 0 ? [...audio] : [null];
  const rates = video.map(bitratesOf);
  for (const group of groups) {
    const a = group ? bitratesOf(group) : { peak: 0, average: 0 };
    for (const [i, v] of video.entries()) {
      const b = rates[i]!;
      const bandwidth = Math.ceil(b.peak + a.peak);
      const averageBandwidth = Math.ceil(b.average + a.average);
      const codecs = group ? `${v.codecs},${group.codecs}` : v.codecs;
      const attrs = [
        `BANDWIDTH=${bandwidth}`,
        `AVERAGE-BANDWIDTH=${averageBandwidth}`,
        `RESOLUTION=${v.width}x${v.height}`,
        `FRAME-RATE=${decimal(v.fps, 3)}`,
        `CODECS=${quoted(codecs)}`,
        ...(group ? [`AUDIO=${quoted(group.name)}`] : []),
      ];
      master.push(`#EXT-X-STREAM-INF:${attrs.join(",")}`, playlistName(v, "video"));
      variants.push({ name: v.name, playlist: playlistName(v, "video"), bandwidth, averageBandwidth, codecs });
    }
  }
  files.set(MASTER_NAME, `${master.join("\n")}\n`);
  return { files, variants };
}
