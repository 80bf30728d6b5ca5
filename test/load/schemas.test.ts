import Ajv from "ajv";
import { describe, expect, it, vi } from "vitest";
import type { Plan } from "../../src/model";
import { DURATION_PATTERN, ISO_PATTERN, recipeFileSchema, workloadSchema } from "../../src/load/schemas";
import { planSchema } from "../../src/plan/schema";
import { parseDuration, parseIso } from "../../src/util/time";
import { parseYaml, validateSchema } from "../../src/load/yaml";

/** Every `properties` entry anywhere in a schema, with its path. */
function properties(schema: unknown, path = "#"): [string, Record<string, unknown>][] {
  if (schema === null || typeof schema !== "object") return [];
  const out: [string, Record<string, unknown>][] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object") {
      for (const [name, sub] of Object.entries(v)) out.push([`${path}/${name}`, sub as Record<string, unknown>]);
    }
    out.push(...properties(v, `${path}/${k}`));
  }
  return out;
}

const PLAN: Plan = {
  schemaVersion: 1,
  epoch: "2026-11-24T00:00:00Z",
  policy: "value",
  seed: 42,
  pools: [{ id: "cpu", slots: 4 }],
  titles: [
    {
      id: "t1",
      tier: "premium",
      arrival: 0,
      deadline: 3600,
      finish: 3000,
      onTime: true,
      lateBy: 0,
      downgrades: [{ step: "faster-preset", at: 10, deliverable: "h264-sdr", preset: "veryfast", timeSaved: 600, qualityCost: 3 }],
      tierChanges: [{ at: 5, kind: "promote", from: "standard", to: "premium", reason: "view velocity 30,000/h above 20,000/h" }],
      waited: 12,
    },
  ],
  tasks: [{ id: "t1/analyse", title: "t1", kind: "analyse", pool: "cpu", slots: 1, start: 0, end: 60, after: [] }],
  metrics: {
    deadlineCompliance: 1,
    makespan: 3000,
    utilization: { cpu: 0.5 },
    idleWhileQueued: { cpu: 0.01 },
    titles: 1,
    tasks: 1,
    late: 0,
    downgraded: 1,
    turnaround: { premium: { count: 1, mean: 3000, p95: 3000, max: 3000 } },
    peakRunning: { cpu: 4 },
    peakScratchGiB: 0,
    waits: { premium: { max: 12, mean: 12 } },
    valueChangeDelay: { changes: 1, mean: 0, max: 0 },
    promotions: 1,
    promotionDelay: { mean: 300, max: 300 },
    prediction: { encodes: 0, firstEstimate: { median: 0, p90: 0 }, atStart: { median: 0, p90: 0 }, perTitle: { median: 0, p90: 0 }, batchTotal: 0 },
  },
  warnings: [],
};

describe("schemas", () => {
  it.each([
    ["workload", workloadSchema],
    ["recipes", recipeFileSchema],
  ])("describes every field of the %s schema (printed by `vps schema`)", (_name, schema) => {
    const missing = properties(schema)
      .filter(([, sub]) => typeof sub.description !== "string")
      .map(([p]) => p);
    expect(missing).toEqual([]);
  });

  it("uses the same grammar for durations and times as src/util/time.ts", () => {
    for (const d of ["45m", "1h30m", "90s", "2d", "1.5h", "1h0m5s", "45 minutes", "", "m", "1m30", "h1", "-5m"]) {
      expect(new RegExp(DURATION_PATTERN, "u").test(d), d).toBe(parseDuration(d) !== null);
    }
    for (const t of ["2026-11-24T00:00:00Z", "2026-11-24T00:00+01:00", "2026-11-24T00:00:00.5-05:00", "2026-11-24T00:00:00", "2026-11-24"]) {
      expect(new RegExp(ISO_PATTERN, "u").test(t), t).toBe(parseIso(t) !== null);
    }
  });

  it("accepts a plan of the model's shape and rejects a broken one", () => {
    const { source } = parseYaml("plan.json", "{}");
    expect(validateSchema(source, PLAN, planSchema)).toEqual([]);
    const broken = { ...PLAN, schemaVersion: 2, tasks: [{ ...PLAN.tasks[0], slots: 0 }] };
    expect(validateSchema(source, broken, planSchema).map((p) => `${p.pos.path}: ${p.message}`)).toEqual([
      "schemaVersion: expected 1, found 2",
      "tasks[0].slots: expected a number >= 1, found 0",
    ]);
  });

  it("compiles each schema once", () => {
    const { source, data } = parseYaml("w.yaml", "{}");
    const schema = { type: "object", additionalProperties: false, properties: {} };
    const compile = vi.spyOn(Ajv.prototype, "compile");
    validateSchema(source, data, schema);
    validateSchema(source, data, schema);
    expect(compile).toHaveBeenCalledTimes(1);
    compile.mockRestore();
  });
});
