// The codecs a manifest declares are the codecs of its media, as ffprobe reads the init + first
// segment: the family, the sample entry (avc1 vs avc3, hvc1 vs hev1: players treat them
// differently), and the profile, level and bit depth where both the string and ffprobe say them.
// Not compared: H.264 constraint flags (ffprobe folds only constraint_set1 into "Constrained
// Baseline"), HEVC compatibility flags and tier and AV1 tier (ffprobe does not report them), the
// VP9 level (ffprobe reports none), AAC's object type beyond what ffprobe's profile names (an
// implicitly signalled HE-AAC stream reads as LC). The declared frame size must be ffprobe's.
import { parseCodecs, type CodecSpec } from "../codecString";
import type { Facts, Manifest, ProbedStream, Rung } from "../types";
import { findings, streamsOf, type Findings } from "./measure";

/** ffprobe's profile names → the number each codec string carries. */
const PROFILES: Record<string, Record<string, number>> = {
  h264: {
    Baseline: 66,
    "Constrained Baseline": 66,
    Main: 77,
    Extended: 88,
    High: 100,
    "High 10": 110,
    "High 10 Intra": 110,
    "High 4:2:2": 122,
    "High 4:2:2 Intra": 122,
    "High 4:4:4 Predictive": 244,
    "High 4:4:4 Intra": 244,
  },
  hevc: { Main: 1, "Main 10": 2, "Main Still Picture": 3, Rext: 4 },
  av1: { Main: 0, High: 1, Professional: 2 },
  vp9: { "Profile 0": 0, "Profile 1": 1, "Profile 2": 2, "Profile 3": 3 },
  aac: { Main: 1, LC: 2, SSR: 3, LTP: 4, "HE-AAC": 5, "HE-AACv2": 29, LD: 23, ELD: 39 },
};

const VIDEO_ENTRIES = new Set(["avc1", "avc3", "hvc1", "hev1", "av01", "vp09"]);

/** How `spec` and `stream` (of the same family) differ; empty when they agree on all both state. */
export function differences(spec: CodecSpec, stream: ProbedStream): string[] {
  const out: string[] = [];
  const tag = stream.tag?.toLowerCase() ?? null;
  if (tag !== null && VIDEO_ENTRIES.has(tag) && tag !== spec.entry) out.push(`sample entry ${tag}, not ${spec.entry}`);
  const profile = stream.profile === null ? undefined : PROFILES[spec.family]?.[stream.profile];
  if (spec.profile !== null && profile !== undefined && profile !== spec.profile) out.push(`profile ${stream.profile} (${profile}), not ${spec.profile}`);
  if (spec.level !== null && stream.level !== null && spec.family !== "vp9" && stream.level !== spec.level) out.push(`level ${stream.level}, not ${spec.level}`);
  if (spec.bitDepth !== null && stream.bitDepth !== null && stream.bitDepth !== spec.bitDepth) out.push(`${stream.bitDepth}-bit, not ${spec.bitDepth}-bit`);
  return out;
}

/** A stream as a person reads it: "h264 High level 31, 1280x720". */
function described(s: ProbedStream): string {
  const profile = s.profile ? ` ${s.profile}` : "";
  const level = s.level !== null && s.type === "video" ? ` level ${s.level}` : "";
  const size = s.width && s.height ? `, ${s.width}x${s.height}` : "";
  return `${s.codec}${profile}${level}${size}`;
}

/** The RFC 6381 forms whose profile and level players need to decide before fetching. */
const FULL_FORM: Record<string, string> = { h264: "PPCCLL", hevc: "<profile>.<flags>.<tier><level>", av1: "<profile>.<level><tier>.<depth>" };
const incomplete = (c: CodecSpec): boolean => c.family in FULL_FORM && (c.profile === null || c.level === null);

interface Media {
  rung: Rung;
  streams: ProbedStream[];
}

/** Declared codecs `attribute` against the streams of `media` (a rung, plus an HLS variant's audio renditions). */
function compare(where: string, attribute: string, media: Media[], out: Findings): void {
  const specs = parseCodecs(attribute);
  for (const s of specs.filter((c) => c.family === "unknown")) out.notes.push(`${where}: codec "${s.text}" is not one vps reads: not compared`);
  const known = specs.filter((c) => c.family !== "unknown");
  for (const c of known.filter(incomplete)) out.problems.push(`${where}: codec "${c.text}" names no profile and level (RFC 6381 wants ${c.entry}.${FULL_FORM[c.family]})`);
  for (const { rung, streams } of media) {
    for (const stream of streams) {
      const candidates = known.filter((c) => c.family === stream.codec);
      if (candidates.length === 0) out.problems.push(`${where}: codecs "${attribute}" declare no ${stream.codec}, found in ${rung.id} (${described(stream)})`);
      else if (!candidates.some((c) => differences(c, stream).length === 0)) {
        out.problems.push(`${where}: codec "${candidates[0]!.text}" does not match ${rung.id} (${described(stream)}): ${differences(candidates[0]!, stream).join(", ")}`);
      }
    }
  }
  const found = new Set(media.flatMap((x) => x.streams.map((s) => s.codec)));
  for (const c of known) if (!found.has(c.family)) out.problems.push(`${where}: codec "${c.text}" declared, but its media has no ${c.family} stream`);
}

function checkSize(where: string, declared: { width: number; height: number }, what: string, media: Media, out: Findings): void {
  const v = media.streams.find((s) => s.type === "video");
  if (!v || v.width === null || v.height === null) return;
  if (v.width !== declared.width || v.height !== declared.height) out.problems.push(`${where}: ${what} ${declared.width}x${declared.height}, but ${media.rung.id} is ${v.width}x${v.height}`);
}

/** A rung ffprobe could not read is named once, whatever declares it. */
function probeFailures(m: Manifest, facts: Facts, out: Findings): void {
  for (const rung of m.rungs) {
    const p = facts[rung.id]?.probe;
    if (p && !Array.isArray(p)) out.problems.push(`${m.name} ${rung.id}: ffprobe cannot read its init + first segment: ${p.error}`);
  }
}

function checkHls(m: Manifest, facts: Facts, out: Findings): void {
  const media = (id: string): Media[] => {
    const rung = m.rungs.find((r) => r.id === id);
    return rung && Array.isArray(facts[id]?.probe) ? [{ rung, streams: streamsOf(facts[id]) }] : [];
  };
  for (const v of m.variants) {
    const where = `${m.name} variant ${v.uri}`;
    const own = media(v.rung);
    if (v.codecs === null) out.problems.push(`${where}: no CODECS`);
    else {
      const group = (v.audioGroup === null ? [] : (m.audioGroups[v.audioGroup] ?? [])).filter((id) => id !== v.rung);
      if (own.length > 0) compare(where, v.codecs, [...own, ...group.flatMap(media)], out);
    }
    if (v.resolution && own[0]) checkSize(where, v.resolution, "RESOLUTION", own[0], out);
  }
}

function checkDash(m: Manifest, facts: Facts, out: Findings): void {
  for (const rung of m.rungs) {
    const where = `${m.name} ${rung.id}`;
    if (rung.codecs === null) out.problems.push(`${where}: no @codecs`);
    if (!Array.isArray(facts[rung.id]?.probe)) continue;
    const media: Media = { rung, streams: streamsOf(facts[rung.id]) };
    if (rung.codecs !== null) compare(where, rung.codecs, [media], out);
    if (rung.width !== null && rung.height !== null) checkSize(where, { width: rung.width, height: rung.height }, "@width x @height", media, out);
  }
}

export function checkCodecs(m: Manifest, facts: Facts): Findings {
  const out = findings();
  probeFailures(m, facts, out);
  if (m.kind === "hls") checkHls(m, facts, out);
  else checkDash(m, facts, out);
  return out;
}
