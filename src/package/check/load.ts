// Finds and reads a package's manifests: every HLS master playlist and every DASH MPD at the top
// of the package dir, or the one manifest file given. Nothing to check, or a manifest that does
// not parse, is unusable input (InputError, exit 2).
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fsReason } from "../../load/read";
import { InputError } from "../../util/errors";
import { loadDash } from "./dash";
import { isMaster, isMediaPlaylist, loadHls, parsePlaylist } from "./hls";
import type { Manifest } from "./types";

export interface Package {
  /** The package dir: the dir given, or the dir of the manifest given. */
  dir: string;
  manifests: Manifest[];
}

const isManifestName = (f: string): boolean => [".m3u8", ".mpd"].includes(extname(f).toLowerCase());

async function readManifest(file: string, shown: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${shown}: ${fsReason(e)}`);
  }
}

/**
 * One manifest; null for a media playlist met while looking through a dir (the masters name the
 * media playlists). Given directly, a media playlist is refused: its master has the variants.
 */
async function loadOne(file: string, shown: string, direct: boolean): Promise<Manifest | null> {
  const text = await readManifest(file, shown);
  if (extname(file).toLowerCase() === ".mpd") return loadDash(file, shown, text);
  const { manifest, warnings } = parsePlaylist(text);
  if (isMaster(manifest)) return loadHls(file, shown, manifest);
  if (isMediaPlaylist(manifest)) {
    if (!direct) return null;
    throw new InputError(`${shown}: a media playlist, not a master playlist: give the master playlist (or the package dir)`);
  }
  const why = warnings.length > 0 ? `: ${warnings.slice(0, 3).join("; ")}` : "";
  throw new InputError(`${shown}: not an HLS playlist m3u8-parser can read (no variants and no segments)${why}`);
}

/** The package at `target` (a dir or a manifest file), shown as `shown`. */
export async function loadPackage(target: string, shown = target): Promise<Package> {
  let isDir: boolean;
  try {
    isDir = (await stat(target)).isDirectory();
  } catch (e) {
    throw new InputError(`cannot read package ${shown}: ${fsReason(e, "no such file or directory")}`);
  }
  if (!isDir) {
    if (!isManifestName(target)) throw new InputError(`${shown}: expected a package dir, an .m3u8 or an .mpd, found another file`);
    const manifest = await loadOne(resolve(target), basename(target), true);
    return { dir: dirname(resolve(target)), manifests: manifest ? [manifest] : [] };
  }
  const dir = resolve(target);
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isManifestName(e.name)).map((e) => e.name).sort();
  const manifests: Manifest[] = [];
  for (const name of names) {
    const m = await loadOne(join(dir, name), name, false);
    if (m) manifests.push(m);
  }
  if (manifests.length === 0) throw new InputError(`${shown}: no manifest to check: expected an HLS master playlist (*.m3u8 with variants) or a DASH MPD (*.mpd) at its top level`);
  return { dir, manifests };
}
