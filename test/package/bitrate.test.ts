// The bit rates BANDWIDTH and AVERAGE-BANDWIDTH are held to (and which the packager writes).
import { describe, expect, it } from "vitest";
import { segmentBitrates, targetDurationOf } from "../../src/package/check/bitrate";

describe("segmentBitrates", () => {
  it("is bytes × 8 ÷ seconds for one segment, peak and average alike", () => {
    expect(segmentBitrates([125_000], [1])).toEqual({ peak: 1_000_000, average: 1_000_000 });
  });

  it("peaks at the largest segment; averages all bits over all seconds", () => {
    const r = segmentBitrates([50_000, 25_000, 25_000], [1, 1, 1]);
    expect(r.peak).toBe(400_000);
    expect(r.average).toBeCloseTo(800_000 / 3, 6);
  });

  it("does not read a short last segment's few bytes as a burst (it is no set of its own)", () => {
    // 333 bytes over 21 ms alone would be 125 kb/s; joined to the segment before, they are a set of 1.024 s.
    const r = segmentBitrates([8572, 8420, 8382, 333], [1.002667, 1.002667, 1.002667, 0.021333], 1);
    expect(r.peak).toBeCloseTo((8572 * 8) / 1.002667, 0);
    expect(r.peak).toBeLessThan(70_000);
  });

  it("counts sets of segments whose length is 0.5 to 1.5 target durations: two half-second segments together", () => {
    const r = segmentBitrates([10_000, 30_000, 10_000], [0.5, 0.5, 0.5], 1);
    // [30k] alone (0.5 s) is 480 kb/s; [10k, 30k] and [30k, 10k] are 320 kb/s; all three 1.5 s, 267 kb/s.
    expect(r.peak).toBe(480_000);
  });

  it("falls back to the average when no set is long enough", () => {
    expect(segmentBitrates([1000], [0.2], 1)).toEqual({ peak: 40_000, average: 40_000 });
  });

  it("refuses sizes and durations of different lengths", () => {
    expect(() => segmentBitrates([1, 2], [1])).toThrow(RangeError);
  });

  it("takes the target duration the durations need when none is given", () => {
    expect(targetDurationOf([1.002, 0.4])).toBe(1);
    expect(targetDurationOf([5.6, 6.4])).toBe(6);
    expect(segmentBitrates([1000, 1000], [2, 2])).toEqual(segmentBitrates([1000, 1000], [2, 2], 2));
  });
});
