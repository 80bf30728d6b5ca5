// The measuring plan (windows, sizes, the filter graph) and the parsing of ffmpeg's per-frame
// output, as pure functions.
import { describe, expect, it } from "vitest";
import { analysisSize, DEFAULT_SAMPLING, measureArgs, measureGraph, measureTimeoutMs, planWindows } from "../../src/content/measure";
import { combineSeries, countCuts, CUT_SCORE, NOISE_SIGMA_PER_LEVEL, parseFrameMetadata, windowSeries } from "../../src/content/series";
import type { ProbeInfo } from "../../src/content/types";
import { aProbe } from "./builders";

const probe = (over: Partial<ProbeInfo> = {}): ProbeInfo => aProbe({ container: "mov,mp4", duration: 10, fps: 25, ...over });

/** ffmpeg's `metadata=mode=print` text for frames with the given values. */
function printed(frames: Record<string, number>[], fps = 25): string {
  return frames.map((values, n) => [`frame:${n}    pts:${n}    pts_time:${n / fps}`, ...Object.entries(values).map(([k, v]) => `lavfi.${k}=${v}`)].join("\n")).join("\n") + "\n";
}

describe("planWindows", () => {
  it("decodes a file up to the threshold whole", () => {
    expect(planWindows(60, DEFAULT_SAMPLING)).toEqual({ sampled: false, windows: [{ start: 0, seconds: 60 }] });
  });

  it("samples a longer file in evenly spaced windows, one centred in each equal part", () => {
    const { sampled, windows } = planWindows(3600, DEFAULT_SAMPLING);
    expect(sampled).toBe(true);
    expect(windows).toHaveLength(10);
    expect(windows[0]).toEqual({ start: 178.5, seconds: 3 });
    expect(windows[9]).toEqual({ start: 3418.5, seconds: 3 });
    for (const w of windows) expect(w.start + w.seconds).toBeLessThanOrEqual(3600);
  });

  it("bounds decoding by windows × window length, however long the file", () => {
    const decoded = (d: number) => planWindows(d, DEFAULT_SAMPLING).windows.reduce((a, w) => a + w.seconds, 0);
    expect(decoded(61)).toBe(30);
    expect(decoded(36_000)).toBe(30);
  });

  it("does not sample when the windows would cover the file anyway", () => {
    expect(planWindows(20, { sampleAboveSeconds: 5, windows: 10, windowSeconds: 3 }).sampled).toBe(false);
  });
});

describe("analysisSize", () => {
  it.each([
    [3840, 2160, 640, 360],
    [1920, 1080, 640, 360],
    [1080, 1920, 360, 640],
    [1440, 1080, 554, 416],
    [640, 360, 640, 360],
    [176, 144, 176, 144],
    [175, 143, 176, 144],
  ])("%dx%d → %dx%d (scaled down, never up, even sides)", (w, h, aw, ah) => {
    expect(analysisSize(w, h)).toEqual({ width: aw, height: ah });
  });
});

describe("measureGraph and measureArgs", () => {
  it("measures on a downscaled 8-bit frame without dithering, and noise on native pixels", () => {
    const g = measureGraph(probe({ width: 3840, height: 2160, pixelFormat: "yuv420p10le", bitDepth: 10 }));
    expect(g).toContain("scale=640:360:flags=area:sws_dither=none,format=yuv420p");
    expect(g).toContain("crop=640:360,scale=sws_dither=none,format=yuv420p");
    expect(g).toContain("siti,scdet");
    expect(g).not.toContain("yadif");
  });

  it("deinterlaces an interlaced source before measuring it", () => {
    expect(measureGraph(probe({ interlaced: true, fieldOrder: "tt" }))).toMatch(/^\[0:v\]yadif/);
  });

  it("crops small sources to their own (even) size", () => {
    expect(measureGraph(probe({ width: 175, height: 143 }))).toContain("crop=174:142");
  });

  it("seeks before the input only when sampling, and never reads audio", () => {
    const whole = measureArgs("file:/x.mp4", probe(), { start: 0, seconds: 10 }, false);
    expect(whole).not.toContain("-ss");
    expect(whole).toContain("-an");
    const window = measureArgs("file:/x.mp4", probe(), { start: 12.5, seconds: 3 }, true);
    expect(window.indexOf("-ss")).toBeLessThan(window.indexOf("-i"));
    expect(window.slice(window.indexOf("-ss"), window.indexOf("-ss") + 4)).toEqual(["-ss", "12.500", "-t", "3.000"]);
  });

  it("gives big, fast sources more time", () => {
    const w = { start: 0, seconds: 60 };
    expect(measureTimeoutMs(probe({ width: 3840, height: 2160, fps: 60 }), w)).toBeGreaterThan(measureTimeoutMs(probe(), w));
  });
});

describe("parsing per-frame metadata", () => {
  it("reads frame blocks and their values, without the lavfi prefix", () => {
    const text = "frame:0    pts:0       pts_time:0\nlavfi.siti.si=115.00\nlavfi.siti.ti=0.00\nframe:1    pts:1001    pts_time:0.0333667\nlavfi.siti.si=114.5\nlavfi.blur=nan\n";
    const frames = parseFrameMetadata(text);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toEqual({ time: 0, values: { "siti.si": 115, "siti.ti": 0 } });
    expect(frames[1]!.time).toBeCloseTo(0.0333667);
    expect(frames[1]!.values.blur).toBeNaN();
  });

  it("counts a cut once per event: frames at or above the cut score, merged within half a second", () => {
    const scores = [0, 3, CUT_SCORE + 5, CUT_SCORE + 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, CUT_SCORE - 1, 2, 40];
    const frames = parseFrameMetadata(printed(scores.map((s) => ({ "scd.score": s }))));
    // frames 2 and 3 are one cut; 16 is below the score; 18 is a second cut (0.64 s after the first)
    expect(countCuts(frames)).toBe(2);
  });

  it("combines windows frame by frame: each frame counts once, whichever window it came from", () => {
    const w = (si: number[], ti: number[]) =>
      windowSeries(
        {
          frames: printed(si.map((s, i) => ({ "siti.si": s, "siti.ti": ti[i]!, "scd.score": 0 }))),
          still: printed(si.slice(1).map(() => ({ "blackframe.pblack": 100 }))),
          edges: printed([{ blur: 4 }, { blur: Number.NaN }]),
          noise: printed([{ "signalstats.YLOW": 8 }]),
        },
        25,
      );
    const f = combineSeries([w([10, 20, 30], [0, 2, 0.5]), w([40, 50], [0, 10])]);
    expect(f.siMean).toBe(30);
    expect(f.siMax).toBe(50);
    // TI of each window's first frame is not a measurement (it has no previous frame)
    expect(f.tiMean).toBe(4.167);
    expect(f.tiMax).toBe(10);
    expect(f.stillFrameShare).toBe(0.333);
    expect(f.staticPixelShare).toBe(1);
    expect(f.edgeWidth).toBe(4);
    expect(f.noiseFloor).toBe(Math.round(8 * NOISE_SIGMA_PER_LEVEL * 1000) / 1000);
    expect(f.cutsPerMinute).toBe(0);
  });

  it("has no edge width when no frame had edges", () => {
    const s = windowSeries({ frames: printed([{ "siti.si": 0 }, { "siti.si": 0 }]), still: "", edges: printed([{ blur: Number.NaN }]), noise: "" }, 25);
    expect(combineSeries([s]).edgeWidth).toBeNull();
  });

  it("measures cuts per minute of decoded video", () => {
    const frames = Array.from({ length: 250 }, (_, n) => ({ "siti.si": 1, "scd.score": n === 100 ? 30 : 0 }));
    const s = windowSeries({ frames: printed(frames), still: "", edges: "", noise: "" }, 25);
    expect(s.seconds).toBe(10);
    expect(combineSeries([s]).cutsPerMinute).toBe(6);
  });
});
