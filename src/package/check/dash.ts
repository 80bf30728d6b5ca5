// A DASH package read with mpd-parser: every Representation becomes a rung with the segments
// mpd-parser lists for it (SegmentTemplate with or without a SegmentTimeline, SegmentList), each
// resolved through the MPD's BaseURLs to a local file. An MPD that does not parse is unusable
// input (exit 2).
import { pathToFileURL } from "node:url";
import { parse, stringToMpdXml, type MpdByteRange, type MpdManifest, type MpdPlaylist } from "mpd-parser";
import { InputError } from "../../util/errors";
import { kindOfCodecs } from "./codecString";
import { localPath } from "./refs";
import type { FileRef, Manifest, Rung, RungKind, SegmentLimit } from "./types";

/** mpd-parser resolves every URI through the BaseURLs against the MPD's file: URL; one off this machine has no path. */
const ref = (uri: string, resolvedUri: string, range: MpdByteRange | undefined): FileRef => ({ uri, path: localPath(resolvedUri, "file:///"), range: range ?? null });

/**
 * An xs:duration as MPDs write it (PnYnMnDTnHnMnS, seconds with a fraction), in seconds, and the
 * decimals its seconds were written with; null when it is not one. Years and months are not
 * durations of media and are refused.
 */
export function parseMpdDuration(text: string): { seconds: number; decimals: number } | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$/.exec(text.trim());
  if (!m || text.trim() === "P" || text.trim().endsWith("T")) return null;
  const [, d = "0", h = "0", min = "0", s = "0", frac = ""] = m;
  const seconds = Number(d) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(`${s}.${frac || "0"}`);
  return { seconds, decimals: frac.length };
}

function limitOf(text: string, notes: string[], name: string): SegmentLimit | null {
  const declared = stringToMpdXml(text).getAttribute("maxSegmentDuration");
  if (declared === null || declared === "") {
    notes.push(`${name}: no MPD@maxSegmentDuration: segment durations not held to a limit`);
    return null;
  }
  const parsed = parseMpdDuration(declared);
  if (parsed === null) {
    notes.push(`${name}: MPD@maxSegmentDuration "${declared}" is not a duration vps reads: not checked`);
    return null;
  }
  return { seconds: parsed.seconds, rule: "dash-max", decimals: parsed.decimals };
}

function rungOf(p: MpdPlaylist, kind: RungKind | null, limit: SegmentLimit | null, index: number): Rung {
  const a = p.attributes;
  const key = a.NAME ?? `#${index + 1}`;
  const id = `representation ${key}`;
  const codecs = a.CODECS ?? null;
  const base: Rung = {
    id,
    key,
    kind: kind ?? kindOfCodecs(codecs) ?? (a.RESOLUTION ? "video" : "audio"),
    playlist: null,
    inits: [],
    segments: [],
    limit,
    codecs,
    width: a.RESOLUTION?.width ?? null,
    height: a.RESOLUTION?.height ?? null,
    frameRate: a["FRAME-RATE"] ?? null,
    indexed: false,
  };
  if (p.sidx) {
    // SegmentBase: one file whose segments only its sidx box lists; it is probed and measured whole.
    const map = p.sidx.map;
    return { ...base, indexed: true, inits: map ? [ref(map.uri, map.resolvedUri, map.byterange)] : [], segments: [{ ...ref(p.sidx.uri, p.sidx.resolvedUri, undefined), duration: p.sidx.duration }] };
  }
  const segments = p.segments ?? [];
  const inits = new Map<string, FileRef>();
  for (const s of segments) if (s.map && !inits.has(s.map.resolvedUri)) inits.set(s.map.resolvedUri, ref(s.map.uri, s.map.resolvedUri, s.map.byterange));
  return { ...base, inits: [...inits.values()], segments: segments.map((s) => ({ ...ref(s.uri, s.resolvedUri, s.byterange), duration: s.duration })) };
}

function parseMpd(text: string, file: string, name: string): MpdManifest {
  try {
    return parse(text, { manifestUri: pathToFileURL(file).href });
  } catch (e) {
    throw new InputError(`${name}: not a DASH MPD that can be read (${(e as Error).message})`);
  }
}

/** The package of MPD `file` (its text `text`), shown as `name`. */
export function loadDash(file: string, name: string, text: string): Manifest {
  const mpd = parseMpd(text, file, name);
  const notes: string[] = [];
  const limit = limitOf(text, notes, name);
  const seen = new Set<string>();
  const rungs: Rung[] = [];
  const add = (p: MpdPlaylist, kind: RungKind | null) => {
    const rung = rungOf(p, kind, limit, rungs.length);
    // An MPD without video lists its audio both as playlists and as an AUDIO group.
    if (seen.has(rung.id)) return;
    seen.add(rung.id);
    rungs.push(rung);
    if (rung.indexed) notes.push(`${name} ${rung.id}: SegmentBase (one indexed file): its segments are not listed, so their durations are not checked`);
  };
  for (const p of mpd.playlists ?? []) add(p, null);
  for (const group of Object.values(mpd.mediaGroups?.AUDIO ?? {})) for (const g of Object.values(group)) for (const p of g.playlists) add(p, "audio");
  const problems = rungs.length === 0 ? [`${name}: no Representation with media`] : [];
  return { name, file, kind: "dash", rungs, variants: [], audioGroups: {}, problems, notes };
}
