// Which sources need a normalisation (mezzanine) step, and the HDR10 metadata the probe reads for
// the encodes to carry through.
import { describe, expect, it } from "vitest";
import { constantRate, mezzaninePixelFormat, normaliseNeeds } from "../../src/content/normalise";
import { contentLightOf, masteringDisplayOf, parseFrameSideData } from "../../src/content/probe";
import { aProbe } from "./builders";

describe("normaliseNeeds", () => {
  it.each([
    ["a plain progressive 4:2:0 H.264 file", {}, false, []],
    ["a plain 10-bit HEVC file", { codec: "hevc", pixelFormat: "yuv420p10le", bitDepth: 10 }, true, []],
    ["interlaced", { interlaced: true, fieldOrder: "tt" }, false, ["deinterlace"]],
    ["variable frame rate", { variableFrameRate: true, fps: 29.5 }, false, ["constant-rate"]],
    ["4:2:2 ProRes", { codec: "prores", pixelFormat: "yuv422p10le", bitDepth: 10 }, false, ["pixel-format"]],
    ["full-range JPEG-style 4:2:0", { pixelFormat: "yuvj420p" }, false, ["pixel-format"]],
    ["a codec outside the common decoders", { codec: "cinepak" }, false, ["decode"]],
    ["a transport stream cut into chunks", { container: "mpegts" }, true, ["decode"]],
    ["a transport stream encoded whole", { container: "mpegts" }, false, []],
    ["everything at once", { interlaced: true, fieldOrder: "bb", variableFrameRate: true, pixelFormat: "yuv422p", codec: "cinepak" }, false, ["deinterlace", "constant-rate", "pixel-format", "decode"]],
  ] as const)("%s", (_name, over, chunked, kinds) => {
    expect(normaliseNeeds(aProbe(over), chunked).map((n) => n.kind)).toEqual(kinds);
  });

  it("says why in words a person can act on", () => {
    const needs = normaliseNeeds(aProbe({ interlaced: true, fieldOrder: "tt", variableFrameRate: true, fps: 29.97, pixelFormat: "yuv422p10le", bitDepth: 10 }), false);
    expect(needs.map((n) => n.reason)).toEqual([
      "interlaced (field order tt): deinterlaced with bwdif, one frame per frame",
      "variable frame rate (average 29.970 fps): converted to a constant 30000/1001 fps",
      "pixel format yuv422p10le: converted to yuv420p10le (4:2:0, which every deliverable takes)",
    ]);
  });
});

describe("constantRate", () => {
  it.each([
    [23.976, "24000/1001"],
    [24.01, "24/1"],
    [25, "25/1"],
    [29.97, "30000/1001"],
    [30, "30/1"],
    [59.94, "60000/1001"],
    [18.2, "18200/1000"],
  ])("%s fps → %s", (fps, rate) => expect(constantRate(fps)).toBe(rate));

  it("keeps 10-bit sources at 10 bits in the mezzanine", () => {
    expect([mezzaninePixelFormat(8), mezzaninePixelFormat(10), mezzaninePixelFormat(12)]).toEqual(["yuv420p", "yuv420p10le", "yuv420p10le"]);
  });
});

describe("HDR10 static metadata from ffprobe's side data", () => {
  const side = [
    {
      side_data_type: "Mastering display metadata",
      red_x: "34000/50000", red_y: "16000/50000", green_x: "13250/50000", green_y: "34500/50000",
      blue_x: "7500/50000", blue_y: "3000/50000", white_point_x: "15635/50000", white_point_y: "16450/50000",
      min_luminance: "1/10000", max_luminance: "10000000/10000",
    },
    { side_data_type: "Content light level metadata", max_content: 1000, max_average: 400 },
  ];

  it("reads the mastering display (chromaticities 0..1, luminance in cd/m²) and content light level", () => {
    expect(masteringDisplayOf(side)).toEqual({
      red: [0.68, 0.32], green: [0.265, 0.69], blue: [0.15, 0.06], whitePoint: [0.3127, 0.329], minLuminance: 0.0001, maxLuminance: 1000,
    });
    expect(contentLightOf(side)).toEqual({ maxCll: 1000, maxFall: 400 });
  });

  it("carries none of half a statement, and nothing when there is none", () => {
    expect(masteringDisplayOf([{ side_data_type: "Mastering display metadata", max_luminance: "1000/1" }])).toBeNull();
    expect(masteringDisplayOf(undefined)).toBeNull();
    expect(contentLightOf([{ side_data_type: "Display Matrix", rotation: 90 }])).toBeNull();
  });

  it("finds the first frame's side data in ffprobe's -show_frames JSON, and none in junk", () => {
    expect(parseFrameSideData(JSON.stringify({ frames: [{ side_data_list: side }] }))).toHaveLength(2);
    expect(parseFrameSideData("{ not json")).toEqual([]);
    expect(parseFrameSideData('{"frames": []}')).toEqual([]);
  });
});
