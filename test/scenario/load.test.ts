// Scenario files: defaults, and one positioned problem per mistake.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, loadScenarioText } from "../../src/scenario/load";
import { scenarioSchema } from "../../src/scenario/schema";
import { InputError } from "../../src/util/errors";
import { inputErrorLines } from "../inputError";
import { scenarioYaml } from "./builders";

const problems = (text: string): string[] => inputErrorLines(() => loadScenarioText("s.yaml", text));

describe("loadScenarioText", () => {
  it("loads a minimal file with defaults", () => {
    const s = loadScenarioText("s.yaml", scenarioYaml());
    expect(s.epoch).toBe("2026-01-01T00:00:00Z");
    expect(s.window).toBe(7200);
    expect(s.tiers).toEqual({ premium: 8, partner: 4, standard: 2, ugc: 1 });
    expect(s.capacity).toEqual({ pools: [{ id: "cpu", slots: 8, memoryGiB: null }], scratchGiB: null });
    const c = s.cohorts[0]!;
    expect(c.arrivals).toEqual({ kind: "rate", perHour: 20, from: 0, to: 7200, peaks: [] });
    expect(c.content.duration).toEqual({ median: 180, spread: 1, min: 10, max: 3600 });
    expect(c.content.resolutions).toEqual([{ item: { width: 1920, height: 1080 }, weight: 1 }]);
    expect(c.content.hdrShare).toBe(0);
    expect(c.deliverables).toEqual([{ item: ["h264-sdr"], weight: 1 }]);
    expect(c.deadline).toEqual({ kind: "none" });
  });

  it("parses frame rates, time points and tiers", () => {
    const s = loadScenarioText(
      "s.yaml",
      scenarioYaml(
        "    deadline: { at: 2026-01-01T03:00:00Z }\n",
        "epoch: 2026-01-01T00:00:00Z\ntiers: { gold: 20 }\n",
      ).replace("fps: { 30: 1 }", 'fps: { 29.97: 1, "30000/1001": 1, 25: 2 }'),
    );
    expect(s.cohorts[0]!.content.fps.map((f) => f.item)).toEqual([25, 29.97, 30000 / 1001]);
    expect(s.cohorts[0]!.deadline).toEqual({ kind: "at", at: 3 * 3600, share: 1 });
    expect(s.tiers.gold).toBe(20);
  });

  it("reports an unknown key at the key", () => {
    expect(problems(scenarioYaml("    colour: red\n"))).toEqual([
      expect.stringMatching(/^s\.yaml:14:5 cohorts\[0\]\.colour: expected one of the keys id, .*found unknown key "colour"$/),
    ]);
  });

  it("keeps `events` free for analytics events (unknown for now)", () => {
    expect(problems(`${scenarioYaml()}events: []\n`)[0]).toMatch(/^s\.yaml:14:1 events: .*unknown key "events"/);
  });

  it("reports a negative rate", () => {
    expect(problems(scenarioYaml().replace("rate: 20", "rate: -5"))).toEqual([
      "s.yaml:7:23 cohorts[0].arrivals.rate: expected a number > 0, found -5",
    ]);
  });

  it("reports weights that are all zero", () => {
    expect(problems(scenarioYaml().replace("classes: { generic: 1, screen: 1 }", "classes: { generic: 0, screen: 0 }"))).toEqual([
      "s.yaml:9:16 cohorts[0].content.classes: expected at least one weight above 0, found all weights 0",
    ]);
  });

  it("reports min > max", () => {
    expect(problems(scenarioYaml().replace("min: 10s, max: 1h", "min: 2h, max: 1h"))).toEqual([
      "s.yaml:10:47 cohorts[0].content.duration.min: expected min ≤ max, found min 7200 > max 3600",
    ]);
  });

  it("reports every problem of a file at once, in file order", () => {
    const text = scenarioYaml("    tier: gold\n")
      .replace("    tier: ugc\n", "")
      .replace("rate: 20", "rate: 20, count: 5")
      .replace("resolutions: { 1920x1080: 1 }", "resolutions: { 1920*1080: 1 }")
      .replace("median: 3m", "median: 3 minutes");
    expect(problems(text)).toEqual([
      "s.yaml:6:15 cohorts[0].arrivals: expected exactly one of count or rate, found both",
      's.yaml:9:27 cohorts[0].content.duration.median: expected a duration like 45m or 1h30m, or seconds, found "3 minutes"',
      's.yaml:10:22 cohorts[0].content.resolutions["1920*1080"]: expected a resolution like 1920x1080, found "1920*1080"',
      's.yaml:13:11 cohorts[0].tier: expected one of the tiers premium, partner, standard, ugc, found "gold"',
    ]);
  });

  it.each([
    ["jitter larger than after", "    deadline: { after: 1h, jitter: 2h }\n", /deadline\.jitter: expected jitter ≤ after/],
    ["a release before the last arrival", "    deadline: { at: +1h }\n", /deadline\.at: expected a release time at or after the cohort's last arrival \(7200s\), found 3600s/],
    ["neither after nor at", "    deadline: { share: 0.5 }\n", /deadline: expected exactly one of after or at, found neither/],
    ["deliverables and deliverableChoices", "    deliverableChoices: [{ set: [av1], weight: 1 }]\n", /expected exactly one of deliverables or deliverableChoices, found both/],
  ])("reports %s", (_name, extra, pattern) => {
    const lines = problems(scenarioYaml(extra));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it("rejects a deliverable set with only HDR deliverables", () => {
    expect(problems(scenarioYaml().replace("deliverables: [h264-sdr]", "deliverables: [hevc-hdr10]"))).toEqual([
      "s.yaml:13:19 cohorts[0].deliverables: expected at least one SDR deliverable (SDR sources get no HDR ones), found only hevc-hdr10",
    ]);
  });

  it("rejects an unknown deliverable", () => {
    expect(problems(scenarioYaml().replace("deliverables: [h264-sdr]", "deliverables: [vp9-sdr]"))).toEqual([
      's.yaml:13:20 cohorts[0].deliverables[0]: expected one of "h264-sdr", "hevc-sdr", "hevc-hdr10", "av1", found "vp9-sdr"',
    ]);
  });

  it("rejects a cohort window that ends after the scenario's", () => {
    expect(problems(scenarioYaml().replace("rate: 20", "rate: 20, to: +3h"))).toEqual([
      "s.yaml:7:31 cohorts[0].arrivals.to: expected a time within the scenario's window (7200s), found 10800s",
    ]);
  });

  it("rejects duplicate cohort ids", () => {
    const dup = `${scenarioYaml()}${scenarioYaml().split("cohorts:\n")[1]}`;
    expect(problems(dup)).toEqual(['s.yaml:14:9 cohorts[1].id: expected a cohort id not used before, found "ugc" again']);
  });

  it("checks rules only once the shapes are right (schema problems first)", () => {
    const text = scenarioYaml().replace("rate: 20", "rate: 20, to: +3h").replace("fps: { 30: 1 }", "fps: 30");
    expect(problems(text)).toEqual(["s.yaml:12:12 cohorts[0].content.fps: expected a mapping, found 30"]);
  });
});

describe("loadScenarioFile", () => {
  it("reads a file and names it in problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "vps-scenario-"));
    const file = join(dir, "mine.yaml");
    writeFileSync(file, scenarioYaml().replace("rate: 20", "rate: 0"));
    expect(() => loadScenarioFile(file)).toThrow(InputError);
    try {
      loadScenarioFile(file);
    } catch (e) {
      expect((e as InputError).lines()[0]!.startsWith(`${file}:7:23 `)).toBe(true);
    }
  });

  it("reports a missing file as an input error", () => {
    expect(() => loadScenarioFile("/nonexistent/x.yaml")).toThrow(/cannot read scenario \/nonexistent\/x\.yaml: no such file/);
  });
});

describe("scenarioSchema", () => {
  it("closes every object and describes every property", () => {
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (node === null || typeof node !== "object") return;
      const o = node as Record<string, unknown>;
      const isObject = o.type === "object" || (Array.isArray(o.type) && o.type.includes("object"));
      if (isObject && o.additionalProperties === undefined) throw new Error(`${path}: additionalProperties missing`);
      for (const [k, v] of Object.entries((o.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if (typeof v.description !== "string") throw new Error(`${path}.${k}: description missing`);
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
    };
    expect(() => walk(scenarioSchema, "#")).not.toThrow();
  });
});
