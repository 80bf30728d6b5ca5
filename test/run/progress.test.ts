// ffmpeg's -progress blocks, parsed without a process.
import { describe, expect, it } from "vitest";
import { ProgressParser, withProgressArgs } from "../../src/run/progress";

// A block as ffmpeg 5.1 prints it (out_time_ms is microseconds, like out_time_us).
const BLOCK = "frame=10\nfps=6.26\nstream_0_0_q=-1.0\nbitrate= 125.8kbits/s\ntotal_size=11010\nout_time_us=700098\nout_time_ms=700098\nout_time=00:00:00.700098\ndup_frames=0\ndrop_frames=0\nspeed=0.438x\nprogress=end\n";

describe("withProgressArgs", () => {
  it("puts the progress options just before the output file", () => {
    expect(withProgressArgs(["-i", "in.mkv", "-f", "mp4", "out.mp4"])).toEqual(["-i", "in.mkv", "-f", "mp4", "-progress", "pipe:1", "-nostats", "out.mp4"]);
  });
});

describe("ProgressParser", () => {
  it("reads a block's frame, fps, time and speed", () => {
    expect(new ProgressParser().push(BLOCK)).toEqual([{ frame: 10, fps: 6.26, outTimeSeconds: 0.700098, speed: 0.438, end: true }]);
  });

  it("holds a line split across chunks until its newline arrives", () => {
    const p = new ProgressParser();
    const cut = BLOCK.indexOf("out_time_us=70") + 14;
    expect(p.push(BLOCK.slice(0, cut))).toEqual([]);
    expect(p.push(BLOCK.slice(cut))[0]?.outTimeSeconds).toBeCloseTo(0.700098, 6);
  });

  it("reads N/A as unknown and falls back to out_time_ms (also microseconds)", () => {
    const [b] = new ProgressParser().push("frame=0\nfps=0.00\nout_time_ms=2500000\nspeed=N/A\nprogress=continue\n");
    expect(b).toEqual({ frame: 0, fps: 0, outTimeSeconds: 2.5, speed: null, end: false });
    const [early] = new ProgressParser().push("out_time_us=N/A\nout_time_ms=N/A\nprogress=continue\n");
    expect(early?.outTimeSeconds).toBeNull();
  });

  it("gives each block its own fields", () => {
    const blocks = new ProgressParser().push("frame=1\nprogress=continue\nspeed=2x\nprogress=continue\n");
    expect(blocks.map((b) => [b.frame, b.speed])).toEqual([[1, null], [null, 2]]);
  });
});
