// The trial grid, the ffmpeg argument lists and the parsing of ffmpeg's summaries: pure.
import { describe, expect, it } from "vitest";
import { APPLE_HLS_H264, fixedLadderFor, summarise, type ClipResult } from "../../src/bench/recipes";
import { containerOverheadBytes, encoderArgs, excerptArgs, measureArgs, rungArgs, trialArgs } from "../../src/ladder/ffmpegArgs";
import { crfLevels, excerptOf, trialGrid, trialSizes } from "../../src/ladder/grid";
import { MAX_PSNR, parseFrameCount, parseQuality } from "../../src/ladder/parse";
import { syntheticArgs, SYNTHETIC } from "../../src/ladder/sources";
import { InputError } from "../../src/util/errors";

const x264 = { encoder: "libx264", preset: "medium", settings: { tune: "animation", "aq-mode": 1, "psy-rd": "0.4,0.0", deblock: "1,1" }, bitDepth: 8 };

describe("trial grid", () => {
  it.each([
    [1920, 1080, [1080, 720, 540, 360, 270]],
    [1280, 720, [720, 480, 360, 240, 180]],
    [640, 360, [360, 240, 180]],
    [176, 144, [144]],
    [1080, 1920, [1920, 1280, 960, 640, 480]],
  ])("%dx%d → heights %j (never above the source, never below 180 unless the source is)", (w, h, heights) => {
    expect(trialSizes({ width: w, height: h }).map((s) => s.height)).toEqual(heights);
  });

  it("keeps the aspect with even sides", () => {
    expect(trialSizes({ width: 1280, height: 720 })[1]).toEqual({ width: 854, height: 480 });
    for (const s of trialSizes({ width: 1998, height: 1080 }).slice(1)) expect([s.width % 2, s.height % 2]).toEqual([0, 0]);
  });

  it("crosses every size with the encoder's quality levels", () => {
    const grid = trialGrid({ width: 1280, height: 720 }, "libx264");
    expect(grid).toHaveLength(25);
    expect(grid[0]).toEqual({ width: 1280, height: 720, crf: 19 });
    expect(() => crfLevels("libfoo")).toThrow(InputError);
  });

  it("cuts a centred excerpt, or the whole of a short file", () => {
    expect(excerptOf(60, 4)).toEqual({ start: 28, seconds: 4 });
    expect(excerptOf(3, 4)).toEqual({ start: 0, seconds: 3 });
  });
});

describe("ffmpeg arguments", () => {
  const size = { width: 854, height: 480 };
  const source = { width: 1280, height: 720 };

  it("passes the recipe's settings in the encoder's own syntax, tune as ffmpeg's option, one thread", () => {
    expect(encoderArgs(x264)).toEqual(["-c:v", "libx264", "-preset", "medium", "-tune", "animation", "-x264-params", "aq-mode=1:psy-rd=0.4,0.0:deblock=1,1", "-threads", "1"]);
    // ffmpeg's -threads 1 also holds the scale filter to one thread (the encoder's bits are the same).
    expect(encoderArgs({ encoder: "libsvtav1", preset: "6", settings: { tune: 0, scd: 1 }, bitDepth: 10 })).toEqual(["-c:v", "libsvtav1", "-preset", "6", "-svtav1-params", "tune=0:scd=1:lp=1", "-threads", "1"]);
  });

  it("takes each encoder's one-slot threading and preset from the encoders' table", () => {
    const x265 = encoderArgs({ encoder: "libx265", preset: "slow", settings: { tune: "grain", "aq-mode": 1 }, bitDepth: 8 });
    expect(x265).toEqual(["-c:v", "libx265", "-preset", "slow", "-tune", "grain", "-x265-params", "aq-mode=1:frame-threads=1:pools=none:log-level=error", "-threads", "1"]);
    // libvpx-vp9: cpu-used as the preset, the recipe's options in its order, one thread (row-mt is
    // moot on one thread: the recipe's value stands).
    const vp9 = encoderArgs({ encoder: "libvpx-vp9", preset: "4", settings: { "row-mt": 1, "tile-columns": 2 }, bitDepth: 8 });
    expect(vp9).toEqual(["-c:v", "libvpx-vp9", "-deadline", "good", "-cpu-used", "4", "-row-mt", "1", "-tile-columns", "2", "-threads", "1"]);
    expect(() => encoderArgs({ encoder: "libfoo", preset: "1", settings: {}, bitDepth: 8 })).toThrow(/libfoo/);
  });

  it("encodes a trial at constant quality to an elementary stream without SEI", () => {
    const a = trialArgs({ excerpt: "/t/ex.nut", size, source, encoder: x264, crf: 25, output: "/t/o.bin" });
    expect(a.join(" ")).toContain("-vf scale=854:480:flags=bicubic,format=yuv420p");
    expect(a.join(" ")).toContain("-crf 25 -bsf:v filter_units=remove_types=6 -f h264 /t/o.bin");
  });

  it("does not scale a trial at the source's size", () => {
    const a = trialArgs({ excerpt: "/t/ex.nut", size: source, source, encoder: x264, crf: 25, output: "/t/o.bin" });
    expect(a).toContain("format=yuv420p");
  });

  it("encodes a rung in two passes at its bitrate", () => {
    const [p1, p2] = rungArgs({ excerpt: "/t/ex.nut", size, source, encoder: x264, kbps: 730, passLog: "/t/r", output: "/t/r.bin" });
    expect(p1!.join(" ")).toContain("-b:v 730k -pass 1 -passlogfile /t/r -f null -");
    expect(p2!.join(" ")).toContain("-b:v 730k -pass 2 -passlogfile /t/r -bsf:v filter_units=remove_types=6 -f h264 /t/r.bin");
  });

  it("measures PSNR and SSIM at the source's size", () => {
    const a = measureArgs({ encoded: "/t/o.bin", excerpt: "/t/ex.nut", source, bitDepth: 8, ssim: true });
    expect(a[a.indexOf("-filter_complex") + 1]).toBe("[0:v]scale=1280:720:flags=bicubic,format=yuv420p[d];[1:v]format=yuv420p,split[r1][r2];[d][r1]psnr[d2];[d2][r2]ssim");
    expect(a).toContain("info");
    const b = measureArgs({ encoded: "/t/o.bin", excerpt: "/t/ex.nut", source, bitDepth: 8, ssim: false });
    expect(b[b.indexOf("-filter_complex") + 1]).toBe("[0:v]scale=1280:720:flags=bicubic,format=yuv420p[d];[1:v]format=yuv420p[r];[d][r]psnr");
  });

  it("cuts the excerpt with a fast seek, deinterlacing when needed, raw or FFV1", () => {
    const a = excerptArgs({ input: "file:/m/a.mp4", excerpt: { start: 28, seconds: 4 }, interlaced: true, bitDepth: 10, raw: false, output: "/t/ex.nut" });
    expect(a.join(" ")).toContain("-ss 28.000 -t 4.000 -noautorotate -i file:/m/a.mp4");
    expect(a.join(" ")).toContain("yadif=mode=send_frame:deint=all,format=yuv420p10le -c:v ffv1 -level 3 -threads 2 -slices 4 -f nut");
  });

  it("counts IVF's container bytes, none for elementary streams", () => {
    expect(containerOverheadBytes("libx264", 100)).toBe(0);
    expect(containerOverheadBytes("libsvtav1", 100)).toBe(32 + 1200);
  });

  it("generates each synthetic source as lossless FFV1 of the asked length", () => {
    for (const s of SYNTHETIC) {
      const a = syntheticArgs(s, 5, "/media", "/t/s.mkv");
      expect(a.join(" ")).toContain("-t 5.000 -an -pix_fmt yuv420p -c:v ffv1");
    }
  });
});

describe("parsing ffmpeg's summaries", () => {
  const stderr = [
    "Input #0, h264, from '/t/o.bin':",
    "[Parsed_ssim_5 @ 0x55] SSIM Y:0.918724 (10.900361) U:0.955516 (13.517999) V:0.976628 (16.313089) All:0.934507 (11.838023)",
    "[Parsed_psnr_4 @ 0x55] PSNR y:34.497127 u:40.644602 v:44.292605 average:35.896120 min:35.118469 max:36.748929",
  ].join("\n");

  it("reads luma PSNR and SSIM", () => {
    expect(parseQuality(stderr)).toEqual({ psnr: 34.497127, ssim: 0.918724 });
  });

  it("maps a lossless encode's inf to MAX_PSNR, and a missing summary to null", () => {
    expect(parseQuality("PSNR y:inf u:inf v:inf average:inf\nSSIM Y:1.000000 (inf)")).toEqual({ psnr: MAX_PSNR, ssim: 1 });
    expect(parseQuality("PSNR y:30.1 u:40")).toBeNull();
    expect(parseQuality("PSNR y:30.1 u:40", false)).toEqual({ psnr: 30.1, ssim: null });
  });

  it("reads ffprobe's packet count", () => {
    expect(parseFrameCount("100\n")).toBe(100);
    expect(parseFrameCount("N/A")).toBeNull();
  });
});

describe("the fixed ladder of bench recipes", () => {
  it("is Apple's list with rungs taller than the source dropped", () => {
    expect(fixedLadderFor({ width: 1920, height: 1080 })).toEqual(APPLE_HLS_H264);
    expect(fixedLadderFor({ width: 1280, height: 720 }).map((r) => `${r.width}x${r.height}@${r.kbps}`)).toEqual([
      "416x234@145", "640x360@365", "768x432@730", "768x432@1100", "960x540@2000", "1280x720@3000", "1280x720@4500",
    ]);
    expect(fixedLadderFor({ width: 640, height: 360 })).toHaveLength(2);
    expect(fixedLadderFor({ width: 176, height: 144 })).toEqual([]);
  });

  it("takes the source's aspect for a source that is not 16:9", () => {
    expect(fixedLadderFor({ width: 960, height: 720 })[0]).toMatchObject({ width: 312, height: 234 });
  });

  it("summarises the mean over comparable clips and judges the bars", () => {
    const clip = (bdRate: number | null, modelBdRate: number | null = null) => ({ bdRate, modelBdRate }) as ClipResult;
    const s = summarise([clip(-0.3, -0.1), clip(-0.2, 0.05), clip(null)]);
    expect(s).toMatchObject({ clipsCompared: 2, clipsNotComparable: 1, meanBdRate: -0.25, worstBdRate: -0.2, meets: { mean: true, meanTarget: false, worstClip: true } });
    // The model-predicted ladders are summarised apart: they are what planning gets without trials.
    expect(s.model).toEqual({ clips: 2, meanBdRate: -0.025, worstBdRate: 0.05 });
  });
});
