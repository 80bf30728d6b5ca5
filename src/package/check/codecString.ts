// RFC 6381 codec strings (HLS CODECS, DASH @codecs) read into what can be compared with ffprobe:
// the codec family (as ffprobe's codec_name), the sample entry, and the profile, level and bit
// depth the string encodes. Only the fields ffprobe also reports are kept; the rest (H.264
// constraint flags, HEVC compatibility flags and tier, AV1 tier, VP9 chroma and colour fields) are
// read past and not compared (see rules/codecs.ts).
import type { RungKind } from "./types";

export interface CodecSpec {
  text: string;
  /** ffprobe's codec_name for it. */
  family: string;
  kind: RungKind;
  /** The four-character code (avc1, avc3, hvc1, hev1, av01, vp09, mp4a, opus…). */
  entry: string;
  /** h264 profile_idc, hevc general_profile_idc, av1 seq_profile, vp9 profile, aac object type. */
  profile: number | null;
  /** h264 level_idc, hevc general_level_idc, av1 seq_level_idx, vp9 level × 10. */
  level: number | null;
  bitDepth: number | null;
}

const int = (s: string | undefined, radix = 10): number | null => {
  if (s === undefined || s === "" || !/^[0-9a-fA-F]+$/.test(s)) return null;
  const n = Number.parseInt(s, radix);
  return Number.isFinite(n) ? n : null;
};

function spec(text: string, family: string, kind: RungKind, entry: string, fields: Partial<Pick<CodecSpec, "profile" | "level" | "bitDepth">> = {}): CodecSpec {
  return { text, family, kind, entry, profile: fields.profile ?? null, level: fields.level ?? null, bitDepth: fields.bitDepth ?? null };
}

/** avc1.PPCCLL (hex), or the older avc1.PP.LL (decimal) some tools still write. */
function avc(text: string, entry: string, rest: string[]): CodecSpec {
  if (rest.length === 1 && rest[0]!.length === 6) {
    const hex = rest[0]!;
    return spec(text, "h264", "video", entry, { profile: int(hex.slice(0, 2), 16), level: int(hex.slice(4, 6), 16) });
  }
  if (rest.length === 2) return spec(text, "h264", "video", entry, { profile: int(rest[0]), level: int(rest[1]) });
  return spec(text, "h264", "video", entry);
}

/** hvc1.[A-C]P.compat.{L|H}level[.constraints…]. */
function hevc(text: string, entry: string, rest: string[]): CodecSpec {
  const profile = int(rest[0]?.replace(/^[ABC]/, ""));
  const tierLevel = rest[2] ?? "";
  const level = /^[LH]\d+$/.test(tierLevel) ? int(tierLevel.slice(1)) : null;
  return spec(text, "hevc", "video", entry, { profile, level });
}

/** av01.P.LLT.DD[…]. */
function av1(text: string, rest: string[]): CodecSpec {
  const levelTier = rest[1] ?? "";
  const level = /^\d\d[MH]$/.test(levelTier) ? int(levelTier.slice(0, 2)) : null;
  return spec(text, "av1", "video", "av01", { profile: int(rest[0]), level, bitDepth: int(rest[2]) });
}

/** vp09.PP.LL.DD[…]. */
function vp9(text: string, rest: string[]): CodecSpec {
  return spec(text, "vp9", "video", "vp09", { profile: int(rest[0]), level: int(rest[1]), bitDepth: int(rest[2]) });
}

/** mp4a.40.OT: an MPEG-4 audio object type (2 AAC-LC, 5 HE-AAC, 29 HE-AACv2); 40.34 and 6B are MP3. */
function mp4a(text: string, rest: string[]): CodecSpec {
  const oti = rest[0]?.toLowerCase();
  if (oti === "6b" || oti === "69" || (oti === "40" && rest[1] === "34")) return spec(text, "mp3", "audio", "mp4a");
  if (oti === "40") return spec(text, "aac", "audio", "mp4a", { profile: int(rest[1]) });
  if (oti === "a5") return spec(text, "ac3", "audio", "mp4a");
  if (oti === "a6") return spec(text, "eac3", "audio", "mp4a");
  return spec(text, "unknown", "audio", "mp4a");
}

const SIMPLE: Record<string, [string, RungKind]> = {
  opus: ["opus", "audio"],
  "ac-3": ["ac3", "audio"],
  "ec-3": ["eac3", "audio"],
  flac: ["flac", "audio"],
  vp8: ["vp8", "video"],
  vp9: ["vp9", "video"],
};

/** One codec string; family "unknown" for one vps does not know (it is then not compared). */
export function parseCodec(text: string): CodecSpec {
  const [head = "", ...rest] = text.trim().split(".");
  const entry = head.toLowerCase();
  if (entry === "avc1" || entry === "avc3") return avc(text, entry, rest);
  if (entry === "hvc1" || entry === "hev1") return hevc(text, entry, rest);
  if (entry === "av01") return av1(text, rest);
  if (entry === "vp09") return vp9(text, rest);
  if (entry === "mp4a") return mp4a(text, rest);
  const simple = SIMPLE[entry];
  if (simple) return spec(text, simple[0], simple[1], entry);
  return spec(text, "unknown", "video", entry);
}

/** A CODECS attribute: a comma-separated list. */
export function parseCodecs(attribute: string): CodecSpec[] {
  return attribute
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(parseCodec);
}

/** The kind of a rung whose codecs are declared: audio when every codec is an audio codec. */
export function kindOfCodecs(attribute: string | null): RungKind | null {
  if (attribute === null) return null;
  const specs = parseCodecs(attribute).filter((c) => c.family !== "unknown");
  if (specs.length === 0) return null;
  return specs.every((c) => c.kind === "audio") ? "audio" : "video";
}
