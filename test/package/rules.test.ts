// Each rule of check-package on hand-made manifests and facts: the good package passes, and each
// fault is caught with a line naming the manifest, the rung or segment, and the numbers.
import { describe, expect, it } from "vitest";
import { judgeManifest } from "../../src/package/check/judge";
import type { Facts, Manifest, SourceFacts } from "../../src/package/check/types";
import { aManifest, aRung, aVariant, aVideoStream, anAudioStream, factsOf } from "./builders";

const problemsOf = (m: Manifest, facts: Facts = factsOf(m), source: SourceFacts | null = null) => judgeManifest(m, facts, source).problems;
const withRung = (m: Manifest, id: string, over: Parameters<typeof aRung>[1]): Manifest => ({ ...m, rungs: m.rungs.map((r) => (r.id === id ? aRung(id, { kind: r.kind, ...over }) : r)) });

describe("a good package", () => {
  it("passes every rule, and reports each rung as measured", () => {
    const m = aManifest();
    const report = judgeManifest(m, factsOf(m), { duration: 3, fps: 25, from: "title.json" });
    expect(report.problems).toEqual([]);
    expect(report.rungs.map((r) => [r.id, r.kind, r.segments, r.duration, r.peak])).toEqual([
      ["v0.m3u8", "video", 3, 3, 320_000],
      ["v1.m3u8", "video", 3, 3, 160_000],
      ["a.m3u8", "audio", 4, 3.029334, 64_844],
    ]);
    expect(report.variants[0]).toMatchObject({ uri: "v0.m3u8", bandwidth: 500_000, measuredPeak: 320_000 + 64_844 });
  });
});

describe("files", () => {
  it("names each missing segment and init segment, every one of them", () => {
    const m = aManifest();
    const facts = factsOf(m, { "v1.m3u8": { segmentBytes: [20_000, { missing: "is missing" }, { missing: "is missing" }], initBytes: [{ missing: "is missing" }] } });
    const problems = problemsOf(m, facts);
    expect(problems).toContain("master.m3u8 v1.m3u8 segment 2 (seg_1.m4s): is missing");
    expect(problems).toContain("master.m3u8 v1.m3u8 segment 3 (seg_2.m4s): is missing");
    expect(problems).toContain("master.m3u8 v1.m3u8: init segment init.mp4 is missing");
  });

  it("notes references that are not local files instead of failing them", () => {
    const m = aManifest();
    const r = judgeManifest(m, factsOf(m, { "v0.m3u8": { segmentBytes: ["not local", 40_000, 40_000] } }), null);
    expect(r.notes.join("\n")).toMatch(/v0\.m3u8: 1 reference\(s\) not local files/);
    expect(r.problems.filter((p) => /missing/.test(p))).toEqual([]);
  });
});

describe("segment durations", () => {
  it("HLS: an EXTINF that rounds above EXT-X-TARGETDURATION fails; one that rounds to it passes", () => {
    const m = withRung(aManifest(), "v0.m3u8", { durations: [1.49, 1, 0.51] });
    expect(problemsOf(m).filter((p) => /TARGETDURATION/.test(p))).toEqual([]);
    const bad = withRung(aManifest(), "v0.m3u8", { durations: [1, 1.5, 0.5] });
    expect(problemsOf(bad)).toContain("master.m3u8 v0.m3u8 segment 2 (seg_1.m4s): EXTINF 1.5 s rounds to 2 s, above EXT-X-TARGETDURATION 1");
  });

  it("DASH: a segment above MPD@maxSegmentDuration fails, at the precision the MPD writes it", () => {
    const limit = { seconds: 1, rule: "dash-max" as const, decimals: 1 };
    const dash = (durations: number[]) => aManifest({ kind: "dash", name: "manifest.mpd", variants: [], audioGroups: {}, rungs: [aRung("representation 0", { durations, limit, codecs: "avc1.64000d" })] });
    // ffmpeg writes PT1.0S for AAC segments of 1.0027 s: within its written precision.
    expect(problemsOf(dash([1.0027, 1, 0.9973]))).toEqual([]);
    expect(problemsOf(dash([1, 1.2, 0.8]))).toContain("manifest.mpd representation 0 segment 2 (seg_1.m4s): 1.200 s, above MPD@maxSegmentDuration 1 s");
  });
});

describe("rung durations", () => {
  it("a rung a second short is named, not the rungs that agree", () => {
    const m = withRung(aManifest(), "v1.m3u8", { durations: [1, 1] });
    const problems = problemsOf(m, factsOf(m, { "v1.m3u8": { segmentBytes: [20_000, 20_000] } }));
    expect(problems).toEqual(["master.m3u8 v1.m3u8: lasts 2.000 s, 1.000 s shorter than v0.m3u8 (3.000 s); allowed ± 0.040 s (one frame at 25 fps)"]);
  });

  it("a video rung within one frame passes; two frames off fails", () => {
    expect(problemsOf(withRung(aManifest(), "v1.m3u8", { durations: [1, 1, 0.96] }))).toEqual([]);
    expect(problemsOf(withRung(aManifest(), "v1.m3u8", { durations: [1, 1, 0.92] }))[0]).toMatch(/v1\.m3u8: lasts 2\.920 s, 0\.080 s shorter than v0\.m3u8/);
  });

  it("audio may differ by one audio frame plus one video frame, no more", () => {
    const within = withRung(aManifest(), "a.m3u8", { durations: [1, 1, 1.061] });
    expect(problemsOf(within, factsOf(within, { "a.m3u8": { segmentBytes: [8000, 8000, 8000] } }))).toEqual([]);
    const beyond = withRung(aManifest(), "a.m3u8", { durations: [1, 1, 1.07] });
    expect(problemsOf(beyond, factsOf(beyond, { "a.m3u8": { segmentBytes: [8000, 8000, 8000] } }))).toEqual([
      "master.m3u8 a.m3u8: lasts 3.070 s, 0.070 s longer than v0.m3u8 (3.000 s); allowed ± 0.061 s (one audio frame plus one frame at 25 fps)",
    ]);
  });

  it("every rung is held to the source when it is known", () => {
    const problems = problemsOf(aManifest(), undefined, { duration: 4, fps: 25, from: "title.json" });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe("master.m3u8 v0.m3u8: lasts 3.000 s, 1.000 s shorter than the source (4.000 s, title.json); allowed ± 0.040 s (one frame at 25 fps)");
    expect(problemsOf(aManifest(), undefined, { duration: 3.02, fps: 25, from: "src.mp4" })).toEqual([]);
  });
});

describe("BANDWIDTH and AVERAGE-BANDWIDTH", () => {
  it("BANDWIDTH below the peak of the variant plus its largest audio rendition fails", () => {
    const m = aManifest({ variants: [aVariant("v0.m3u8", { bandwidth: 350_000 })] });
    expect(problemsOf(m)).toEqual([
      "master.m3u8 variant v0.m3u8: BANDWIDTH 350000 is below the measured peak segment bit rate 384844 b/s (media 320000 b/s + audio a.m3u8 64844 b/s)",
    ]);
  });

  it("an audio-only variant that is its group's rendition is not counted twice", () => {
    const m = aManifest({ variants: [aVariant("a.m3u8", { bandwidth: 70_000, codecs: "mp4a.40.2", resolution: null })] });
    expect(problemsOf(m)).toEqual([]);
  });

  it("AVERAGE-BANDWIDTH under 90% of the measured average, or above BANDWIDTH, fails", () => {
    const avg = 320_000 + (24_300 * 8) / 3.029334;
    const low = aManifest({ variants: [aVariant("v0.m3u8", { averageBandwidth: Math.floor(avg * 0.89) })] });
    expect(problemsOf(low)[0]).toMatch(/^master\.m3u8 variant v0\.m3u8: AVERAGE-BANDWIDTH \d+ is below 90% of the measured average bit rate 384173 b\/s/);
    expect(problemsOf(aManifest({ variants: [aVariant("v0.m3u8", { averageBandwidth: Math.ceil(avg * 0.9) })] }))).toEqual([]);
    expect(problemsOf(aManifest({ variants: [aVariant("v0.m3u8", { averageBandwidth: 600_000 })] }))).toEqual(["master.m3u8 variant v0.m3u8: AVERAGE-BANDWIDTH 600000 is above its BANDWIDTH 500000"]);
  });

  it("a variant whose segments are missing is not measured (the missing files are the problem)", () => {
    const m = aManifest();
    const r = judgeManifest(m, factsOf(m, { "v0.m3u8": { segmentBytes: [{ missing: "is missing" }, 1, 1] } }), null);
    expect(r.problems).toEqual(["master.m3u8 v0.m3u8 segment 1 (seg_0.m4s): is missing"]);
    expect(r.notes).toContain("master.m3u8 variant v0.m3u8: bit rate not measured: its segments could not all be measured");
  });
});

describe("codecs and sizes", () => {
  it("a CODECS that is not the media's is named with what ffprobe found", () => {
    const m = aManifest({ variants: [aVariant("v0.m3u8", { codecs: "avc1.640028,mp4a.40.2" })] });
    expect(problemsOf(m)).toEqual(['master.m3u8 variant v0.m3u8: codec "avc1.640028" does not match v0.m3u8 (h264 High level 13, 320x180): level 13, not 40']);
  });

  it("the wrong family, a missing audio codec, a codec with no stream, no CODECS at all", () => {
    const wrong = (codecs: string | null) => problemsOf(aManifest({ variants: [aVariant("v0.m3u8", { codecs })] }));
    expect(wrong("hvc1.1.6.L93.B0,mp4a.40.2")).toEqual([
      'master.m3u8 variant v0.m3u8: codecs "hvc1.1.6.L93.B0,mp4a.40.2" declare no h264, found in v0.m3u8 (h264 High level 13, 320x180)',
      'master.m3u8 variant v0.m3u8: codec "hvc1.1.6.L93.B0" declared, but its media has no hevc stream',
    ]);
    expect(wrong("avc1.64000d")).toEqual(['master.m3u8 variant v0.m3u8: codecs "avc1.64000d" declare no aac, found in a.m3u8 (aac LC)']);
    expect(wrong("avc1.64000d,mp4a.40.2,ec-3")).toEqual(['master.m3u8 variant v0.m3u8: codec "ec-3" declared, but its media has no eac3 stream']);
    expect(wrong(null)).toEqual(["master.m3u8 variant v0.m3u8: no CODECS"]);
  });

  it("a codec string without profile and level fails (players cannot tell whether they can play it)", () => {
    const m = aManifest({ variants: [aVariant("v0.m3u8", { codecs: "avc1,mp4a.40.2" })] });
    expect(problemsOf(m)).toContain('master.m3u8 variant v0.m3u8: codec "avc1" names no profile and level (RFC 6381 wants avc1.PPCCLL)');
  });

  it("RESOLUTION (HLS) and @width x @height (DASH) must be the media's", () => {
    const hls = aManifest({ variants: [aVariant("v0.m3u8", { resolution: { width: 640, height: 360 } })] });
    expect(problemsOf(hls)).toEqual(["master.m3u8 variant v0.m3u8: RESOLUTION 640x360, but v0.m3u8 is 320x180"]);
    const rung = aRung("representation 0", { codecs: "avc1.64000d", width: 320, height: 176, limit: null });
    const dash = aManifest({ kind: "dash", name: "m.mpd", rungs: [rung], variants: [], audioGroups: {} });
    expect(problemsOf(dash, { [rung.id]: { initBytes: [800], segmentBytes: [1, 1, 1], probe: [aVideoStream()] } })).toEqual(["m.mpd representation 0: @width x @height 320x176, but representation 0 is 320x180"]);
  });

  it("a rung ffprobe cannot read is named once", () => {
    const m = aManifest();
    const problems = problemsOf(m, factsOf(m, { "v1.m3u8": { probe: { error: "Invalid data found when processing input" } } }));
    expect(problems).toEqual(["master.m3u8 v1.m3u8: ffprobe cannot read its init + first segment: Invalid data found when processing input"]);
  });

  it("a DASH Representation's audio codec is compared with its audio stream", () => {
    const rung = aRung("representation 2", { kind: "audio", codecs: "opus", limit: null });
    const dash = aManifest({ kind: "dash", name: "m.mpd", rungs: [rung], variants: [], audioGroups: {} });
    expect(problemsOf(dash, { [rung.id]: { initBytes: [800], segmentBytes: [1, 1, 1], probe: [anAudioStream()] } })).toEqual([
      'm.mpd representation 2: codecs "opus" declare no aac, found in representation 2 (aac LC)',
      'm.mpd representation 2: codec "opus" declared, but its media has no opus stream',
    ]);
  });
});
