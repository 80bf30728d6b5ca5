// Every kind of input file vps reads: a valid seed text to mutate, how it is written (YAML, JSON,
// NDJSON, CSV), the loader that reads it in-process, and the `vps` command that reads it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { calibrate } from "../../src/cost/calibrate";
import { parseHistory } from "../../src/cost/history";
import { parseCostModelDoc } from "../../src/cost/modelFile";
import { parseRqModelText } from "../../src/cli/ladders";
import { parsePlanText } from "../../src/cli/verify";
import { loadEventsText } from "../../src/load/analytics";
import { loadRecipeText } from "../../src/load/recipes";
import { loadWorkloadText } from "../../src/load/workload";
import { buildPlan } from "../../src/plan/build";
import { loadScenarioText } from "../../src/scenario/load";
import { GOOD_WORKLOAD, ROOT, TINY_SCENARIO } from "../cli/run";
import { aRun } from "../cost/helpers";
import { RECIPES_DIR, shippedBook } from "../load/helpers";

export type Format = "yaml" | "json" | "ndjson" | "csv";

export interface Kind {
  name: string;
  format: Format;
  ext: string;
  seed: string;
  /** Reads the text as vps does; returns whatever the loader returns, throws what it throws. */
  load: (file: string, text: string) => unknown;
  /** The command line that reads `file` (the fuzzed input); `dir` holds the other files it needs. */
  argv: (file: string, dir: string) => string[];
}

const EPOCH_MS = Date.parse("2026-11-24T00:00:00Z");

const EVENTS = [
  { at: "+5m", title: "ep-101", views: 10 },
  { at: "+40m", title: "clip-7", views: 1200, expectedViews: 20000 },
  { at: 3600, title: "clip-7", views: 9800, subscribers: 5, revenuePerView: 0.001 },
]
  .map((e) => JSON.stringify(e))
  .join("\n");

const HISTORY_ROWS = Array.from({ length: 12 }, (_, i) => aRun({ video: `v${i % 6}`, seconds: 12 + i, width: i % 2 ? 1280 : 1920, height: i % 2 ? 720 : 1080 }));
const COLUMNS = ["video", "codec", "preset", "width", "height", "fps", "sourceWidth", "sourceHeight", "duration", "bitDepth", "complexity", "seconds"] as const;
const HISTORY_CSV = [COLUMNS.join(","), ...HISTORY_ROWS.map((r) => COLUMNS.map((c) => String(r[c])).join(","))].join("\n") + "\n";
const HISTORY_NDJSON = HISTORY_ROWS.map((r) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, r[c]])))).join("\n") + "\n";

function planSeed(): string {
  const workload = loadWorkloadText("w.yaml", GOOD_WORKLOAD, shippedBook());
  return JSON.stringify(buildPlan(workload, shippedBook(), { policy: "value", seed: null, trace: null }), undefined, 2);
}

const COST_MODEL = JSON.stringify(calibrate(HISTORY_ROWS, { source: "runs.csv", folds: 3, seed: 3, skippedRows: 0 }), undefined, 2);

const W = (dir: string) => join(dir, "w.yaml");

export const KINDS: readonly Kind[] = [
  {
    name: "workload",
    format: "yaml",
    ext: "yaml",
    seed: GOOD_WORKLOAD,
    load: (f, t) => loadWorkloadText(f, t, shippedBook()),
    argv: (f) => ["plan", f],
  },
  { name: "events", format: "ndjson", ext: "ndjson", seed: EVENTS, load: (f, t) => loadEventsText(f, t, EPOCH_MS), argv: (f, d) => ["plan", W(d), "--events", f] },
  {
    name: "scenario",
    format: "yaml",
    ext: "yaml",
    seed: TINY_SCENARIO,
    load: loadScenarioText,
    argv: (f) => ["simulate", "--scenario", f, "--seed", "1", "--policy", "value"],
  },
  {
    name: "recipes",
    format: "yaml",
    ext: "yaml",
    seed: readFileSync(join(RECIPES_DIR, "h264-sdr.yaml"), "utf8"),
    load: loadRecipeText,
    // The fuzzed file is the library's h264-sdr.yaml (it sits in `dir` beside hevc-sdr.yaml).
    argv: (_f, d) => ["plan", W(d), "--recipes", join(d, "recipes")],
  },
  { name: "history-csv", format: "csv", ext: "csv", seed: HISTORY_CSV, load: parseHistory, argv: (f) => ["calibrate", f, "--folds", "2"] },
  { name: "history-ndjson", format: "ndjson", ext: "ndjson", seed: HISTORY_NDJSON, load: parseHistory, argv: (f) => ["calibrate", f, "--folds", "2"] },
  { name: "plan", format: "json", ext: "json", seed: planSeed(), load: parsePlanText, argv: (f) => ["verify", f] },
  { name: "cost-model", format: "json", ext: "json", seed: COST_MODEL, load: parseCostModelDoc, argv: (f, d) => ["plan", W(d), "--cost-model", f] },
  {
    name: "rq-model",
    format: "json",
    ext: "json",
    seed: readFileSync(join(ROOT, "recipes", "rq-model.json"), "utf8"),
    load: parseRqModelText,
    argv: (f, d) => ["plan", W(d), "--ladders", "per-title", "--rq-model", f],
  },
];
