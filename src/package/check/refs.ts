// References in a manifest resolved as a player would resolve them (RFC 3986 against the
// manifest's URL), then mapped to local files: the checker reads files only, never the network.
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ByteRange, FileRef } from "./types";

/** The local file a URI names, relative to `base` (a file: URL or an absolute path); null when it is not a file. */
export function localPath(uri: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(uri, base.startsWith("file:") ? base : pathToFileURL(base));
  } catch {
    return null;
  }
  return url.protocol === "file:" ? fileURLToPath(url) : null;
}

export function fileRef(uri: string, base: string, range: ByteRange | undefined | null = null): FileRef {
  return { uri, path: localPath(uri, base), range: range ?? null };
}
