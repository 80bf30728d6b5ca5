// The history format `vps calibrate` reads: good rows in CSV and NDJSON, every kind of bad row
// reported with its line, unknown columns warned about once, and never a crash on any text.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { detectFormat, parseHistory } from "../../src/cost/history";
import { InputError } from "../../src/util/errors";
import { inputErrorLines } from "../inputError";
import { GOOD_LINE, HEADER, aRun, csv } from "./helpers";

const runs = (n: number) => n * Number(process.env.VPS_PROPERTY_RUNS ?? 1);

/** The lines of the InputError `f` throws (fails when it throws anything else or nothing). */
const rejection = inputErrorLines;

describe("good rows", () => {
  test("CSV: every column read, optional ones defaulted", () => {
    const h = parseHistory("h.csv", csv(GOOD_LINE));
    expect(h.rows).toEqual([aRun({ video: "a", line: 2 })]);
    expect(h.problems).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  test("CSV: optional columns, any order, names in any case or snake_case", () => {
    const text = "Seconds,video,codec,preset,width,height,fps,source_width,SOURCE-HEIGHT,sourceFps,duration,bit_depth,complexity,contentClass,slots\n" + '40,"ep 1",HEVC,slow,3840,2160,24,3840,2160,24,60,10,0.8,film-grain,4\n';
    expect(parseHistory("h.csv", text).rows).toEqual([
      aRun({ seconds: 40, video: "ep 1", codec: "hevc", preset: "slow", width: 3840, height: 2160, fps: 24, sourceWidth: 3840, sourceHeight: 2160, sourceFps: 24, duration: 60, bitDepth: 10, complexity: 0.8, contentClass: "film-grain", slots: 4 }),
    ]);
  });

  test("NDJSON: numbers or numeric strings, blank lines skipped, line numbers kept", () => {
    const row = { video: 7, codec: "av1", preset: 6, width: 1280, height: 720, fps: "29.97", sourceWidth: 1920, sourceHeight: 1080, duration: 2, bitDepth: 8, seconds: 3.5 };
    const h = parseHistory("h.ndjson", `\n${JSON.stringify(row)}\n`);
    expect(h.rows).toEqual([aRun({ line: 2, video: "7", codec: "av1", preset: "6", width: 1280, height: 720, fps: 29.97, sourceFps: 29.97, duration: 2, seconds: 3.5 })]);
  });

  test("the format comes from the extension, else from the content", () => {
    expect(detectFormat("runs.CSV", "{")).toBe("csv");
    expect(detectFormat("runs.jsonl", "video,codec")).toBe("ndjson");
    expect(detectFormat("runs.log", '  {"video":1}')).toBe("ndjson");
    expect(detectFormat("runs.log", "video,codec")).toBe("csv");
    expect(parseHistory("history", JSON.stringify({ ...aRun(), line: undefined }) + "\n").rows).toHaveLength(1);
  });
});

describe("bad rows are skipped and reported with their line", () => {
  const cases: [string, string, string][] = [
    ["a number that is not one", "a,h264,medium,1920,1080,abc,1920,1080,10,8,15", 'h.csv:3:25 fps: expected a number for fps, found "abc"'],
    ["a missing value", "a,h264,medium,1920,1080,30,1920,1080,10,8,", "h.csv:3:43 seconds: expected a number for seconds, found nothing"],
    ["zero seconds", "a,h264,medium,1920,1080,30,1920,1080,10,8,0", 'h.csv:3:43 seconds: expected a number above 0 to 1000000000 for seconds, found "0"'],
    ["a fractional width", "a,h264,medium,1920.5,1080,30,1920,1080,10,8,15", 'h.csv:3:15 width: expected a whole number from 1 to 65536 for width, found "1920.5"'],
    ["a hex number", "a,h264,medium,1920,1080,0x1e,1920,1080,10,8,15", 'h.csv:3:25 fps: expected a number for fps, found "0x1e"'],
    ["a codec with a space", "a,h 264,medium,1920,1080,30,1920,1080,10,8,15", 'h.csv:3:3 codec: expected a codec name (h264, hevc, av1, vp9, …) for codec, found "h 264"'],
    ["no video id", ",h264,medium,1920,1080,30,1920,1080,10,8,15", "h.csv:3:1 video: expected a video or title id for video, found nothing"],
    ["too few fields", "a,h264,medium,1920,1080,30", "h.csv:3:1 (row): expected 11 fields (as in the header), found 6"],
    ["an unclosed quote", 'a,"h264,medium,1920,1080,30,1920,1080,10,8,15', "h.csv:3:3 (row): expected the quoted field opened here to close, found the end of the file"],
  ];
  test.each(cases)("%s", (_what, line, message) => {
    const h = parseHistory("h.csv", csv(GOOD_LINE, line));
    expect(h.rows).toHaveLength(1);
    expect(h.problems).toEqual([message]);
  });

  test("every problem of a row is reported, each on its own line", () => {
    const h = parseHistory("h.csv", csv(GOOD_LINE, "a,h264,medium,-5,1080,30,1920,1080,ten,8,15"));
    expect(h.problems).toEqual(['h.csv:3:15 width: expected a whole number from 1 to 65536 for width, found "-5"', 'h.csv:3:36 duration: expected a number for duration, found "ten"']);
  });

  test("optional columns are checked when given", () => {
    const text = `${HEADER},complexity,contentClass,slots\n${GOOD_LINE},1.5,cartoon,0\n${GOOD_LINE},,,\n`;
    const h = parseHistory("h.csv", text);
    expect(h.rows).toEqual([aRun({ video: "a", line: 3 })]);
    expect(h.problems).toEqual([
      'h.csv:2:46 complexity: expected a number from 0 to 1 for complexity, found "1.5"',
      expect.stringMatching(/^h\.csv:2:50 contentClass: expected one of animation, .* for contentClass, found "cartoon"$/),
      'h.csv:2:58 slots: expected a whole number from 1 to 4096 for slots, found "0"',
    ]);
  });

  test("NDJSON: a line that is not an object, a wrong type, a missing key", () => {
    const good = JSON.stringify({ ...aRun(), line: undefined });
    // Each problem is at its key: where `"fps"` stands in the line (every line has the keys in the same order).
    const keyCol = (key: string) => good.indexOf(`"${key}"`) + 1;
    const text = [good, "[1,2]", "{oops", JSON.stringify({ ...aRun(), line: undefined, fps: "abc" }), JSON.stringify({ ...aRun(), line: undefined, seconds: undefined }), JSON.stringify({ ...aRun(), line: undefined, codec: { x: 1 } })].join("\n");
    expect(parseHistory("h.ndjson", text).problems).toEqual([
      'h.ndjson:2:1 (line): expected one JSON object per line, found "[1,2]"',
      'h.ndjson:3:1 (line): expected one JSON object per line, found "{oops"',
      `h.ndjson:4:${keyCol("fps")} fps: expected a number for fps, found "abc"`,
      "h.ndjson:5:1 seconds: expected a number for seconds, found nothing",
      `h.ndjson:6:${keyCol("codec")} codec: expected a codec name (h264, hevc, av1, vp9, …) for codec, found "{\\"x\\":1}"`,
    ]);
  });
});

describe("columns", () => {
  test("unknown columns are ignored with one warning naming them all", () => {
    const h = parseHistory("h.csv", `${HEADER},host,notes\n${GOOD_LINE},n1,x\n${GOOD_LINE},n2,y\n`);
    expect(h.rows).toHaveLength(2);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^h\.csv: ignoring unknown columns host, notes \(known: video, codec, /);
  });

  test("NDJSON: unknown keys across lines make one warning", () => {
    const row = (extra: object) => JSON.stringify({ ...aRun(), line: undefined, ...extra });
    const h = parseHistory("h.ndjson", [row({ host: "a" }), row({ gpu: true }), row({ host: "b" })].join("\n"));
    expect(h.warnings).toEqual([expect.stringMatching(/^h\.ndjson: ignoring unknown columns gpu, host \(known:/)]);
  });

  test("a header without a required column rejects the file at line 1", () => {
    expect(rejection(() => parseHistory("h.csv", "video,codec\na,h264\n"))).toEqual([
      'h.csv:1:1 (header): expected the header to name columns preset, width, height, fps, sourceWidth, sourceHeight, duration, bitDepth, seconds, found "video,codec"',
    ]);
  });

  test("a column named twice rejects the file", () => {
    expect(rejection(() => parseHistory("h.csv", `${HEADER},FPS\n`))).toEqual([`h.csv:1:${HEADER.length + 2} fps: expected each column once in the header, found fps again`]);
  });
});

describe("nothing usable is an InputError", () => {
  test.each([
    ["an empty file", "h.csv", ""],
    ["only a header", "h.csv", `${HEADER}\n`],
    ["blank NDJSON", "h.ndjson", "\n\n"],
  ])("%s", (_what, file, text) => {
    expect(rejection(() => parseHistory(file, text))).toEqual([
      `${file}:1:1 (file): expected at least one run (a CSV row after the header, or a JSON line), found none`,
      `${file}: no usable runs in the history: the file has no rows`,
    ]);
  });

  test("all rows bad: every problem, then the verdict", () => {
    expect(rejection(() => parseHistory("h.csv", csv("a,h264,medium,1920,1080,abc,1920,1080,10,8,15", "b")))).toEqual([
      'h.csv:2:25 fps: expected a number for fps, found "abc"',
      "h.csv:3:1 (row): expected 11 fields (as in the header), found 1",
      "h.csv: no usable runs in the history: every row was rejected (2 problems)",
    ]);
  });
});

describe("never crashes", () => {
  const accept = (file: string, text: string): boolean => {
    try {
      const h = parseHistory(file, text);
      return h.rows.length > 0 && h.rows.every((r) => [r.width, r.height, r.fps, r.duration, r.seconds, r.slots].every((x) => Number.isFinite(x) && x > 0));
    } catch (e) {
      return e instanceof InputError;
    }
  };

  test("arbitrary text gives rows or an InputError, as CSV or NDJSON", () => {
    fc.assert(
      fc.property(fc.constantFrom("h.csv", "h.ndjson", "h"), fc.string({ unit: "binary", maxLength: 400 }), (file, text) => accept(file, text)),
      { numRuns: runs(300) },
    );
  });

  test("history-shaped text (a header, then mangled rows) too", () => {
    const cell = fc.oneof(fc.constantFrom("1", "0", "-1", "1e309", "NaN", "", '"', '""', "h264", "medium", "\n", ",", "1920", "0.5", "animation"), fc.string({ maxLength: 6 }));
    const line = fc.array(cell, { minLength: 0, maxLength: 14 }).map((cells) => cells.join(","));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, crlf) => accept("h.csv", [HEADER, ...lines].join(crlf ? "\r\n" : "\n"))),
      { numRuns: runs(300) },
    );
  });

  test("JSON-shaped lines too", () => {
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.double(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }));
    const key = fc.constantFrom("video", "codec", "preset", "width", "height", "fps", "sourceWidth", "sourceHeight", "duration", "bitDepth", "seconds", "slots", "complexity", "contentClass", "x", "__proto__", "constructor");
    const obj = fc.dictionary(key, value, { maxKeys: 16 }).map((o) => JSON.stringify(o));
    fc.assert(
      fc.property(fc.array(fc.oneof(obj, fc.string({ maxLength: 20 })), { maxLength: 6 }), (lines) => accept("h.ndjson", lines.join("\n"))),
      { numRuns: runs(300) },
    );
  });
});
