// JSON Schema of a scenario file (printed by `vps schema scenario`). It checks shapes and bounds;
// what a schema cannot say well (times as strings, weights not all zero, min ≤ max, one of two
// keys) is checked by src/scenario/normalise.ts with the same positioned messages.
// Reserved: the top-level key `events` will hold analytics events (views arriving over time, a
// title going viral) in a later issue; do not use it for anything else.
import { policySchema } from "../load/schemas";
import { CONTENT_CLASSES } from "../model";
import { DELIVERABLES } from "./types";
import { LIMITS } from "../util/limits";

const DURATION_FORM = "seconds (a number ≥ 0) or a duration like 45m or 1h30m";
const TIME_FORM = "an offset from the epoch like +2h, seconds after the epoch, or an ISO-8601 time with a zone";

function duration(description: string): object {
  return { type: ["number", "string"], minimum: 0, description, "x-expected": DURATION_FORM };
}

function timePoint(description: string): object {
  return { type: ["number", "string"], minimum: 0, description, "x-expected": TIME_FORM };
}

const weight = { type: "number", minimum: 0, description: "Relative weight (weights need not sum to 1; at least one must be above 0)." };
const share = (description: string): object => ({ type: "number", minimum: 0, maximum: 1, description });

function weightMap(description: string, keys?: readonly string[]): object {
  const base = { type: "object", minProperties: 1, description };
  if (!keys) return { ...base, additionalProperties: weight };
  return { ...base, properties: Object.fromEntries(keys.map((k) => [k, weight])), additionalProperties: false };
}

const range = {
  type: "object",
  description: "Uniform range [min, max] within 0..1.",
  properties: { min: share("Lowest value."), max: share("Highest value.") },
  required: ["min", "max"],
  additionalProperties: false,
};

const deliverableList = {
  type: "array",
  items: { enum: Object.keys(DELIVERABLES) },
  minItems: 1,
  uniqueItems: true,
  description: "Deliverables of the recipe library; HDR ones are only requested for HDR 10-bit sources, and each list needs an SDR one.",
};

const durationLogNormal = {
  type: "object",
  description: "Title duration: lognormal with this median and spread (sigma of the log), clamped to [min, max].",
  properties: {
    median: duration("Median duration."),
    spread: { type: "number", minimum: 0, description: "Sigma of ln(duration): 0.5 ≈ two thirds within ×/÷1.65 of the median, 1 ≈ ×/÷2.7." },
    min: duration("Shortest duration (at least 1s)."),
    max: duration("Longest duration."),
  },
  required: ["median", "spread", "min", "max"],
  additionalProperties: false,
};

const numberLogNormal = {
  type: "object",
  description: "Lognormal with this median and spread (sigma of the log), optionally clamped to [min, max].",
  properties: {
    median: { type: "number", exclusiveMinimum: 0, description: "Median." },
    spread: { type: "number", minimum: 0, description: "Sigma of ln(x): 2 gives a heavy tail (1 title in 100 above 100× the median)." },
    min: { type: "number", minimum: 0, description: "Lower clamp (default 0)." },
    max: { type: "number", minimum: 0, description: "Upper clamp (default none)." },
  },
  required: ["median", "spread"],
  additionalProperties: false,
};

const peak = {
  type: "object",
  description: "Multiplies the arrival rate by `factor` over [from, to).",
  properties: {
    from: timePoint("Start of the peak."),
    to: timePoint("End of the peak."),
    factor: { type: "number", exclusiveMinimum: 0, description: "Rate multiplier (3 = a burst, 0.2 = a lull); overlapping peaks multiply." },
  },
  required: ["from", "to", "factor"],
  additionalProperties: false,
};

const arrivals = {
  type: "object",
  description: "How titles arrive: exactly one of `count` or `rate`, within [from, to].",
  properties: {
    count: { type: "integer", minimum: 1, maximum: LIMITS.titles, description: "Exactly this many titles, spread over [from, to] by the rate profile (all at `from` when from = to)." },
    rate: { type: "number", exclusiveMinimum: 0, description: "Poisson arrivals, titles per hour (before peaks)." },
    from: timePoint("Start of the cohort's arrivals (default 0)."),
    to: timePoint("End of the cohort's arrivals (default the scenario's window)."),
    peaks: { type: "array", items: peak, description: "Rate multipliers over time windows." },
  },
  additionalProperties: false,
};

const content = {
  type: "object",
  description: "The content mix of the cohort's sources.",
  properties: {
    classes: weightMap("Content class weights.", CONTENT_CLASSES),
    duration: durationLogNormal,
    resolutions: weightMap("Source resolution weights, keyed WIDTHxHEIGHT (1920x1080; portrait 1080x1920 is fine)."),
    fps: weightMap('Frame rate weights, keyed by rate (25, 29.97, "30000/1001").'),
    hdr: {
      type: "object",
      description: "HDR sources (10-bit); only sources with a short side of 1080 or more can be HDR.",
      properties: {
        share: share("Share of HD-or-larger sources that are HDR."),
        transfers: weightMap("Transfer weights among HDR sources (default pq only).", ["pq", "hlg"]),
      },
      required: ["share"],
      additionalProperties: false,
    },
    complexity: {
      type: "object",
      description: "Encoding complexity 0 (static slides) .. 1 (confetti in the rain), uniform in [min, max] (default 0.3..0.7).",
      properties: {
        min: share("Lowest complexity."),
        max: share("Highest complexity."),
        byClass: { type: "object", properties: Object.fromEntries(CONTENT_CLASSES.map((c) => [c, range])), additionalProperties: false, description: "Per-class ranges overriding min/max." },
      },
      additionalProperties: false,
    },
  },
  required: ["classes", "duration", "resolutions", "fps"],
  additionalProperties: false,
};

const deadline = {
  type: "object",
  description: "Exactly one of `after` (relative to arrival, ± jitter) or `at` (one release time for the whole cohort). Omit for no deadlines.",
  properties: {
    after: duration("Deadline this long after arrival."),
    jitter: duration("Uniform ± jitter on `after` (at most `after`)."),
    at: timePoint("Fixed release time; must not be before the cohort's last possible arrival."),
    share: share("Share of titles that get a deadline (default 1)."),
  },
  additionalProperties: false,
};

const value = {
  type: "object",
  description: "Audience figures; omitted ones are 0.",
  properties: {
    expectedViews: numberLogNormal,
    subscribers: numberLogNormal,
    revenuePerView: { type: "number", minimum: 0, description: "Revenue per view (currency units)." },
  },
  additionalProperties: false,
};

const viral = {
  type: "object",
  description: "Some titles go viral after they arrive: their analytics report a burst of views (emitted as workload events).",
  properties: {
    share: share("Share of the cohort's titles that go viral."),
    after: {
      type: "object",
      description: "When the burst starts, after arrival: uniform between min and max.",
      properties: { min: duration("Earliest."), max: duration("Latest.") },
      required: ["min", "max"],
      additionalProperties: false,
    },
    viewsPerHour: { ...numberLogNormal, description: "Views per hour during the burst (lognormal)." },
    lasts: duration("How long the burst lasts before views fall back to the baseline."),
    baseline: { type: "number", minimum: 0, description: "Views per hour outside the burst (default 200)." },
    every: duration("Interval between analytics reports (default 10m)."),
  },
  required: ["share", "after", "viewsPerHour", "lasts"],
  additionalProperties: false,
};

const cohort = {
  type: "object",
  description: "A population of titles sharing an arrival process, content mix, deliverables, deadline rule and value distribution.",
  properties: {
    id: {
      type: "string",
      pattern: "^[a-z][a-z0-9-]*$",
      description: "Title id prefix (prem → prem-0001); unique.",
      "x-expected": "a lowercase name like ugc or prem (letters, digits, -)",
    },
    description: { type: "string", description: "What this cohort stands for." },
    tier: { type: "string", minLength: 1, description: "Tier of every title (a key of `tiers` or a default tier)." },
    arrivals,
    content,
    deliverables: deliverableList,
    deliverableChoices: {
      type: "array",
      minItems: 1,
      description: "Weighted deliverable sets, one picked per title (instead of `deliverables`).",
      items: {
        type: "object",
        properties: { set: deliverableList, weight },
        required: ["set", "weight"],
        additionalProperties: false,
      },
    },
    deadline,
    value,
    viral,
  },
  required: ["id", "tier", "arrivals", "content"],
  additionalProperties: false,
};

const pool = {
  type: ["integer", "object"],
  minimum: 0,
  description: "Slots, or { slots, memoryGiB }, as in a workload; 0 slots switches the pool off.",
  "x-expected": "a whole number of slots ≥ 0 or a mapping { slots, memoryGiB }",
  properties: {
    slots: { type: "integer", minimum: 0, description: "Slots in the pool." },
    memoryGiB: { type: "number", exclusiveMinimum: 0, description: "Memory of the whole pool." },
  },
  required: ["slots"],
  additionalProperties: false,
};

export const scenarioSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "vps scenario",
  description: "A synthetic workload generator for `vps simulate`: farm capacity plus cohorts of titles drawn with a seed.",
  type: "object",
  properties: {
    description: { type: "string", description: "What user situation the scenario models." },
    epoch: { type: "string", description: "Time zero, ISO-8601 with a zone (default 2026-01-01T00:00:00Z).", "x-expected": "an ISO-8601 time with a zone" },
    window: duration("Length of the arrival window; cohort times lie within it."),
    capacity: {
      type: "object",
      description: "The farm, as in a workload.",
      properties: {
        pools: { type: "object", minProperties: 1, additionalProperties: pool, description: "Pools by id (cpu, gpu…)." },
        scratchGiB: { type: "number", exclusiveMinimum: 0, description: "Scratch storage limit (default unlimited)." },
      },
      required: ["pools"],
      additionalProperties: false,
    },
    tiers: {
      type: "object",
      additionalProperties: { type: "number", minimum: 0 },
      description: "Tier weights merged over the defaults premium 8, partner 4, standard 2, ugc 1.",
    },
    cohorts: { type: "array", minItems: 1, items: cohort, description: "The title populations." },
    policy: policySchema,
  },
  required: ["window", "capacity", "cohorts"],
  additionalProperties: false,
} as const;
