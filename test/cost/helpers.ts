// Builders for cost tests: a history row with defaults (1080p30 H.264 medium, 10 s of video),
// and the header and CSV text of a history, so each test writes only what it is about.
import type { HistoryRow } from "../../src/cost/historyFields";

export function aRun(overrides: Partial<HistoryRow> = {}): HistoryRow {
  return {
    line: 2,
    video: "v1",
    codec: "h264",
    preset: "medium",
    width: 1920,
    height: 1080,
    fps: 30,
    sourceWidth: 1920,
    sourceHeight: 1080,
    sourceFps: 30,
    duration: 10,
    bitDepth: 8,
    complexity: 0.5,
    contentClass: "generic",
    slots: 1,
    seconds: 15,
    ...overrides,
  };
}

export const HEADER = "video,codec,preset,width,height,fps,sourceWidth,sourceHeight,duration,bitDepth,seconds";

/** A CSV history: the header, then one line per row (`a,h264,medium,…`). */
export const csv = (...lines: string[]): string => [HEADER, ...lines].join("\n") + "\n";

export const GOOD_LINE = "a,h264,medium,1920,1080,30,1920,1080,10,8,15";
