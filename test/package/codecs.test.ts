// Codec strings read into what ffprobe also reports, and compared with what ffprobe found.
import { describe, expect, it } from "vitest";
import { kindOfCodecs, parseCodec, parseCodecs } from "../../src/package/check/codecString";
import { differences } from "../../src/package/check/rules/codecs";
import { aVideoStream, anAudioStream } from "./builders";

describe("parseCodec", () => {
  it.each([
    ["avc1.64001f", { family: "h264", entry: "avc1", profile: 100, level: 31 }],
    ["avc3.42c00d", { family: "h264", entry: "avc3", profile: 66, level: 13 }],
    ["avc1.66.30", { family: "h264", entry: "avc1", profile: 66, level: 30 }],
    ["hvc1.2.4.L120.90", { family: "hevc", entry: "hvc1", profile: 2, level: 120 }],
    ["hev1.1.6.H93.B0", { family: "hevc", entry: "hev1", profile: 1, level: 93 }],
    ["av01.0.04M.10", { family: "av1", entry: "av01", profile: 0, level: 4, bitDepth: 10 }],
    ["vp09.00.10.08", { family: "vp9", entry: "vp09", profile: 0, level: 10, bitDepth: 8 }],
    ["mp4a.40.2", { family: "aac", kind: "audio", profile: 2 }],
    ["mp4a.40.5", { family: "aac", kind: "audio", profile: 5 }],
    ["mp4a.40.34", { family: "mp3", kind: "audio" }],
    ["opus", { family: "opus", kind: "audio" }],
    ["Opus", { family: "opus", kind: "audio" }],
    ["ec-3", { family: "eac3", kind: "audio" }],
    ["hvc1", { family: "hevc", profile: null, level: null }],
    ["wvtt", { family: "unknown" }],
  ])("%s", (text, expected) => expect(parseCodec(text)).toMatchObject(expected));

  it("splits a CODECS list and tells audio-only lists apart", () => {
    expect(parseCodecs("avc1.64001f, mp4a.40.2").map((c) => c.family)).toEqual(["h264", "aac"]);
    expect(kindOfCodecs("mp4a.40.2")).toBe("audio");
    expect(kindOfCodecs("avc1.64001f,mp4a.40.2")).toBe("video");
    expect(kindOfCodecs(null)).toBeNull();
  });
});

describe("differences between a codec string and ffprobe's stream", () => {
  it("none when family, entry, profile and level agree", () => {
    expect(differences(parseCodec("avc1.64000d"), aVideoStream({ profile: "High", level: 13 }))).toEqual([]);
    expect(differences(parseCodec("avc1.42c00d"), aVideoStream({ profile: "Constrained Baseline", level: 13 }))).toEqual([]);
    expect(differences(parseCodec("mp4a.40.2"), anAudioStream())).toEqual([]);
  });

  it("names a wrong profile, level, sample entry and bit depth", () => {
    expect(differences(parseCodec("avc1.4d401f"), aVideoStream({ profile: "High", level: 13 }))).toEqual(["profile High (100), not 77", "level 13, not 31"]);
    expect(differences(parseCodec("avc3.64000d"), aVideoStream())).toEqual(["sample entry avc1, not avc3"]);
    expect(differences(parseCodec("hev1.1.6.L93.B0"), aVideoStream({ codec: "hevc", tag: "hvc1", profile: "Main", level: 93 }))).toEqual(["sample entry hvc1, not hev1"]);
    expect(differences(parseCodec("av01.0.04M.10"), aVideoStream({ codec: "av1", tag: "av01", profile: "Main", level: 4, bitDepth: 8 }))).toEqual(["8-bit, not 10-bit"]);
    expect(differences(parseCodec("mp4a.40.5"), anAudioStream({ profile: "LC" }))).toEqual(["profile LC (2), not 5"]);
  });

  it("does not compare what ffprobe does not report (VP9's level, a TS stream's sample entry)", () => {
    expect(differences(parseCodec("vp09.00.41.08"), aVideoStream({ codec: "vp9", tag: "vp09", profile: "Profile 0", level: null }))).toEqual([]);
    expect(differences(parseCodec("avc1.64000d"), aVideoStream({ tag: null }))).toEqual([]);
  });
});
