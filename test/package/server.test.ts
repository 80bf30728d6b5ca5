// The loopback server --play plays packages from: the package's files with the Content-Types
// players expect, single byte ranges, the player's assets, and nothing outside the package dir.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeOf, fileUnder, parseRange, servePackage, type PackageServer } from "../../src/package/check/play/server";
import { tempDir } from "../tempDir";

let server: PackageServer;
let root: string;

beforeAll(async () => {
  root = tempDir({ "master.m3u8": "#EXTM3U\n", "v/seg 1.m4s": "0123456789", "manifest.mpd": "<MPD/>" });
  const outside = tempDir({ "secret.txt": "not yours" });
  server = await servePackage(root, { "page.html": { text: "<p>hi</p>", type: "text/html" }, "lib.js": { file: `${outside}/secret.txt` } });
});
afterAll(() => server.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.origin}${path}`, { headers });

describe("serving a package", () => {
  it("listens on 127.0.0.1", () => expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/));

  it("serves files with their types", async () => {
    const m = await get("/master.m3u8");
    expect([m.status, m.headers.get("content-type"), await m.text()]).toEqual([200, "application/vnd.apple.mpegurl", "#EXTM3U\n"]);
    expect((await get("/manifest.mpd")).headers.get("content-type")).toBe("application/dash+xml");
    expect((await get("/v/seg%201.m4s")).headers.get("content-type")).toBe("video/iso.segment");
    expect([".mp4", ".m4s", ".ts", ".m4a", ".xyz"].map((e) => contentTypeOf(`f${e}`))).toEqual(["video/mp4", "video/iso.segment", "video/mp2t", "audio/mp4", "application/octet-stream"]);
  });

  it("serves a byte range", async () => {
    const r = await get("/v/seg%201.m4s", { Range: "bytes=2-5" });
    expect([r.status, r.headers.get("content-range"), await r.text()]).toEqual([206, "bytes 2-5/10", "2345"]);
    expect((await get("/v/seg%201.m4s", { Range: "bytes=20-30" })).status).toBe(416);
    expect([parseRange("bytes=-3", 10), parseRange("bytes=7-", 10), parseRange(undefined, 10), parseRange("lines=1-2", 10)]).toEqual([{ start: 7, end: 9 }, { start: 7, end: 9 }, null, "bad"]);
  });

  it("serves the player's assets under /__vps/", async () => {
    expect(await (await get("/__vps/page.html")).text()).toBe("<p>hi</p>");
    expect(await (await get("/__vps/lib.js")).text()).toBe("not yours");
  });

  it("serves nothing that is not there or outside the package dir", async () => {
    expect((await get("/nope.m4s")).status).toBe(404);
    expect((await get("/v")).status).toBe(404);
    expect((await get("/..%2f..%2fetc%2fpasswd")).status).toBe(404);
    expect(fileUnder("/pkg", "/../etc/passwd")).toBeNull();
    expect(fileUnder("/pkg", "/a/b.m4s")).toBe("/pkg/a/b.m4s");
  });
});
