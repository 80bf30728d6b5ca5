// Model files: what calibrate writes loads back as the same model; anything else is an
// InputError naming each problem, so a plan is never made from half a model.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test, vi } from "vitest";
import { calibrate, type CostModelDoc } from "../../src/cost/calibrate";
import { loadHistoryFile } from "../../src/cost/history";
import { fittedCostModel, loadCostModelFile, parseCostModelDoc } from "../../src/cost/modelFile";
import { inputErrorLines } from "../inputError";
import { formatCalibration, runCalibrate } from "../../src/cli/calibrate";
import { aContent } from "../builders";
import { GOOD_LINE, HEADER, aRun, csv } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "vps-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = Array.from({ length: 12 }, (_, i) => aRun({ video: `v${i % 4}`, seconds: 12 + i }));
const doc: CostModelDoc = calibrate(rows, { source: "runs.csv", folds: 4, seed: 3, skippedRows: 2 });

const lines = inputErrorLines;

describe("parseCostModelDoc", () => {
  test("what calibrate writes reads back unchanged", () => {
    expect(parseCostModelDoc("m.json", JSON.stringify(doc))).toEqual(doc);
  });

  test("text that is not JSON", () => {
    expect(lines(() => parseCostModelDoc("m.json", "{"))).toEqual(["m.json:1:2 (json): expected property name or '}', found the end of the file"]);
    expect(lines(() => parseCostModelDoc("m.json", '{\n  "kind": "vps-cost-model",\n  "form" "x"\n}'))).toEqual(["m.json:3:10 (json): expected valid JSON, found \"\\\"\""]);
    expect(lines(() => parseCostModelDoc("m.json", '{"kind": [1, 2,]}'))).toEqual(['m.json:1:16 (json): expected valid JSON, found "]"']);
  });

  test("each problem of a wrong document on its own line, then what to do", () => {
    const bad = { ...doc, kind: "plan", coefficients: { ...doc.coefficients, machine: "fast", smearing: { h264: 0 } } } as unknown;
    // As calibrate writes it: indented, so each problem has a line of its own.
    const text = JSON.stringify(bad, undefined, 2);
    expect(lines(() => parseCostModelDoc("m.json", text))).toEqual([
      'm.json:3:11 kind: expected "vps-cost-model", found "plan"',
      'm.json:7:16 coefficients.machine: expected a fitted coefficient from -20 to 20, found "fast"',
      "m.json:28:15 coefficients.smearing.h264: expected a smearing factor above 0, at most 1000, found 0",
      "m.json: not a vps cost model (write one with vps calibrate HISTORY -o m.json)",
    ]);
  });

  test("deep nesting is a positioned problem, not a stack overflow; a byte-order mark is fine", () => {
    const deep = JSON.stringify({ ...doc, crossValidation: null }).replace('"crossValidation":null', `"crossValidation":${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(lines(() => parseCostModelDoc("m.json", deep))).toEqual([
      expect.stringMatching(/^m\.json:1:\d+ \(json\): expected at most 100 levels of nested arrays and objects, found deeper nesting$/),
    ]);
    expect(parseCostModelDoc("m.json", `\uFEFF${JSON.stringify(doc)}`)).toEqual(doc);
  });

  test("a coefficient whose exponential would overflow is refused at its place", () => {
    const huge = JSON.stringify({ ...doc, coefficients: { ...doc.coefficients, machine: 1e308 } }, undefined, 2);
    expect(lines(() => parseCostModelDoc("m.json", huge))[0]).toBe("m.json:7:16 coefficients.machine: expected a fitted coefficient from -20 to 20, found 1e+308");
  });

  test("a missing section", () => {
    const { prior: _prior, ...rest } = doc;
    expect(lines(() => parseCostModelDoc("m.json", JSON.stringify(rest)))[0]).toBe('m.json:1:1 prior: expected a value for required key "prior", found none');
  });
});

describe("loadCostModelFile", () => {
  test("loads a file into a CostModel named after it", () => {
    writeFileSync(join(dir, "model.json"), JSON.stringify(doc));
    const model = loadCostModelFile(join(dir, "model.json"));
    const spec = { codec: "h264" as const, preset: "medium", bitDepth: 8, rendition: { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 }, content: aContent(), seconds: 60 };
    expect(model.name).toBe(join(dir, "model.json"));
    expect(model.encodeWork(spec)).toBe(fittedCostModel(doc, "x").encodeWork(spec));
  });

  test("a missing file or a directory says so", () => {
    expect(() => loadCostModelFile(join(dir, "none.json"))).toThrow(/cannot read cost model .*none\.json: no such file/);
    expect(() => loadCostModelFile(dir)).toThrow(/it is a directory, not a file/);
  });
});

describe("loadHistoryFile", () => {
  test("reads a file; a missing file or a directory is an InputError", () => {
    writeFileSync(join(dir, "h.csv"), csv(GOOD_LINE));
    expect(loadHistoryFile(join(dir, "h.csv")).rows).toHaveLength(1);
    expect(() => loadHistoryFile(join(dir, "nope.csv"))).toThrow(/cannot read history .*nope\.csv: no such file/);
    expect(() => loadHistoryFile(dir)).toThrow(/it is a directory, not a file/);
  });
});

describe("formatCalibration", () => {
  test("the accuracy and the codec levels, for people", () => {
    const text = formatCalibration(doc);
    expect(text).toMatch(/runs\.csv: 12 runs of 4 videos, 2 rows skipped; model log-linear-v1/);
    expect(text).toMatch(/4-fold cross-validation holding out whole videos \(seed 3\)/);
    expect(text).toMatch(/per title \(video\)/);
    expect(text).toMatch(/h264 .* 12 /);
  });

  test("says when there was nothing to hold out", () => {
    const one = calibrate([aRun()], { source: "one.csv", folds: 5, seed: 1, skippedRows: 0 });
    expect(one.crossValidation).toBeNull();
    expect(formatCalibration(one)).toMatch(/no cross-validation: it needs runs of at least two videos/);
  });
});

describe("runCalibrate", () => {
  function capture(f: () => void): { out: string; err: string } {
    let out = "";
    let err = "";
    const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
    const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
    try {
      f();
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    return { out, err };
  }

  test("writes the model file and prints the table; skipped rows and unknown columns on stderr", () => {
    const bad = Array.from({ length: 22 }, () => "x,h264,medium,1,1,1,1,1,1,8,-1,h");
    writeFileSync(join(dir, "runs.csv"), [`${HEADER},host`, `${GOOD_LINE},h`, `${GOOD_LINE.replace(/^a/, "b")},h`, ...bad].join("\n"));
    const { out, err } = capture(() => runCalibrate(join(dir, "runs.csv"), { table: true, output: join(dir, "out.json"), folds: 2, seed: 1 }));
    expect(out).toMatch(/2 runs of 2 videos, 22 rows skipped/);
    expect(err).toMatch(/^vps: warning: .*ignoring unknown column host/);
    expect(err.match(/vps: skipped: /g)).toHaveLength(21);
    expect(err).toMatch(/… and 2 more problems/);
    expect(JSON.parse(readFileSync(join(dir, "out.json"), "utf8"))).toMatchObject({ kind: "vps-cost-model", training: { runs: 2 } });
  });

  test("--json prints the document; with -o and no --json a pipe gets nothing", () => {
    writeFileSync(join(dir, "ok.csv"), csv(GOOD_LINE));
    expect(JSON.parse(capture(() => runCalibrate(join(dir, "ok.csv"), { json: true, folds: 5, seed: 1 })).out)).toMatchObject({ training: { runs: 1 } });
    const quiet = capture(() => runCalibrate(join(dir, "ok.csv"), { output: join(dir, "ok.json"), folds: 5, seed: 1 }));
    expect(existsSync(join(dir, "ok.json"))).toBe(true);
    if (!process.stdout.isTTY) expect(quiet.out).toBe("");
  });
});
