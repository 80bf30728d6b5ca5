// Which rungs --play forces, named as the player names them: pure, from the manifest and its report.
import { describe, expect, it } from "vitest";
import { judgeManifest } from "../../src/package/check/judge";
import { pageRungs, urlPathOf } from "../../src/package/check/play/play";
import { aManifest, aRung, aVariant, factsOf } from "./builders";

describe("pageRungs", () => {
  it("HLS: each video variant once, by its absolute URL, at ffprobe's size; audio-only variants are not forced", () => {
    const m = aManifest({ variants: [aVariant("v0.m3u8"), aVariant("v0.m3u8", { audioGroup: null }), aVariant("v1.m3u8", { resolution: { width: 1, height: 1 } }), aVariant("a.m3u8", { codecs: "mp4a.40.2", resolution: null })] });
    const notes: string[] = [];
    const rungs = pageRungs(m, judgeManifest(m, factsOf(m), null), "http://127.0.0.1:9/pkg/master.m3u8", notes);
    expect(rungs).toEqual([
      { id: "v0.m3u8", key: "http://127.0.0.1:9/pkg/v0.m3u8", width: 320, height: 180, types: ['video/mp4; codecs="avc1.64000d,mp4a.40.2"'] },
      { id: "v1.m3u8", key: "http://127.0.0.1:9/pkg/v1.m3u8", width: 160, height: 90, types: ['video/mp4; codecs="avc1.64000d,mp4a.40.2"'] },
    ]);
    expect(notes).toEqual([]);
  });

  it("DASH: by Representation@id, at the declared size when ffprobe could not read it; no size, not forced", () => {
    const a = aRung("representation a", { key: "a", codecs: "avc1.64000d", width: 640, height: 360, limit: null });
    const b = aRung("representation b", { key: "b", codecs: null, limit: null });
    const m = aManifest({ kind: "dash", name: "m.mpd", rungs: [a, b], variants: [], audioGroups: {} });
    const facts = { [a.id]: { initBytes: [1], segmentBytes: [1, 1, 1], probe: { error: "unreadable" } }, [b.id]: { initBytes: [1], segmentBytes: [1, 1, 1], probe: null } };
    const notes: string[] = [];
    expect(pageRungs(m, judgeManifest(m, facts, null), "http://x/m.mpd", notes)).toEqual([{ id: "representation a", key: "a", width: 640, height: 360, types: ['video/mp4; codecs="avc1.64000d"'] }]);
    expect(notes).toEqual(["representation b: frame size unknown: not forced"]);
  });

  it("URL paths of manifests, escaped", () => {
    expect(urlPathOf("/pkg", "/pkg/master.m3u8")).toBe("/master.m3u8");
    expect(urlPathOf("/pkg", "/pkg/a b/#1.mpd")).toBe("/a%20b/%231.mpd");
  });
});
