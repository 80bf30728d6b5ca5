// Reading packages into rungs: HLS masters and media playlists with m3u8-parser, DASH MPDs with
// mpd-parser, from text written to a temp dir (no media needed); what is unusable is exit 2.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMpdDuration } from "../../src/package/check/dash";
import { loadPackage } from "../../src/package/check/load";
import { InputError } from "../../src/util/errors";
import { tempDir } from "../tempDir";

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,AVERAGE-BANDWIDTH=500000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",AUDIO="aud"
video/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x90,CODECS="avc1.64000c,mp4a.40.2",AUDIO="nope"
small/index.m3u8
`;

const MEDIA = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:2.0,
seg0.m4s
#EXTINF:1.5,
seg1.m4s
#EXT-X-ENDLIST
`;

const BYTERANGES = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:1
#EXT-X-MAP:URI="all.mp4",BYTERANGE="800@0"
#EXTINF:1.0,
#EXT-X-BYTERANGE:5000@800
all.mp4
#EXTINF:1.0,
#EXT-X-BYTERANGE:4000
all.mp4
`;

const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT3.0S" maxSegmentDuration="PT1.5S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="0" start="PT0S">
    <BaseURL>media/</BaseURL>
    <AdaptationSet contentType="video" frameRate="25/1">
      <Representation id="hi" mimeType="video/mp4" codecs="avc1.64000d" bandwidth="300000" width="320" height="180">
        <SegmentTemplate timescale="1000" initialization="init-$RepresentationID$.m4s" media="seg-$RepresentationID$-$Number$.m4s" startNumber="1">
          <SegmentTimeline><S t="0" d="1000" r="1"/><S d="1000"/></SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
    <AdaptationSet contentType="audio">
      <Representation id="aac" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="64000" audioSamplingRate="48000">
        <SegmentTemplate timescale="48000" duration="48000" initialization="init-$RepresentationID$.m4s" media="seg-$RepresentationID$-$Number$.m4s" startNumber="1"/>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`;

async function inputError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).message;
}

describe("HLS", () => {
  it("reads the master's variants and renditions, each media playlist into a rung", async () => {
    const dir = tempDir({ "master.m3u8": MASTER, "video/index.m3u8": MEDIA, "audio/index.m3u8": MEDIA });
    const { manifests } = await loadPackage(dir);
    const m = manifests[0]!;
    expect(m.kind).toBe("hls");
    expect(m.rungs.map((r) => [r.id, r.kind, r.segments.length])).toEqual([
      ["audio/index.m3u8", "audio", 2],
      ["video/index.m3u8", "video", 2],
      ["small/index.m3u8", "video", 0],
    ]);
    const video = m.rungs[1]!;
    expect(video.limit).toEqual({ seconds: 2, rule: "hls-target", decimals: 0 });
    expect(video.segments.map((s) => [s.uri, s.path, s.duration])).toEqual([
      ["seg0.m4s", join(dir, "video/seg0.m4s"), 2],
      ["seg1.m4s", join(dir, "video/seg1.m4s"), 1.5],
    ]);
    expect(video.inits).toEqual([{ uri: "init.mp4", path: join(dir, "video/init.mp4"), range: null }]);
    expect(m.variants[0]).toMatchObject({ bandwidth: 600_000, averageBandwidth: 500_000, codecs: "avc1.64000d,mp4a.40.2", resolution: { width: 320, height: 180 }, audioGroup: "aud" });
    expect(m.audioGroups).toEqual({ aud: ["audio/index.m3u8"] });
    expect(m.problems).toEqual([
      'master.m3u8 variant small/index.m3u8: AUDIO group "nope" is not declared by any EXT-X-MEDIA',
      `master.m3u8 small/index.m3u8: media playlist is missing (${join(dir, "small/index.m3u8")})`,
    ]);
  });

  it("reads byte ranges, an offset left out continuing the previous range", async () => {
    const master = `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.64000d"\nv.m3u8\n`;
    const dir = tempDir({ "master.m3u8": master, "v.m3u8": BYTERANGES });
    const rung = (await loadPackage(dir)).manifests[0]!.rungs[0]!;
    expect(rung.inits[0]!.range).toEqual({ offset: 0, length: 800 });
    expect(rung.segments.map((s) => s.range)).toEqual([
      { offset: 800, length: 5000 },
      { offset: 5800, length: 4000 },
    ]);
  });

  it("a media playlist without EXT-X-TARGETDURATION is a problem of the package", async () => {
    const master = `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n`;
    const dir = tempDir({ "master.m3u8": master, "v.m3u8": "#EXTM3U\n#EXTINF:1.0,\ns.ts\n#EXT-X-ENDLIST\n" });
    expect((await loadPackage(dir)).manifests[0]!.problems).toEqual(["master.m3u8 v.m3u8: no EXT-X-TARGETDURATION"]);
  });

  it("takes a master given as a file; refuses a media playlist given as one", async () => {
    const dir = tempDir({ "hls/master.m3u8": MASTER, "hls/video/index.m3u8": MEDIA });
    const pkg = await loadPackage(join(dir, "hls/master.m3u8"));
    expect(pkg.dir).toBe(join(dir, "hls"));
    expect(pkg.manifests.map((m) => m.name)).toEqual(["master.m3u8"]);
    expect(await inputError(loadPackage(join(dir, "hls/video/index.m3u8")))).toMatch(/index\.m3u8: a media playlist, not a master playlist/);
  });

  it("a dir's top-level media playlists are not manifests of their own", async () => {
    const dir = tempDir({ "master.m3u8": MASTER, "video.m3u8": MEDIA });
    expect((await loadPackage(dir)).manifests.map((m) => m.name)).toEqual(["master.m3u8"]);
  });
});

describe("DASH", () => {
  it("reads each Representation into a rung, segments resolved through BaseURL", async () => {
    const dir = tempDir({ "manifest.mpd": MPD });
    const m = (await loadPackage(dir)).manifests[0]!;
    expect(m.kind).toBe("dash");
    expect(m.rungs.map((r) => [r.id, r.key, r.kind, r.codecs, r.width, r.height, r.frameRate])).toEqual([
      ["representation hi", "hi", "video", "avc1.64000d", 320, 180, 25],
      ["representation aac", "aac", "audio", "mp4a.40.2", null, null, null],
    ]);
    const [video, audio] = m.rungs;
    expect(video!.segments.map((s) => [s.path, s.duration])).toEqual([
      [join(dir, "media/seg-hi-1.m4s"), 1],
      [join(dir, "media/seg-hi-2.m4s"), 1],
      [join(dir, "media/seg-hi-3.m4s"), 1],
    ]);
    expect(video!.inits.map((i) => i.path)).toEqual([join(dir, "media/init-hi.m4s")]);
    expect(audio!.segments.map((s) => s.duration)).toEqual([1, 1, 1]);
    expect(video!.limit).toEqual({ seconds: 1.5, rule: "dash-max", decimals: 1 });
  });

  it("notes an MPD without maxSegmentDuration", async () => {
    const dir = tempDir({ "manifest.mpd": MPD.replace(' maxSegmentDuration="PT1.5S"', "") });
    const m = (await loadPackage(dir)).manifests[0]!;
    expect(m.rungs[0]!.limit).toBeNull();
    expect(m.notes).toContain("manifest.mpd: no MPD@maxSegmentDuration: segment durations not held to a limit");
  });

  it.each([
    ["PT1.0S", { seconds: 1, decimals: 1 }],
    ["PT2S", { seconds: 2, decimals: 0 }],
    ["PT1M30.25S", { seconds: 90.25, decimals: 2 }],
    ["P1DT1H", { seconds: 90000, decimals: 0 }],
    ["PT", null],
    ["1.0", null],
  ])("xs:duration %s", (text, expected) => expect(parseMpdDuration(text)).toEqual(expected));
});

describe("unusable input (exit 2)", () => {
  it("a dir with no manifest", async () => {
    const dir = tempDir({ "readme.txt": "nothing here" });
    expect(await inputError(loadPackage(dir))).toMatch(/no manifest to check: expected an HLS master playlist \(\*\.m3u8 with variants\) or a DASH MPD \(\*\.mpd\)/);
  });

  it("a path that is not there, or a file that is no manifest", async () => {
    expect(await inputError(loadPackage("/nonexistent/pkg"))).toMatch(/cannot read package \/nonexistent\/pkg: no such file or directory/);
    const dir = tempDir({ "a.txt": "x" });
    expect(await inputError(loadPackage(join(dir, "a.txt")))).toMatch(/expected a package dir, an \.m3u8 or an \.mpd/);
  });

  it("an .m3u8 or an .mpd that does not parse", async () => {
    expect(await inputError(loadPackage(tempDir({ "master.m3u8": "<html>not a playlist</html>\n" })))).toMatch(/master\.m3u8: not an HLS playlist m3u8-parser can read/);
    expect(await inputError(loadPackage(tempDir({ "manifest.mpd": "garbage, not XML" })))).toMatch(/manifest\.mpd: not a DASH MPD that can be read/);
  });
});
