// Reading ffprobe's description of a file: pure parsing on fixtures, then a few real ffprobe runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ToolRunner } from "../../src/util/proc/runner";
import { localTools } from "../../src/util/proc/runner";
import { ToolNotFound } from "../../src/util/proc/tool";
import { bitDepthOf, describeProbe, hdrOf, irregularTimestamps, parseRate, parseTimestamps, probeFile } from "../../src/content/probe";
import { ExternalError, InputError } from "../../src/util/errors";
import { MEDIA } from "./media";

const video = (over: Record<string, unknown> = {}) => ({
  codec_type: "video",
  codec_name: "h264",
  width: 1920,
  height: 1080,
  pix_fmt: "yuv420p",
  r_frame_rate: "25/1",
  avg_frame_rate: "25/1",
  field_order: "progressive",
  ...over,
});
const probeOf = (streams: unknown[], duration = "10.0") => describeProbe("clip.mp4", { streams: streams as never, format: { duration, format_name: "mov,mp4" } });

describe("parsing ffprobe fields", () => {
  it.each([
    ["30000/1001", 30000 / 1001],
    ["25/1", 25],
    ["0/0", null],
    ["", null],
    [undefined, null],
  ])("rate %s", (text, rate) => expect(parseRate(text)).toBe(rate));

  it.each([
    ["yuv420p", undefined, 8],
    ["yuv420p", "8", 8],
    ["yuv420p10le", undefined, 10],
    ["yuv422p10le", "10", 10],
    ["p010le", undefined, 10],
    ["gbrp12le", undefined, 12],
    ["rgb48le", undefined, 16],
    ["nv12", undefined, 8],
  ])("bit depth of %s (raw %s) is %d", (fmt, raw, bits) => expect(bitDepthOf(fmt, raw)).toBe(bits));

  it.each([
    ["smpte2084", "pq"],
    ["arib-std-b67", "hlg"],
    ["bt709", "sdr"],
    [undefined, "sdr"],
  ] as const)("transfer %s is %s", (t, hdr) => expect(hdrOf(t)).toBe(hdr));

  it("sees steady timestamps (in any order, as B-frames come) as a constant rate", () => {
    const pts = Array.from({ length: 60 }, (_, i) => i * 0.04);
    expect(irregularTimestamps([...pts].reverse())).toBe(false);
  });

  it("sees alternating gaps, or gaps that change mid-stream, as a variable rate", () => {
    let t = 0;
    const alternating = Array.from({ length: 60 }, (_, i) => (t += i % 2 === 0 ? 0.04 : 0.08));
    expect(irregularTimestamps(alternating)).toBe(true);
    const halved = [...Array.from({ length: 30 }, (_, i) => i / 30), ...Array.from({ length: 30 }, (_, i) => 1 + i / 15)];
    expect(irregularTimestamps(halved)).toBe(true);
  });

  it("forgives one dropped frame, and does not judge from too few packets", () => {
    const oneGap = Array.from({ length: 60 }, (_, i) => (i < 30 ? i : i + 1) * 0.04);
    expect(irregularTimestamps(oneGap)).toBe(false);
    expect(irregularTimestamps([0, 0.1, 0.5])).toBe(false);
  });

  it("reads ffprobe's csv timestamps, skipping N/A", () => {
    expect(parseTimestamps("0.000000\nN/A\n0.040000,\n")).toEqual([0, 0.04]);
  });
});

describe("describeProbe", () => {
  it("describes the first video stream and the first audio stream", () => {
    const p = probeOf([
      video({ color_transfer: "smpte2084", color_primaries: "bt2020", pix_fmt: "yuv420p10le" }),
      { codec_type: "audio", codec_name: "aac", channels: 6, sample_rate: "48000" },
      { codec_type: "audio", codec_name: "ac3", channels: 2 },
    ]);
    expect(p).toMatchObject({ codec: "h264", width: 1920, height: 1080, fps: 25, bitDepth: 10, hdr: "pq", colorPrimaries: "bt2020", interlaced: false, variableFrameRate: false });
    expect(p.audio).toEqual({ codec: "aac", channels: 6, sampleRate: 48000, streams: 2 });
  });

  it("flags interlacing from the field order", () => {
    expect(probeOf([video({ field_order: "tt" })]).interlaced).toBe(true);
    expect(probeOf([video({ field_order: "unknown" })]).interlaced).toBe(false);
  });

  it("flags a variable frame rate when base and average rates differ materially", () => {
    expect(probeOf([video({ r_frame_rate: "60/1", avg_frame_rate: "2997/100" })]).variableFrameRate).toBe(true);
    expect(probeOf([video({ r_frame_rate: "30000/1001", avg_frame_rate: "2997/100" })]).variableFrameRate).toBe(false);
  });

  it("does not take an interlaced stream's field rate for a variable frame rate", () => {
    expect(probeOf([video({ field_order: "tt", r_frame_rate: "50/1", avg_frame_rate: "25/1" })]).variableFrameRate).toBe(false);
  });

  it("reads the display rotation of phone videos", () => {
    expect(probeOf([video({ side_data_list: [{ rotation: -90 }] })]).rotation).toBe(270);
    expect(probeOf([video({ tags: { rotate: "90" } })]).rotation).toBe(90);
  });

  it("rejects a file without a video stream, naming what it has", () => {
    expect(() => probeOf([{ codec_type: "audio", codec_name: "mp3" }])).toThrow(new InputError("clip.mp4: no video stream (ffprobe found audio mp3)"));
    expect(() => probeOf([])).toThrow(/no video stream \(ffprobe found no streams\)/);
  });

  it("does not take cover art for a video stream", () => {
    expect(() => probeOf([{ codec_type: "audio", codec_name: "mp3" }, video({ codec_name: "mjpeg", disposition: { attached_pic: 1 } })])).toThrow(/no video stream/);
  });

  it("rejects a stream without duration, size or frame rate", () => {
    expect(() => probeOf([video()], "N/A")).toThrow(/no duration/);
    expect(() => probeOf([video({ width: 0 })])).toThrow(/no frame size/);
    expect(() => probeOf([video({ r_frame_rate: "0/0", avg_frame_rate: "0/0" })])).toThrow(/no frame rate/);
  });
});

describe("probeFile with the real ffprobe", () => {
  const dir = mkdtempSync(join(tmpdir(), "vps-probe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("describes a shared clip", async () => {
    const p = await probeFile("carphone", MEDIA.talkinghead, localTools);
    expect(p).toMatchObject({ codec: "h264", width: 176, height: 144, bitDepth: 8, hdr: "sdr", interlaced: false, variableFrameRate: false, audio: null });
    expect(p.fps).toBeCloseTo(29.97, 2);
  });

  it("rejects a text file named .mp4 as an input error that names the file and what ffprobe said", async () => {
    const fake = join(dir, "notes.mp4");
    writeFileSync(fake, "these are my notes, not a video\n");
    const e = (await probeFile("notes.mp4", fake, localTools).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("notes.mp4: not a readable media file (ffprobe: Invalid data found when processing input)");
  });

  it("reports ffprobe itself failing to run as an external error", async () => {
    const missing: ToolRunner = () => Promise.reject(new ToolNotFound("ffprobe"));
    await expect(probeFile("carphone", MEDIA.talkinghead, missing)).rejects.toBeInstanceOf(ExternalError);
  });
});
