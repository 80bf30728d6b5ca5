// Builders with defaults for scenario tests: a small valid scenario as an object and as YAML text.
import type { Cohort, Scenario } from "../../src/scenario/types";
import { DEFAULT_POLICY_CONFIG } from "../../src/value/config";

export function aCohort(over: Partial<Cohort> = {}): Cohort {
  return {
    id: "ugc",
    tier: "ugc",
    arrivals: { kind: "count", count: 50, from: 0, to: 3600, peaks: [] },
    content: {
      classes: [
        { item: "generic", weight: 3 },
        { item: "screen", weight: 1 },
      ],
      duration: { median: 180, spread: 1, min: 10, max: 3600 },
      resolutions: [
        { item: { width: 1920, height: 1080 }, weight: 3 },
        { item: { width: 854, height: 480 }, weight: 1 },
      ],
      fps: [{ item: 30, weight: 1 }],
      hdrShare: 0.5,
      hdrTransfers: [{ item: "pq", weight: 1 }],
      complexity: { min: 0.2, max: 0.8 },
      complexityByClass: {},
    },
    deliverables: [{ item: ["h264-sdr", "hevc-hdr10"], weight: 1 }],
    deadline: { kind: "none" },
    value: { expectedViews: { median: 500, spread: 2, min: 0, max: Infinity }, subscribers: null, revenuePerView: 0.001 },
    viral: null,
    ...over,
  };
}

export function aScenario(over: Partial<Scenario> = {}): Scenario {
  return {
    description: "test",
    epoch: "2026-01-01T00:00:00Z",
    capacity: { pools: [{ id: "cpu", slots: 16, memoryGiB: null }], scratchGiB: null },
    tiers: { premium: 8, partner: 4, standard: 2, ugc: 1 },
    window: 3600,
    cohorts: [aCohort()],
    policy: structuredClone(DEFAULT_POLICY_CONFIG),
    ...over,
  };
}

/** A valid scenario file; `cohortExtra` is appended (indented) to the single cohort. */
export function scenarioYaml(cohortExtra = "", top = ""): string {
  return `window: 2h
capacity:
  pools: { cpu: 8 }
${top}cohorts:
  - id: ugc
    tier: ugc
    arrivals: { rate: 20 }
    content:
      classes: { generic: 1, screen: 1 }
      duration: { median: 3m, spread: 1, min: 10s, max: 1h }
      resolutions: { 1920x1080: 1 }
      fps: { 30: 1 }
    deliverables: [h264-sdr]
${cohortExtra}`;
}
