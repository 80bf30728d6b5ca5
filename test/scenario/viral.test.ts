// Viral cohorts in scenarios: the analytics events a seed turns them into, their independence from
// every other draw, positioned problems in a `viral:` spec, and a scenario's `policy:`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AnalyticsEvent, Workload } from "../../src/model";
import { loadRecipeDir } from "../../src/load/recipes";
import { loadWorkloadText } from "../../src/load/workload";
import { workloadToYaml } from "../../src/load/write";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioText } from "../../src/scenario/load";
import { inputErrorLines } from "../inputError";
import { DEFAULT_POLICY_CONFIG } from "../../src/value/config";
import { scenarioYaml } from "./builders";

const VIRAL_YAML = readFileSync(fileURLToPath(new URL("../../scenarios/viral.yaml", import.meta.url)), "utf8");
const RECIPES = fileURLToPath(new URL("../../recipes", import.meta.url));

/** The shipped viral scenario, with `edit` applied to its text, generated at `seed`. */
function viral(seed = 42, edit: (text: string) => string = (t) => t): Workload {
  return generateWorkload(loadScenarioText("viral.yaml", edit(VIRAL_YAML)), seed);
}

/** Replaces exactly one occurrence, so an edit can never silently miss. */
const replaceOnce = (from: string, to: string) => (text: string) => {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
};

function byTitle(events: readonly AnalyticsEvent[]): Map<string, AnalyticsEvent[]> {
  const out = new Map<string, AnalyticsEvent[]>();
  for (const e of events) out.set(e.title, [...(out.get(e.title) ?? []), e]);
  return out;
}

const problems = (text: string): string[] => inputErrorLines(() => loadScenarioText("s.yaml", text));

describe("the shipped viral scenario, seed 42", () => {
  const w = viral();
  const titles = new Map(w.titles.map((t) => [t.id, t]));
  const perTitle = byTitle(w.events);

  it("reports analytics only for titles of the ugc cohort", () => {
    expect(perTitle.size).toBeGreaterThan(0);
    for (const id of perTitle.keys()) {
      expect(id).toMatch(/^ugc-\d+$/);
      expect(titles.get(id)?.tier).toBe("ugc");
    }
  });

  it("gives events sorted by time", () => {
    expect(w.events.every((e, i) => i === 0 || w.events[i - 1]!.at <= e.at)).toBe(true);
  });

  it("reports each title's cumulative views every 5 minutes from its arrival, never going down", () => {
    for (const [id, events] of perTitle) {
      expect(events[0]!.at).toBe(titles.get(id)!.arrival);
      events.forEach((e, i) => {
        expect(e.views).toBeTypeOf("number");
        if (i === 0) return;
        expect(e.at - events[i - 1]!.at).toBeCloseTo(300, 6);
        expect(e.views!).toBeGreaterThanOrEqual(events[i - 1]!.views!);
      });
    }
  });

  it("has bursts fast enough to cross the default promotion threshold", () => {
    const rates = [...perTitle.values()].flatMap((es) => es.slice(1).map((e, i) => ((e.views! - es[i]!.views!) / (e.at - es[i]!.at)) * 3600));
    const fastest = Math.max(...rates);
    expect(fastest).toBeGreaterThan(DEFAULT_POLICY_CONFIG.viral.promoteAbove);
  });

  it("carries the default policy into the workload, with its own maxResponse (it has no deadlines)", () => {
    expect(w.policy).toEqual({ ...DEFAULT_POLICY_CONFIG, maxResponse: 600 });
  });

  it("round-trips through the YAML that --workload-out writes and vps plan reads", () => {
    expect(loadWorkloadText("w.yaml", workloadToYaml(w), loadRecipeDir(RECIPES))).toEqual(w);
  });
});

describe("determinism and stream independence", () => {
  it("gives deep-equal events for the same seed and different ones for another", () => {
    expect(viral(42).events).toEqual(viral(42).events);
    expect(viral(7).events).not.toEqual(viral(42).events);
  });

  it("changing the ugc cohort's viral share moves no title and no earlier burst", () => {
    const before = viral(42);
    const after = viral(42, replaceOnce("share: 0.02", "share: 0.5"));
    // Arrivals, content, value figures and deliverables of every cohort (std and creator included).
    expect(after.titles).toEqual(before.titles);
    const was = byTitle(before.events);
    const now = byTitle(after.events);
    expect(now.size).toBeGreaterThan(was.size);
    // Every title viral at 2% is still viral at 50%, with the very same burst.
    for (const [id, events] of was) expect(now.get(id)).toEqual(events);
  });

  it("changing the burst's views per hour keeps who goes viral and when the reports come", () => {
    const before = viral(42);
    const after = viral(42, replaceOnce("median: 60000", "median: 120000"));
    expect(after.titles).toEqual(before.titles);
    expect(after.events.map((e) => [e.title, e.at])).toEqual(before.events.map((e) => [e.title, e.at]));
    expect(after.events).not.toEqual(before.events);
  });

  it("a cohort without viral: has no events", () => {
    const w = viral(42, replaceOnce("    viral:\n      share: 0.02\n      after: { min: 5m, max: 40m }\n      viewsPerHour: { median: 60000, spread: 0.5, min: 25000 }\n      lasts: 1h30m\n      every: 5m\n", ""));
    expect(w.events).toEqual([]);
    expect(w.titles).toEqual(viral(42).titles);
  });
});

const VIRAL = `    viral:
      share: 0.5
      after: { min: 5m, max: 40m }
      viewsPerHour: { median: 60000, spread: 0.5 }
      lasts: 1h
`;

describe("a viral: spec", () => {
  it("loads with defaults for baseline and every", () => {
    const c = loadScenarioText("s.yaml", scenarioYaml(VIRAL)).cohorts[0]!;
    expect(c.viral).toEqual({
      share: 0.5,
      afterMin: 300,
      afterMax: 2400,
      viewsPerHour: { median: 60000, spread: 0.5, min: 0, max: Number.POSITIVE_INFINITY },
      lasts: 3600,
      baseline: 200,
      every: 600,
    });
  });

  it("reports after.min > after.max and every: 0s together, each at its value", () => {
    // Line 14 is `viral:` (scenarioYaml puts the cohort's extra lines from line 14).
    const text = scenarioYaml(`${VIRAL.replace("min: 5m, max: 40m", "min: 40m, max: 5m")}      every: 0s\n`);
    expect(problems(text)).toEqual([
      "s.yaml:16:21 cohorts[0].viral.after.min: expected min ≤ max, found min 2400 > max 300",
      's.yaml:19:14 cohorts[0].viral.every: expected an interval longer than 0s, found "0s"',
    ]);
  });

  it("rejects every: 0 and a unit typo in every", () => {
    expect(problems(scenarioYaml(`${VIRAL}      every: 0\n`))).toEqual(["s.yaml:19:14 cohorts[0].viral.every: expected an interval longer than 0s, found 0"]);
    expect(problems(scenarioYaml(`${VIRAL}      every: 5 min\n`))).toEqual([
      's.yaml:19:14 cohorts[0].viral.every: expected a duration like 45m or 1h30m, or seconds, found "5 min"',
    ]);
  });

  it("rejects an unknown key at the key", () => {
    expect(problems(scenarioYaml(`${VIRAL}      evry: 5m\n`))).toEqual([
      's.yaml:19:7 cohorts[0].viral.evry: expected one of the keys share, after, viewsPerHour, lasts, baseline, every, found unknown key "evry"',
    ]);
  });
});

describe("a scenario's policy:", () => {
  it("passes into the generated workload", () => {
    const top = "tiers: { viral: 12 }\npolicy:\n  maxWait: 6h\n  viral: { promoteAbove: 1000, demoteBelow: 100, smoothing: 5m, promoteTo: viral }\n";
    const s = loadScenarioText("s.yaml", scenarioYaml(VIRAL, top));
    const expected = { maxWait: 6 * 3600, maxResponse: null, viral: { ...DEFAULT_POLICY_CONFIG.viral, promoteAbove: 1000, demoteBelow: 100, smoothing: 300, promoteTo: "viral" } };
    expect(s.policy).toEqual(expected);
    const w = generateWorkload(s, 3);
    expect(w.policy).toEqual(expected);
    expect(w.tiers.viral).toBe(12);
    // The workload's policy is its own copy: editing it leaves the scenario as it was.
    w.policy.viral.promoteAbove = 1;
    expect(s.policy.viral.promoteAbove).toBe(1000);
  });

  it("is the default when absent", () => {
    expect(generateWorkload(loadScenarioText("s.yaml", scenarioYaml()), 1).policy).toEqual(DEFAULT_POLICY_CONFIG);
  });

  it("reports an unknown promoteTo tier and missing hysteresis at their values", () => {
    expect(problems(scenarioYaml("", "policy:\n  viral: { promoteTo: gold, demoteBelow: 30000 }\n"))).toEqual([
      's.yaml:5:23 policy.viral.promoteTo: expected a tier (premium, partner, standard, ugc), found "gold"',
      "s.yaml:5:42 policy.viral.demoteBelow: expected at most promoteAbove (20000), found 30000",
    ]);
  });
});
