// `vps calibrate` and `--cost-model` end to end, with the real bin/vps: history → model.json →
// plans whose durations follow the fitted model; bad files exit 2 and write nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { CostModelDoc } from "../../src/cost/calibrate";
import { encodeWork } from "../../src/cost/model";
import type { Plan } from "../../src/model";
import { GOOD_WORKLOAD, planOf, ROOT, tempDir, TINY_SCENARIO, vps } from "../cli/run";
import { aContent } from "../builders";
import { GOOD_LINE, HEADER } from "./helpers";

const SLOWER = 3;

/** Runs of a farm exactly SLOWER× the shipped model on 1080p30 H.264, eight videos. */
function slowFarmHistory(): string {
  const rendition = { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 };
  const work = encodeWork({ codec: "h264", preset: "medium", bitDepth: 8, rendition, content: aContent({ duration: 10, fps: 30 }), seconds: 10 });
  const lines = Array.from({ length: 24 }, (_, i) => `ep-${i % 8},h264,medium,1920,1080,30,1920,1080,10,8,${(SLOWER * work * (1 + 0.02 * Math.sin(i))).toFixed(4)},host-${i % 3}`);
  return [`${HEADER},host`, ...lines].join("\n") + "\n";
}

const dir = tempDir({
  "history.csv": slowFarmHistory(),
  "bad.csv": `${HEADER}\na,h264,medium,1920,1080,abc,1920,1080,10,8,15\n`,
  "good.yaml": GOOD_WORKLOAD,
  "tiny.yaml": TINY_SCENARIO,
  "not-json.json": "{ model",
  "wrong.json": JSON.stringify({ schemaVersion: 1, kind: "vps-cost-model", form: "log-linear-v1", coefficients: { machine: "fast" } }),
});
const at = (name: string) => join(dir, name);

const encodeSeconds = (plan: Plan, title: string, deliverable: string) =>
  plan.tasks.filter((t) => t.title === title && t.kind === "encode" && t.deliverable === deliverable).reduce((s, t) => s + (t.end - t.start), 0);

describe("vps calibrate → model.json → vps plan --cost-model", () => {
  test("calibrate writes the model and prints it; plan's encodes take SLOWER× as long", () => {
    const cal = vps("calibrate", at("history.csv"), "-o", at("model.json"), "--json");
    expect(cal.status, cal.stderr).toBe(0);
    expect(cal.stderr).toMatch(/^vps: warning: .*history\.csv: ignoring unknown column host \(known: /);
    const doc = JSON.parse(readFileSync(at("model.json"), "utf8")) as CostModelDoc;
    expect(JSON.parse(cal.stdout)).toEqual(doc);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: "vps-cost-model", form: "log-linear-v1", training: { runs: 24, videos: 8, codecs: { h264: 24 } } });
    expect(doc.crossValidation!.perTitle.median).toBeLessThan(0.05);

    // At the planned widths: the predictive allocation picks widths from the load, which the
    // slower model changes too, and wall seconds then mix the model's factor with Amdahl's.
    const shipped = planOf(vps("plan", at("good.yaml"), "--allocation", "planned"));
    const fitted = planOf(vps("plan", at("good.yaml"), "--cost-model", at("model.json"), "--allocation", "planned"));
    for (const [title, deliverable] of [["ep-101", "h264-sdr"], ["ep-101", "hevc-sdr"], ["clip-7", "h264-sdr"]] as const) {
      const ratio = encodeSeconds(fitted, title, deliverable) / encodeSeconds(shipped, title, deliverable);
      expect(ratio, `${title} ${deliverable}`).toBeGreaterThan(SLOWER * 0.85);
      expect(ratio, `${title} ${deliverable}`).toBeLessThan(SLOWER * 1.15);
    }
  });

  test("the accuracy table for people", () => {
    const r = vps("calibrate", at("history.csv"), "--table");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/24 runs of 8 videos/);
    expect(r.stdout).toMatch(/per title \(video\)/);
    expect(r.stdout).toMatch(/batch total/);
  });
});

describe("bad input exits 2 and writes nothing", () => {
  test.each([
    ["a model file that is not JSON", "not-json.json", /not-json\.json:\d+:\d+ \(json\): expected /],
    ["a model file of the wrong shape", "wrong.json", /wrong\.json:\d+:\d+ coefficients\.machine: expected a fitted coefficient from -20 to 20, found "fast"/],
    ["a missing model file", "absent.json", /cannot read cost model .*absent\.json: no such file/],
  ])("plan with %s", (_what, file, message) => {
    const r = vps("plan", at("good.yaml"), "--cost-model", at(file), "-o", at(`plan-${file}`));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(at(`plan-${file}`))).toBe(false);
  });

  test("simulate with a bad model file writes neither the workload nor the plan", () => {
    const r = vps("simulate", "--scenario", at("tiny.yaml"), "--cost-model", at("wrong.json"), "--workload-out", at("w-out.yaml"), "-o", at("sim.json"));
    expect(r.status).toBe(2);
    expect(existsSync(at("w-out.yaml"))).toBe(false);
    expect(existsSync(at("sim.json"))).toBe(false);
  });

  test("a history with no usable row: every problem with its line, no model file", () => {
    const r = vps("calibrate", at("bad.csv"), "-o", at("bad-model.json"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\S*bad\.csv:2:\d+ fps: expected a number for fps, found "abc"$/m);
    expect(r.stderr).toMatch(/no usable runs in the history/);
    expect(existsSync(at("bad-model.json"))).toBe(false);
  });

  test("a bad row among good ones is skipped and reported; the rest is fitted", () => {
    const d = tempDir({ "h.csv": `${HEADER}\n${GOOD_LINE}\nb,h264,medium,1920,1080,30,1920,1080,10,8,-1\n` });
    const r = vps("calibrate", join(d, "h.csv"));
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/vps: skipped: .*h\.csv:3:43 seconds: expected a number above 0 to 1000000000 for seconds, found "-1"/);
    expect(JSON.parse(r.stdout)).toMatchObject({ training: { runs: 1, skippedRows: 1 }, crossValidation: null });
  });

  test("--folds must be a whole number from 2", () => {
    expect(vps("calibrate", at("history.csv"), "--folds", "1").status).toBe(2);
  });
});

const DATA = join(ROOT, "..", "shared", "data", "transcode-times");
describe.skipIf(!existsSync(join(DATA, "segments.csv")))("vps bench cost", () => {
  test("reports held-out accuracy on the transcode-times data, and allocation on the backlog scenario", () => {
    const r = vps("bench", "cost", "--json", "--repeat", "1");
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ bench: "cost", runs: 11_272, videos: 50, folds: 5, shippedDefaults: { inStep: true } });
    // Part (b) on the shipped backlog at seed 42: the bars, measured in the same run.
    expect(report.allocation.scenario).toBe("backlog");
    expect(report.allocation.fixed.map((r: { name: string }) => r.name)).toEqual(["fixed:1", "fixed:2", "fixed:4", "fixed:8", "fixed:16"]);
    expect(report.allocation.meets).toEqual({
      throughputOverNode: true,
      notBelowBestFixed: true,
      utilisation: true,
      utilisationTarget: true,
      makespanOverLowerBound: true,
    });
    for (const m of [report.accuracy.model, report.accuracy.baseline]) {
      expect(m.perVideo.median).toBeGreaterThan(0);
      expect(m.batchTotal.batches).toBe(5);
    }
    expect(vps("bench", "cost", "--data", at("no-such-dir")).status).toBe(2);
  });
});
