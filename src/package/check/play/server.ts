// A loopback HTTP server for --play: the package dir as a player would fetch it from a CDN, plus
// the player page and the hls.js and dash.js builds from node_modules under /__vps/. Single byte
// ranges are served (players fetch EXT-X-BYTERANGE and DASH SegmentBase media with Range).
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, relative, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".mpd": "application/dash+xml",
  ".mp4": "video/mp4",
  ".m4s": "video/iso.segment",
  ".m4v": "video/mp4",
  ".m4a": "audio/mp4",
  ".cmfv": "video/mp4",
  ".cmfa": "audio/mp4",
  ".ts": "video/mp2t",
  ".aac": "audio/aac",
  ".vtt": "text/vtt",
  ".webm": "video/webm",
  ".js": "text/javascript",
  ".html": "text/html; charset=utf-8",
};

export const contentTypeOf = (file: string): string => TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";

/** A file served under /__vps/: the page (as text) or a file of node_modules (by path). */
export type Asset = { text: string; type: string } | { file: string };

export interface PackageServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

/** "bytes=a-b" / "bytes=a-" / "bytes=-n" of a file of `size` bytes; null when absent; "bad" when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | "bad" {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "bad";
  const start = m[1] === "" ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end && start < size ? { start, end } : "bad";
}

/** The file under `root` a URL path names; null when it would leave the root. */
export function fileUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = resolve(join(root, decoded));
  const rel = relative(root, file);
  return rel === "" || rel.startsWith("..") || rel.startsWith(sep) ? null : file;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string): Promise<void> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  const range = parseRange(req.headers.range, size);
  if (range === "bad") {
    res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const headers = { "Content-Type": type, "Content-Length": String(Math.max(0, end - start + 1)), "Accept-Ranges": "bytes", "Cache-Control": "no-store" };
  res.writeHead(range ? 206 : 200, range ? { ...headers, "Content-Range": `bytes ${start}-${end}/${size}` } : headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  createReadStream(file, { start, end }).on("error", () => res.destroy()).pipe(res);
}

function handler(root: string, assets: Record<string, Asset>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const asset = path.startsWith("/__vps/") ? assets[path.slice("/__vps/".length)] : undefined;
    if (asset && "text" in asset) {
      res.writeHead(200, { "Content-Type": asset.type, "Cache-Control": "no-store" }).end(asset.text);
      return;
    }
    const file = asset ? asset.file : fileUnder(root, path);
    if (file === null) {
      res.writeHead(404).end();
      return;
    }
    void sendFile(req, res, file, contentTypeOf(file));
  };
}

/** Serves `root` and `assets` on 127.0.0.1 at a free port until closed. */
export async function servePackage(root: string, assets: Record<string, Asset>): Promise<PackageServer> {
  const server: Server = createServer(handler(resolve(root), assets));
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
