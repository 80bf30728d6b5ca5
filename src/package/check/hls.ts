// An HLS package read with m3u8-parser: the master's variants and AUDIO renditions, each media
// playlist they name read into a rung. A master that does not parse is unusable input (exit 2); a
// media playlist that is missing or broken is a problem of the package (exit 1), reported with the
// rest.
import { readFile } from "node:fs/promises";
import { Parser, type M3u8Manifest, type M3u8Segment, type M3u8Variant } from "m3u8-parser";
import { fsReason } from "../../load/read";
import { kindOfCodecs } from "./codecString";
import { fileRef } from "./refs";
import type { FileRef, Manifest, Rung, RungKind, SegmentRef, Variant } from "./types";

export interface ParsedPlaylist {
  manifest: M3u8Manifest;
  warnings: string[];
}

export function parsePlaylist(text: string): ParsedPlaylist {
  const parser = new Parser();
  const warnings: string[] = [];
  parser.on("warn", (e) => warnings.push(e.message));
  parser.push(text);
  parser.end();
  return { manifest: parser.manifest, warnings };
}

export const isMaster = (m: M3u8Manifest): boolean => (m.playlists?.length ?? 0) > 0;
export const isMediaPlaylist = (m: M3u8Manifest): boolean => !isMaster(m) && (m.segments?.length ?? 0) > 0;

/** A new rung for a media playlist; its segments are read by `readRung`. */
function rungOf(uri: string, masterFile: string, kind: RungKind): Rung {
  return { id: uri, key: uri, kind, playlist: fileRef(uri, masterFile), inits: [], segments: [], limit: null, codecs: null, width: null, height: null, frameRate: null, indexed: false };
}

/** A numeric attribute: m3u8-parser 7 leaves AVERAGE-BANDWIDTH of EXT-X-STREAM-INF a string. */
function numberOf(x: number | string | undefined): number | null {
  const n = typeof x === "string" ? Number(x) : x;
  return n !== undefined && Number.isFinite(n) ? n : null;
}

function variantOf(v: M3u8Variant): Variant {
  const a = v.attributes;
  return {
    uri: v.uri,
    rung: v.uri,
    bandwidth: numberOf(a.BANDWIDTH),
    averageBandwidth: numberOf(a["AVERAGE-BANDWIDTH"]),
    codecs: a.CODECS ?? null,
    resolution: a.RESOLUTION ?? null,
    audioGroup: a.AUDIO ?? null,
  };
}

/** Distinct init segments in order of first use (EXT-X-MAP may change after a discontinuity). */
function initsOf(segments: readonly M3u8Segment[], base: string): FileRef[] {
  const seen = new Map<string, FileRef>();
  for (const s of segments) {
    if (!s.map) continue;
    const key = `${s.map.uri}@${s.map.byterange?.offset ?? ""}`;
    if (!seen.has(key)) seen.set(key, fileRef(s.map.uri, base, s.map.byterange));
  }
  return [...seen.values()];
}

/** Reads the rung's media playlist into its segments; what is wrong with it goes to `problems`. */
async function readRung(rung: Rung, where: string, problems: string[], notes: string[]): Promise<void> {
  const path = rung.playlist?.path ?? null;
  if (path === null) {
    notes.push(`${where}: not a local file, not checked`);
    return;
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    problems.push(`${where}: media playlist ${fsReason(e, "is missing")} (${path})`);
    return;
  }
  const { manifest: m } = parsePlaylist(text);
  if (!isMediaPlaylist(m)) {
    problems.push(`${where}: not a media playlist (no segments)`);
    return;
  }
  const segments = m.segments ?? [];
  if (m.targetDuration === undefined) problems.push(`${where}: no EXT-X-TARGETDURATION`);
  else rung.limit = { seconds: m.targetDuration, rule: "hls-target", decimals: 0 };
  if (!m.endList) notes.push(`${where}: no EXT-X-ENDLIST (a live playlist): checked as it stands`);
  segments.forEach((s, i) => {
    if (s.duration === undefined) problems.push(`${where} segment ${i + 1} (${s.uri}): no EXTINF duration`);
  });
  rung.segments = segments.map((s): SegmentRef => ({ ...fileRef(s.uri, path, s.byterange), duration: s.duration ?? 0 }));
  rung.inits = initsOf(segments, path);
  if (rung.inits.length > 1) notes.push(`${where}: EXT-X-MAP changes within the playlist; only the first init segment is probed`);
}

/** The AUDIO renditions' rungs (those with a URI: one without is muxed into the variants). */
function audioRungs(master: M3u8Manifest, file: string, rungs: Map<string, Rung>, groups: Record<string, string[]>): void {
  for (const [group, renditions] of Object.entries(master.mediaGroups?.AUDIO ?? {})) {
    groups[group] = [];
    for (const r of Object.values(renditions)) {
      if (r.uri === undefined) continue;
      if (!rungs.has(r.uri)) rungs.set(r.uri, rungOf(r.uri, file, "audio"));
      groups[group]!.push(r.uri);
    }
  }
}

/** The package of master playlist `file` (already parsed as `master`), shown as `name`. */
export async function loadHls(file: string, name: string, master: M3u8Manifest): Promise<Manifest> {
  const problems: string[] = [];
  const notes: string[] = [];
  const variants = (master.playlists ?? []).map(variantOf);
  const rungs = new Map<string, Rung>();
  const audioGroups: Record<string, string[]> = {};
  audioRungs(master, file, rungs, audioGroups);
  for (const v of variants) {
    if (v.audioGroup !== null && !(v.audioGroup in audioGroups)) problems.push(`${name} variant ${v.uri}: AUDIO group "${v.audioGroup}" is not declared by any EXT-X-MEDIA`);
    if (!rungs.has(v.rung)) rungs.set(v.rung, rungOf(v.rung, file, kindOfCodecs(v.codecs) ?? "video"));
  }
  for (const rung of rungs.values()) await readRung(rung, `${name} ${rung.id}`, problems, notes);
  return { name, file, kind: "hls", rungs: [...rungs.values()], variants, audioGroups, problems, notes };
}
