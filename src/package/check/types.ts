// What `vps check-package` reads and measures, as plain data. The loaders (hls.ts, dash.ts) turn
// a manifest into a Manifest of rungs; gather.ts measures each rung's files into RungFacts; the
// rules (rules/*.ts) are pure functions of the two, so they are tested without files.
//
// Glossary: a **rung** is one media stream of the package with its own segments (an HLS media
// playlist, a DASH Representation), video or audio. An HLS **variant** is an EXT-X-STREAM-INF of
// the master: it names one rung and carries what a player reads before fetching it (BANDWIDTH,
// CODECS, RESOLUTION, its AUDIO group).

export type ManifestKind = "hls" | "dash";
export type RungKind = "video" | "audio";

export interface ByteRange {
  offset: number;
  length: number;
}

/** A file a manifest references: its URI as written and the local file it resolves to. */
export interface FileRef {
  uri: string;
  /** The absolute local path; null when the URI is not a file (http:, data:): those are not checked. */
  path: string | null;
  /** Only these bytes of the file are meant (EXT-X-BYTERANGE, a DASH range). */
  range: ByteRange | null;
}

export interface SegmentRef extends FileRef {
  /** Seconds, as the manifest declares it (EXTINF; DASH SegmentTimeline / SegmentTemplate). */
  duration: number;
}

/** The longest segment a manifest allows, and where it says so. */
export interface SegmentLimit {
  seconds: number;
  /** HLS compares each EXTINF rounded to the nearest integer; DASH rounds to the precision the MPD writes. */
  rule: "hls-target" | "dash-max";
  /** Decimals the value was written with (DASH): "PT1.0S" → 1. */
  decimals: number;
}

export interface Rung {
  /** How report lines name it: an HLS media playlist's URI as written, a DASH "representation <id>". */
  id: string;
  /** What a player calls it: the media playlist's URI (HLS), the Representation@id (DASH). */
  key: string;
  kind: RungKind;
  /** The HLS media playlist (null for DASH). */
  playlist: FileRef | null;
  /** Init segments (EXT-X-MAP, DASH Initialization), distinct, in order: the first is the first segment's. */
  inits: FileRef[];
  segments: SegmentRef[];
  limit: SegmentLimit | null;
  /** DASH: what the Representation declares (HLS declares these on variants). */
  codecs: string | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  /** One file indexed by a sidx (DASH SegmentBase): its segments are not listed, so not measured one by one. */
  indexed: boolean;
}

export interface Variant {
  /** The variant's URI as written in the master. */
  uri: string;
  /** The id of the rung it plays (its media playlist). */
  rung: string;
  bandwidth: number | null;
  averageBandwidth: number | null;
  codecs: string | null;
  resolution: { width: number; height: number } | null;
  audioGroup: string | null;
}

export interface Manifest {
  /** The manifest as shown to the user (relative to the package dir when inside it). */
  name: string;
  /** Its absolute path. */
  file: string;
  kind: ManifestKind;
  rungs: Rung[];
  /** HLS only. */
  variants: Variant[];
  /** HLS: AUDIO group id → ids of its renditions' rungs. */
  audioGroups: Record<string, string[]>;
  /** Found while loading: a media playlist missing or unreadable, a required tag absent. */
  problems: string[];
  /** What was not checked, and why. */
  notes: string[];
}

/** One stream as ffprobe reports it in a rung's init + first segment. */
export interface ProbedStream {
  type: RungKind;
  /** ffprobe's codec_name: h264, hevc, av1, vp9, aac, opus… */
  codec: string;
  /** The sample entry (avc1, hvc1, …) when the container has one. */
  tag: string | null;
  /** ffprobe's profile name ("High", "Main 10", "LC"). */
  profile: string | null;
  /** ffprobe's level: h264 level_idc, hevc general_level_idc, av1 seq_level_idx; null when not reported. */
  level: number | null;
  width: number | null;
  height: number | null;
  /** Sample aspect ratio (width of a sample ÷ its height), when the stream says one. */
  sar?: number | null;
  fps: number | null;
  sampleRate: number | null;
  bitDepth: number | null;
}

/** A referenced file's size in bytes (of its range, when it has one), or why there is none. */
export type FileSize = number | { missing: string } | "not local";

/** What gathering found for one rung, in the order of the rung's inits and segments. */
export interface RungFacts {
  initBytes: FileSize[];
  segmentBytes: FileSize[];
  /** ffprobe's streams; an error text when ffprobe could not read them; null when not probed (files missing). */
  probe: ProbedStream[] | { error: string } | null;
}

export type Facts = Record<string, RungFacts>;

/** The source's duration and frame rate, when known. */
export interface SourceFacts {
  duration: number;
  fps: number | null;
  /** Where they came from: "title.json" or the --source file. */
  from: string;
}
