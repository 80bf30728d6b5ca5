// Numbers for people: durations with a chosen number of decimals, frame rates without float noise.
import { describe, expect, it } from "vitest";
import { fpsText } from "../../src/util/format";
import { formatDuration } from "../../src/util/time";

describe("formatDuration", () => {
  it.each([
    [0.3, 0, "0s"],
    [0.3, 1, "0.3s"],
    [5.35, 1, "5.4s"],
    [59.96, 1, "1m00.0s"],
    [3723.25, 1, "1h02m03.3s"],
    [-1.25, 1, "-1.3s"],
    [3723, 0, "1h02m03s"],
  ])("%s s with %i decimal(s) → %s", (seconds, decimals, text) => {
    expect(formatDuration(seconds, decimals)).toBe(text);
  });
});

describe("fpsText", () => {
  it.each([
    [24000 / 1001, "23.976"],
    [30000 / 1001, "29.97"],
    [25, "25"],
  ])("%s → %s", (fps, text) => expect(fpsText(fps)).toBe(text));
});
