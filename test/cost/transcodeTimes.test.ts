// The transcode-times adapter: each operation becomes the encode it really was (see the reading
// in src/cost/transcodeTimes.ts), and the real data loads whole when it is there.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadTranscodeTimes, transcodeTimesHistory } from "../../src/cost/transcodeTimes";
import { InputError } from "../../src/util/errors";

const VIDEOS = `video,pace,category,label,specific,original_name,original_codec,original_resolution,original_bitrate_kbps,original_fps
1,Medium,Human,Daily,Show,a,H.264,1280x720,1488,30
25,Fast,Animation,,Canyon,"b, c",mpeg4,720x480,264,29.97
`;

const segments = (...rows: string[]) => ["operation,target,video,segment,mean_ms,sd_ms", ...rows].join("\n") + "\n";

describe("row mapping", () => {
  const one = (row: string) => transcodeTimesHistory(segments(row), VIDEOS)[0]!;
  const source = { sourceWidth: 1280, sourceHeight: 720, sourceFps: 30, duration: 2, bitDepth: 8, slots: 1, complexity: 0.5 };

  test.each([
    ["resolution,1080p", { codec: "mpeg2", preset: "default", width: 1920, height: 1080, fps: 30 }],
    ["resolution,360p", { codec: "mpeg2", preset: "default", width: 640, height: 360, fps: 30 }],
    ["framerate,60fps", { codec: "mpeg2", preset: "default", width: 1280, height: 720, fps: 60 }],
    ["framerate,24fps", { codec: "mpeg2", preset: "default", width: 1280, height: 720, fps: 24 }],
    ["bitrate,3400k", { codec: "mpeg2", preset: "default", width: 1280, height: 720, fps: 30 }],
    ["bitrate,2400k", { codec: "mpeg2", preset: "default", width: 1280, height: 720, fps: 30 }],
    ["codec,h264", { codec: "h264", preset: "medium", width: 1280, height: 720, fps: 30 }],
    ["codec,vp9", { codec: "vp9", preset: "1", width: 1280, height: 720, fps: 30 }],
  ])("%s: the standardised 720p30 segment in, this encode out", (op, out) => {
    expect(one(`${op},1,0,2082.2,88.9`)).toEqual({ line: 2, video: "1", contentClass: "generic", seconds: 2.0822, ...source, ...out });
  });

  test("the source is the standardised segment, whatever the upload was; Animation is class animation", () => {
    expect(one("codec,h264,25,3,7000,1")).toMatchObject({ video: "25", sourceWidth: 1280, sourceHeight: 720, sourceFps: 30, contentClass: "animation", seconds: 7 });
  });

  test.each([
    ["an unknown operation", "scale,720p,1,0,100,1", /segments\.csv:2: expected one of the operations .*, found "scale\/720p"/],
    ["a video missing from videos.csv", "codec,h264,99,0,100,1", /segments\.csv:2: video 99 is not in videos\.csv/],
    ["a time that is not one", "codec,h264,1,0,abc,1", /segments\.csv:2: expected a positive mean_ms, found "abc"/],
    ["a short row", "codec,h264,1", /segments\.csv:2: expected 6 fields, found 3/],
  ])("%s is an InputError with its line", (_what, row, message) => {
    expect(() => transcodeTimesHistory(segments(row), VIDEOS)).toThrow(InputError);
    expect(() => transcodeTimesHistory(segments(row), VIDEOS)).toThrow(message);
  });

  test("a missing data folder says what it expected", () => {
    expect(() => loadTranscodeTimes("/no/such/dir")).toThrow(/expected the transcode-times data \(segments\.csv and videos\.csv\)/);
  });
});

const DATA = fileURLToPath(new URL("../../../shared/data/transcode-times", import.meta.url));

describe.skipIf(!existsSync(DATA))("the real data", () => {
  test("11,272 runs of 50 videos: 1,409 per operation and target", () => {
    const rows = loadTranscodeTimes(DATA);
    expect(rows).toHaveLength(11_272);
    expect(new Set(rows.map((r) => r.video)).size).toBe(50);
    const per = (codec: string) => rows.filter((r) => r.codec === codec).length;
    expect([per("h264"), per("vp9"), per("mpeg2")]).toEqual([1409, 1409, 6 * 1409]);
  });
});
