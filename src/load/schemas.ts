// JSON Schemas (draft-07) of the written formats, printed by `vps schema workload|recipes`.
// The plan's schema is the plan contract and lives with the plan (src/plan/schema.ts).
// `x-expected` is our own annotation: the phrase an error message uses for that value
// (see src/load/yaml.ts). Shared pieces are plain objects spread in, not $refs, so every error's
// schema path can be walked back to its annotation and the printed schema reads top to bottom.
import { CONTENT_CLASSES } from "../model";
import { LIMITS } from "../util/limits";

export const DRAFT = "http://json-schema.org/draft-07/schema#";

/** Same grammar as parseDuration in src/util/time.ts: at least one of d, h, m, s, in that order. */
export const DURATION_PATTERN = "^(?=\\d)(\\d+(\\.\\d+)?d)?(\\d+(\\.\\d+)?h)?(\\d+(\\.\\d+)?m)?(\\d+(\\.\\d+)?s)?$";
/** Same as parseIso in src/util/time.ts: the zone is required. */
export const ISO_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$";
const OFFSET_PATTERN = `^\\+${DURATION_PATTERN.slice(1)}`;
export const RESOLUTION_PATTERN = "^[1-9]\\d*x[1-9]\\d*$";
export const FPS_PATTERN = "^\\d+(\\.\\d+)?(/\\d+(\\.\\d+)?)?$";
const ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

const id = (description: string) => ({
  type: "string",
  pattern: ID_PATTERN,
  description,
  "x-expected": 'an id of letters, digits, ".", "_" or "-" (quote numbers: "101")',
});

const timePoint = (description: string) => ({
  description,
  "x-expected": "seconds after the epoch (a number), an offset like +90m or +1h30m, or an ISO-8601 time with a zone like 2026-11-24T18:00:00Z",
  oneOf: [
    { type: "number" },
    { type: "string", pattern: OFFSET_PATTERN },
    { type: "string", pattern: ISO_PATTERN },
  ],
});

const nonNegative = (description: string, maximum: number) => ({ type: "number", minimum: 0, maximum, description });
/** Tier weights and other relative figures: far beyond any ratio between tiers a policy needs. */
const MAX_WEIGHT = 1e6;

const poolSchema = {
  description: "A pool: its slot count, or a mapping with slots and memoryGiB. 0 slots switches the pool off.",
  oneOf: [
    { type: "integer", minimum: 0, maximum: LIMITS.slots, description: "the number of slots (a whole number >= 0)" },
    {
      type: "object",
      description: "a mapping { slots, memoryGiB }",
      additionalProperties: false,
      required: ["slots"],
      properties: {
        slots: { type: "integer", minimum: 0, maximum: LIMITS.slots, description: "Number of identical slots (a whole number >= 0)." },
        memoryGiB: { type: "number", exclusiveMinimum: 0, maximum: LIMITS.slots * 1024, description: "Memory of the whole pool in GiB; omit for unlimited." },
      },
    },
  ],
};

const stageSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "kind"],
  description: "One stage of a custom pipeline.",
  properties: {
    id: id("Stage name, unique within the pipeline."),
    kind: {
      enum: ["analyse", "encode", "package", "publish", "custom"],
      description: "analyse | encode | package | publish expand as in the default pipeline; custom is a plain task.",
    },
    after: { type: "array", items: { type: "string" }, uniqueItems: true, description: "Stages of the same pipeline that must finish first." },
    pool: { type: "string", minLength: 1, description: "Custom stages: the pool the task runs on (required for custom stages)." },
    workPerSecond: nonNegative("Custom stages: slot-seconds of work per second of source duration (default 0).", 10_000),
    slots: { type: "integer", minimum: 1, maximum: LIMITS.slots, description: "Custom stages: slots the task holds (a whole number >= 1, default 1)." },
  },
};

const contentSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "What the source is like; drives encode work and recipe choice. duration, fps and the size (resolution, or width and height) " +
    "are required unless `source` names a file, which `vps plan` (and run, forecast, recipes explain) then measures (the measured facts win over written ones).",
  properties: {
    duration: {
      description: "Length of the source: seconds (a number > 0) or a duration like 45m, 1h30m, 90s.",
      "x-expected": "seconds (a number > 0) or a duration like 45m, 1h30m, 90s",
      oneOf: [
        { type: "number", exclusiveMinimum: 0 },
        { type: "string", pattern: DURATION_PATTERN },
      ],
    },
    resolution: {
      type: "string",
      pattern: RESOLUTION_PATTERN,
      description: "WIDTHxHEIGHT like 1920x1080 (or give width and height).",
      "x-expected": "a resolution like 1920x1080",
    },
    width: { type: "integer", minimum: 1, maximum: LIMITS.sidePixels, description: "Width in pixels (with height, instead of resolution)." },
    height: { type: "integer", minimum: 1, maximum: LIMITS.sidePixels, description: "Height in pixels (with width, instead of resolution)." },
    fps: {
      description: "Frames per second: a number (24, 29.97) or a fraction like 30000/1001.",
      "x-expected": "frames per second as a number (24, 29.97) or a fraction like 30000/1001",
      oneOf: [
        { type: "number", exclusiveMinimum: 0 },
        { type: "string", pattern: FPS_PATTERN },
      ],
    },
    bitDepth: { enum: [8, 10, 12], description: "Bits per sample (default 8)." },
    hdr: { enum: ["sdr", "pq", "hlg"], description: "Transfer: sdr | pq | hlg (default sdr)." },
    class: { enum: [...CONTENT_CLASSES], description: "Content class for recipe choice (default generic)." },
    complexity: { type: "number", minimum: 0, maximum: 1, description: "0 (static slides) .. 1 (confetti in the rain); default 0.5." },
    audio: { type: "boolean", description: "false: the source has no audio track, so no audio is encoded (default true; a measured source file decides)." },
    source: {
      type: "string",
      minLength: 1,
      description:
        "Path of the source file, relative to the workload file. `vps plan` (and run, forecast, recipes explain) measures it (cached by content hash): its duration, size, " +
        "frame rate, bit depth and HDR transfer replace written ones; class and complexity are measured unless written.",
    },
  },
};

const titleSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "content", "deliverables"],
  description: "One source video to process.",
  properties: {
    id: id("Unique title id."),
    arrival: timePoint("When the title becomes available (default: the epoch)."),
    tier: { type: "string", minLength: 1, description: "A tier name: premium, partner, standard, ugc or one from `tiers` (default standard)." },
    value: {
      type: "object",
      additionalProperties: false,
      description: "Analytics figures; all optional, zero when unknown.",
      properties: {
        expectedViews: nonNegative("Views expected over the title's life.", LIMITS.audience),
        viewsSoFar: nonNegative("Views already counted.", LIMITS.audience),
        subscribers: nonNegative("Subscribers of the channel or show.", LIMITS.audience),
        revenuePerView: nonNegative("Revenue per view.", MAX_WEIGHT),
      },
    },
    content: contentSchema,
    deliverables: {
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { type: "string", minLength: 1 },
      description: "Deliverables to produce, each served by a recipe file (h264-sdr, hevc-hdr10, av1, …).",
    },
    deadline: timePoint("When the title must be published; not before arrival. Omit for none."),
    work: { type: "number", exclusiveMinimum: 0, maximum: LIMITS.workSlotSeconds, description: "Explicit slot-seconds of encode work (overrides the cost model)." },
    pipeline: { type: "string", minLength: 1, description: "A key of `pipelines` (default: the standard pipeline)." },
  },
};

const span = (description: string) => ({
  description,
  "x-expected": "seconds (a number > 0) or a duration like 45m, 1h30m, 90s",
  oneOf: [
    { type: "number", exclusiveMinimum: 0 },
    { type: "string", pattern: DURATION_PATTERN },
  ],
});

const viralSchema = {
  type: "object",
  additionalProperties: false,
  description: "Automatic viral promotion: promote on a high smoothed view velocity, demote after a lasting low one.",
  properties: {
    promoteAbove: { type: "number", exclusiveMinimum: 0, maximum: LIMITS.audience, description: "Views per hour (smoothed) above which a title is promoted (default 20000)." },
    demoteBelow: { type: "number", minimum: 0, maximum: LIMITS.audience, description: "Views per hour below which a promoted title starts to count down to demotion (default 5000)." },
    demoteAfter: span("How long the velocity must stay below demoteBelow before demotion (default 2h)."),
    smoothing: span("Time constant of the exponential smoothing of the view velocity (default 15m)."),
    promoteTo: { type: "string", minLength: 1, description: "The tier a promoted title is served as (default premium)." },
  },
};

/** The value policy's settings: the no-starvation bound and the viral rule. */
export const policySchema = {
  type: "object",
  additionalProperties: false,
  description: "Settings of the value policy.",
  properties: {
    maxWait: span("No-starvation bound: a waiting title outranks every title without a deadline that arrives this much later (default 12h)."),
    maxResponse: span("Longest an encode may hold its slots (by the cost model, on one slot) for titles without a deadline: longer renditions are cut into more chunks, down to 30 s of video, so high-value work finds a slot within about this long (default: not set, encodes are cut by title length only)."),
    viral: viralSchema,
  },
};

/** One analytics event, in a workload's `events` or as one line of an NDJSON file. */
export const eventSchema = {
  type: "object",
  additionalProperties: false,
  required: ["at", "title"],
  description: "Analytics for one title at one time; the figures given replace the title's.",
  properties: {
    at: timePoint("When the figures were observed."),
    title: { type: "string", minLength: 1, description: "The title's id." },
    views: nonNegative("Views so far (cumulative); their rate of change is the view velocity.", LIMITS.audience),
    expectedViews: nonNegative("Expected views.", LIMITS.audience),
    subscribers: nonNegative("Subscribers of the uploader.", LIMITS.audience),
    revenuePerView: nonNegative("Revenue per view.", MAX_WEIGHT),
  },
};

export const workloadSchema = {
  $schema: DRAFT,
  title: "vps workload",
  description: "Titles to encode, the capacity to encode them on, tiers, custom pipelines, the value policy's settings and analytics events.",
  type: "object",
  additionalProperties: false,
  required: ["epoch", "capacity", "titles"],
  properties: {
    epoch: {
      type: "string",
      pattern: ISO_PATTERN,
      description: "Time zero of the plan, ISO-8601 with a zone (2026-11-24T00:00:00Z).",
      "x-expected": "an ISO-8601 time with a zone like 2026-11-24T00:00:00Z",
    },
    capacity: {
      type: "object",
      additionalProperties: false,
      required: ["pools"],
      description: "The fixed encoder resources.",
      properties: {
        pools: { type: "object", additionalProperties: poolSchema, description: "Pools by id: slots, or { slots, memoryGiB }." },
        scratchGiB: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 1e9,
          description: "Intermediate storage limit in GiB (a number, no unit); omit for unlimited.",
          "x-expected": "a number of GiB like 500 (no unit)",
        },
      },
    },
    tiers: {
      type: "object",
      additionalProperties: nonNegative("Base weight of the tier.", MAX_WEIGHT),
      description: "Tier weights, merged over the defaults premium 8, partner 4, standard 2, ugc 1.",
    },
    pipelines: {
      type: "object",
      additionalProperties: { type: "array", minItems: 1, items: stageSchema, description: "The stages of one pipeline." },
      description: "Custom pipelines by name; `after` names stages of the same pipeline.",
    },
    titles: { type: "array", maxItems: LIMITS.titles, items: titleSchema, description: "The titles, in arrival order or any order." },
    policy: policySchema,
    events: { type: "array", maxItems: LIMITS.events, items: eventSchema, description: "Analytics over time (also from a file: --events analytics.ndjson)." },
  },
} as const;

// ---- recipes -------------------------------------------------------------------------------

const renditionSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "width", "height", "bitrateKbps"],
  description: "One rung of the ladder.",
  properties: {
    name: id("Rung name, unique in the ladder (1080p)."),
    width: { type: "integer", minimum: 1, maximum: LIMITS.sidePixels, description: "Width in pixels." },
    height: { type: "integer", minimum: 1, maximum: LIMITS.sidePixels, description: "Height in pixels." },
    bitrateKbps: { type: "number", exclusiveMinimum: 0, maximum: 1_000_000, description: "Target bitrate in kbit/s (at most 1 Gbit/s)." },
  },
};

const qualityCost = nonNegative("Quality lost in VMAF-like points (0..100 scale) when the step is applied.", 100);

const downgradeSchema = {
  type: "object",
  description: "A step that trades quality for time.",
  required: ["step"],
  properties: { step: { enum: ["faster-preset", "drop-top-rung", "defer-rendition"], description: "Which kind of step." } },
  discriminator: { propertyName: "step" },
  oneOf: [
    {
      type: "object",
      additionalProperties: false,
      required: ["step", "preset", "workFactor", "qualityCost"],
      properties: {
        step: { const: "faster-preset", description: "Switch to a faster preset." },
        preset: { type: "string", minLength: 1, description: "The faster preset." },
        workFactor: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, description: "Encode work relative to the recipe's preset, in (0, 1)." },
        qualityCost,
      },
    },
    {
      type: "object",
      additionalProperties: false,
      required: ["step", "qualityCost"],
      properties: { step: { const: "drop-top-rung", description: "Do not produce the highest rung." }, qualityCost },
    },
    {
      type: "object",
      additionalProperties: false,
      required: ["step", "rendition", "qualityCost"],
      properties: {
        step: { const: "defer-rendition", description: "Produce one rung after the release instead of before." },
        rendition: { type: "string", minLength: 1, description: "The rung to defer (a ladder name)." },
        qualityCost,
      },
    },
  ],
};

const recipeSchema = {
  type: "object",
  additionalProperties: false,
  required: ["class", "preset", "reason", "ladder"],
  description: "Encoder settings for one content class.",
  properties: {
    class: { enum: [...CONTENT_CLASSES], description: "The content class this recipe is tuned for; generic serves the rest." },
    preset: { type: "string", minLength: 1, description: 'Encoder preset (a string; SVT-AV1 presets are numbers as strings, "8").' },
    reason: { type: "string", minLength: 1, description: "Why these settings, in one line." },
    settings: {
      type: "object",
      additionalProperties: { type: ["string", "number", "boolean"] },
      description: "Encoder options by name.",
    },
    ladder: { type: "array", minItems: 1, items: renditionSchema, description: "Renditions (sorted highest resolution first on load)." },
    downgrades: { type: "array", items: downgradeSchema, description: "Ordered: a step is available once the previous one is applied." },
  },
};

export const recipeFileSchema = {
  $schema: DRAFT,
  title: "vps recipe file",
  description: "One deliverable: its codec, encoder, pool and one recipe per content class.",
  type: "object",
  additionalProperties: false,
  required: ["deliverable", "codec", "encoder", "pool", "recipes"],
  properties: {
    deliverable: id("The deliverable this file serves (h264-sdr)."),
    codec: { enum: ["h264", "hevc", "av1", "vp9"], description: "Output codec." },
    encoder: { type: "string", minLength: 1, description: "ffmpeg encoder name (libx264)." },
    pool: { type: "string", minLength: 1, description: "The pool its encode tasks run on." },
    hdr: { type: "boolean", description: "true: needs an HDR (pq/hlg) source and bitDepth 10 (default false)." },
    bitDepth: { enum: [8, 10, 12], description: "Output bits per sample (default 8)." },
    recipes: { type: "array", minItems: 1, items: recipeSchema, description: "Exactly one generic recipe plus any per-class recipes." },
    audio: {
      type: "array",
      minItems: 1,
      description: "Audio renditions (default one: aac-128, AAC-LC stereo 128 kb/s). Each is encoded once per title, shared by deliverables naming it.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "codec", "bitrateKbps"],
        properties: {
          name: id("Its name (aac-128); the same name in two files must mean the same audio."),
          codec: { enum: ["aac", "opus"], description: "aac (AAC-LC) | opus." },
          bitrateKbps: { type: "number", minimum: 16, maximum: 512, description: "Target bitrate, kb/s." },
          channels: { enum: [1, 2, 6], description: "1 mono, 2 stereo (default), 6 for 5.1." },
        },
      },
    },
    package: {
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: { enum: ["hls", "dash"] },
      description: "Packages the deliverable ships over the same fMP4 (CMAF) segments: hls, dash (default both).",
    },
    segmentSeconds: { type: "number", minimum: 1, maximum: 10, description: "Segment length of its packages, seconds (default 2); each segment starts on a keyframe." },
    fallback: {
      type: "object",
      additionalProperties: false,
      required: ["encoder", "preset", "reason"],
      description: "vps run: another encoder of the same codec, tried on a task whose encodes failed every try and the faster preset.",
      properties: {
        encoder: { type: "string", minLength: 1, description: "ffmpeg encoder name (libaom-av1)." },
        preset: { type: "string", minLength: 1, description: "Its preset (libaom-av1: cpu-used, 0..8)." },
        settings: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] }, description: "Its own options by name." },
        reason: { type: "string", minLength: 1, description: "Why this encoder, in one line." },
      },
    },
  },
} as const;
