// The JSON Schema of the plans vps writes, printed by `vps schema plan`. Strict (no unknown keys,
// every field vps writes required) so that every field is documented here; a test validates real
// plans against it. `vps verify` checks the looser contractSchema at the end: the contract's fields
// (DESIGN.md) required, the rest checked when present.
import { DRAFT } from "../load/schemas";

const seconds = (description: string) => ({ type: "number", description });
const nullableSeconds = (description: string) => ({ type: ["number", "null"], description });
const ratio = (description: string) => ({ type: "number", minimum: 0, maximum: 1, description });
const strings = (description: string) => ({ type: "array", items: { type: "string" }, description });

const taskFailureSchema = {
  type: "object",
  additionalProperties: false,
  required: ["task", "at", "reason"],
  properties: {
    task: { type: "string", description: "The task that failed for good." },
    at: seconds("When it failed, its last try included."),
    reason: { type: "string", description: "Why: the check that failed, or the tool's last words." },
    deliverable: { type: "string" },
    rendition: { type: "string" },
  },
};

const planTitleSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "tier", "arrival", "deadline", "finish", "onTime", "lateBy", "downgrades", "tierChanges", "waited"],
  properties: {
    id: { type: "string" },
    tier: { type: "string", description: "The tier the title arrived with (promotions are in tierChanges)." },
    arrival: seconds("Seconds after the epoch."),
    deadline: nullableSeconds("Seconds after the epoch; null without a deadline."),
    finish: nullableSeconds("End of the title's last task; null if it never finished."),
    onTime: { type: ["boolean", "null"], description: "finish <= deadline; null without a deadline." },
    lateBy: nullableSeconds("Seconds past the deadline; 0 when on time."),
    downgrades: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["step", "at", "deliverable", "timeSaved", "qualityCost"],
        properties: {
          step: { enum: ["faster-preset", "drop-top-rung", "defer-rendition"] },
          at: seconds("When the step was applied."),
          deliverable: { type: "string" },
          rendition: { type: "string" },
          preset: { type: "string" },
          timeSaved: seconds("Predicted seconds taken off the title's finish."),
          qualityCost: { type: "number", description: "VMAF-like points lost." },
        },
      },
    },
    tierChanges: {
      type: "array",
      description: "Automatic promotions and demotions, in time order.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["at", "kind", "from", "to", "reason"],
        properties: {
          at: seconds("When the tier changed."),
          kind: { enum: ["promote", "demote"] },
          from: { type: "string" },
          to: { type: "string" },
          reason: { type: "string", description: "The rule and the figures that triggered it." },
        },
      },
    },
    waited: seconds("Seconds the title had work ready to run and none of it running."),
    deferredFrom: { type: "string", description: "The title whose deferred renditions this follow-up carries." },
    failed: { ...taskFailureSchema, description: "Real runs: the failure that held the title (not published; finish is null)." },
    failedRenditions: { type: "array", items: taskFailureSchema, description: "Real runs with --partial publish: renditions left out after failing." },
    ladders: {
      type: "array",
      description: "With --ladders per-title: the ladder the rate–quality model predicted for each deliverable it covers (the encodes are its rungs).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["deliverable", "rungs"],
        properties: {
          deliverable: { type: "string" },
          rungs: {
            type: "array",
            description: "Highest rung first.",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name", "width", "height", "kbps", "psnr"],
              properties: {
                name: { type: "string" },
                width: { type: "integer", minimum: 1 },
                height: { type: "integer", minimum: 1 },
                kbps: { type: "number", exclusiveMinimum: 0 },
                psnr: { type: "number", description: "PSNR-Y the model predicts at the source's size, dB." },
              },
            },
          },
        },
      },
    },
  },
};

const laddersSchema = {
  type: "object",
  additionalProperties: false,
  required: ["encoders", "predicted", "kept", "bdRate", "bitrateRatio"],
  description: "With --ladders per-title: what the predicted ladders change, by the same rate–quality model on both sides.",
  properties: {
    encoders: strings("Encoders the rate–quality models speak for."),
    predicted: { type: "integer", minimum: 0, description: "Title × deliverable pairs given a predicted ladder." },
    kept: { type: "integer", minimum: 0, description: "Pairs that kept the recipe's ladder (no model for their encoder, an HDR deliverable, or screen content)." },
    bdRate: {
      type: ["object", "null"],
      additionalProperties: false,
      required: ["median", "p10", "p90"],
      description: "BD-rate (PSNR-Y) of each per-title ladder against the recipe's, both as the model predicts them: −0.2 = 20% fewer bits at equal PSNR. The model's own estimate: `vps bench recipes` measures its ladders with real encodes.",
      properties: { median: { type: "number" }, p10: { type: "number" }, p90: { type: "number" } },
    },
    bitrateRatio: { type: ["number", "null"], minimum: 0, description: "Σ per-title rung bitrates ÷ Σ recipe rung bitrates." },
  },
};

const errorSpread = {
  type: "object",
  additionalProperties: false,
  required: ["median", "p90"],
  properties: { median: { type: "number", minimum: 0 }, p90: { type: "number", minimum: 0 } },
};

const predictionSchema = {
  type: "object",
  additionalProperties: false,
  required: ["encodes", "firstEstimate", "atStart", "perTitle", "batchTotal"],
  description: "Predicted against actual encode durations over the run; errors are fractions (0.1 = 10%).",
  properties: {
    encodes: { type: "integer", minimum: 0 },
    firstEstimate: { ...errorSpread, description: "|model prediction − actual| ÷ actual per encode, before the run." },
    atStart: { ...errorSpread, description: "|scheduler's estimate at start − actual| ÷ actual per encode, after learning." },
    perTitle: { ...errorSpread, description: "Per title: Σ predicted against Σ actual encode seconds." },
    batchTotal: { type: "number", description: "(Σ predicted − Σ actual) ÷ Σ actual over every encode; + = over-predicted." },
  },
};

const planTaskSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "title", "kind", "pool", "slots", "start", "end", "after"],
  properties: {
    id: { type: "string" },
    title: { type: "string" },
    kind: { enum: ["normalise", "analyse", "encode", "join", "audio", "package", "publish", "custom"] },
    pool: { type: "string" },
    slots: { type: "integer", minimum: 1 },
    start: seconds("Seconds after the epoch."),
    end: seconds("Seconds after the epoch."),
    after: strings("Task ids that ended before this one started."),
    deliverable: { type: "string" },
    rendition: { type: "string" },
    chunk: { type: "integer", minimum: 0 },
    chunks: { type: "integer", minimum: 2, description: "Encode chunks and their join: how many chunks the rendition is cut into." },
    preset: { type: "string" },
    recipe: { type: "string", description: "Encode tasks: the recipe chosen for the title's content class (deliverable/class)." },
    reason: { type: "string", description: "Why the task exists (normalise: the source traits it fixes)." },
    failed: { const: true, description: "Real runs: the task failed for good (its title says why)." },
    tries: { type: "integer", minimum: 1, description: "Real runs: tries the task took, retries and fallback included." },
    fallback: { type: "string", description: "Real runs: the fallback the task succeeded or failed with (e.g. preset veryfast)." },
    cpuSeconds: { type: "number", minimum: 0, description: "Real runs: CPU seconds the task's ffmpeg used, sampled from /proc (a lower bound)." },
    worker: { type: "string", description: "Farm runs (vps run --queue): the worker whose try succeeded." },
    node: { type: "string", description: "Farm runs: the worker instance the scheduler placed the task on (coordinator-side tasks too: they hold its slot)." },
    ran: {
      type: "object",
      additionalProperties: false,
      required: ["start", "end"],
      description: "Farm runs: when the accepted try held its slot on the worker, by the worker's clock (start and end are the coordinator's, hand-overs included).",
      properties: { start: seconds("Seconds after the epoch."), end: seconds("Seconds after the epoch.") },
    },
    resumed: { const: true, description: "Real runs: finished by an earlier run in the same directory and checked again (not redone)." },
    error: { type: "string", description: "Real runs: the last try's error of a task that failed for good." },
    output: {
      type: "object",
      additionalProperties: false,
      required: ["path", "bytes", "sha256"],
      description: "Real runs: the checked output, relative to the run's work directory.",
      properties: {
        path: { type: "string" },
        bytes: { type: "integer", minimum: 0 },
        sha256: { type: "string" },
        frames: { type: "integer", minimum: 0 },
        duration: { type: "number", minimum: 0 },
      },
    },
    predicted: { type: "number", minimum: 0, description: "Encodes: seconds the cost model predicted on the task's slots, before the run (end − start is what it took)." },
    argv: {
      type: "array",
      items: { type: "string" },
      description: "Titles with a source file: the ffmpeg arguments (an argument vector, after the program name) that perform the task.",
    },
  },
};

const perPool = (item: object, description: string) => ({ type: "object", additionalProperties: item, description });

/** An object of these figures, each a non-negative number of seconds, all required. */
const secondsFigures = (keys: readonly string[]) => ({
  type: "object",
  additionalProperties: false,
  required: [...keys],
  properties: Object.fromEntries(keys.map((k) => [k, { type: "number", minimum: 0 }])),
});

export const planSchema = {
  $schema: DRAFT,
  title: "vps plan",
  description: "A plan: which task runs where and when, and which titles meet their deadlines (schemaVersion 1).",
  type: "object",
  additionalProperties: false,
  required: ["schemaVersion", "epoch", "policy", "seed", "pools", "titles", "tasks", "metrics", "warnings"],
  properties: {
    schemaVersion: { const: 1 },
    epoch: { type: "string", description: "Time zero, ISO-8601." },
    policy: { type: "string", description: "The ordering policy used (fifo, value, …)." },
    seed: { type: ["integer", "null"], description: "Seed of a synthetic workload, or null." },
    pools: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "slots"],
        properties: { id: { type: "string" }, slots: { type: "integer", minimum: 0 } },
      },
    },
    titles: { type: "array", items: planTitleSchema },
    tasks: { type: "array", items: planTaskSchema },
    metrics: {
      type: "object",
      additionalProperties: false,
      required: [
        "deadlineCompliance", "makespan", "utilization", "idleWhileQueued", "titles", "tasks", "late", "downgraded",
        "turnaround", "peakRunning", "peakScratchGiB", "waits", "valueChangeDelay", "promotions", "promotionDelay",
        "prediction",
      ],
      properties: {
        deadlineCompliance: { type: ["number", "null"], minimum: 0, maximum: 1, description: "Share of titles with a deadline that are on time." },
        makespan: seconds("End of the last task."),
        utilization: perPool(ratio("Busy slot-seconds over available slot-seconds."), "Per pool."),
        idleWhileQueued: perPool(ratio("Slot-seconds left idle while ready work waited, over available slot-seconds."), "Per pool."),
        titles: { type: "integer", minimum: 0 },
        tasks: { type: "integer", minimum: 0 },
        late: { type: "integer", minimum: 0 },
        downgraded: { type: "integer", minimum: 0 },
        turnaround: perPool(
          {
            type: "object",
            additionalProperties: false,
            required: ["count", "mean", "p95", "max"],
            properties: { count: { type: "integer", minimum: 0 }, mean: { type: "number" }, p95: { type: "number" }, max: { type: "number" } },
          },
          "Per tier: arrival → finish.",
        ),
        stretch: perPool(
          {
            type: "object",
            additionalProperties: false,
            required: ["mean", "p95", "max"],
            properties: { mean: { type: "number", minimum: 1 }, p95: { type: "number", minimum: 1 }, max: { type: "number", minimum: 1 } },
          },
          "Per tier of arrival: turnaround ÷ the title's floor, its turnaround with the farm to itself (critical path at the widest useful width, its work over the pools' slots); 1.0 = as if alone. Absent in plans written before it was measured.",
        ),
        peakRunning: perPool({ type: "integer", minimum: 0 }, "Per pool: most slots held at once."),
        peakScratchGiB: { type: "number", minimum: 0 },
        timeToFirstSlot: perPool(secondsFigures(["p95", "max"]), "Per tier (of arrival): arrival → the title's first task start (absent in plans written before it was measured)."),
        waits: perPool(secondsFigures(["max", "mean"]), "Per tier of arrival: seconds titles waited with work ready (longest and mean)."),
        valueChangeDelay: {
          type: "object",
          additionalProperties: false,
          required: ["changes", "mean", "max"],
          description: "From each value change to the first dispatch decision that ordered with it.",
          properties: { changes: { type: "integer", minimum: 0 }, mean: { type: "number", minimum: 0 }, max: { type: "number", minimum: 0 } },
        },
        promotions: { type: "integer", minimum: 0, description: "Automatic viral promotions." },
        prediction: predictionSchema,
        ladders: laddersSchema,
        promotionDelay: {
          type: "object",
          additionalProperties: false,
          required: ["mean", "max"],
          description: "From the first analytics report above the promotion threshold to the promotion (the smoothing's lag).",
          properties: { mean: { type: "number", minimum: 0 }, max: { type: "number", minimum: 0 } },
        },
      },
    },
    warnings: strings("Inputs that were ignored, and why."),
  },
} as const;

/**
 * The plan contract (DESIGN.md): the fields other tools rely on, with their names and meanings.
 * `vps verify` requires these of any plan; every other field vps writes is optional to it (but
 * checked when present), and fields vps does not know are fine ("add fields freely").
 */
export const CONTRACT_FIELDS = {
  plan: ["schemaVersion", "epoch", "policy", "seed", "pools", "titles", "tasks", "metrics"],
  pool: ["id", "slots"],
  title: ["id", "tier", "arrival", "deadline", "finish", "onTime", "downgrades"],
  downgrade: ["step"],
  task: ["id", "title", "kind", "pool", "slots", "start", "end", "after"],
  metrics: ["deadlineCompliance", "makespan", "utilization"],
} as const;

type Json = Record<string, unknown>;

/** A copy of a schema without `additionalProperties: false` anywhere. */
function open(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(open);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) if (!(k === "additionalProperties" && v === false)) out[k] = open(v);
  return out;
}

/** The schema `vps verify` checks against: the plan schema, open to unknown keys, requiring only the contract's fields. */
export function contractSchema(): Json {
  const root = open(planSchema) as Json;
  const props = (s: Json) => s.properties as Json;
  const items = (s: Json, key: string) => (props(s)[key] as Json).items as Json;
  const title = items(root, "titles");
  const require: [Json, readonly string[]][] = [
    [root, CONTRACT_FIELDS.plan],
    [items(root, "pools"), CONTRACT_FIELDS.pool],
    [title, CONTRACT_FIELDS.title],
    [items(title, "downgrades"), CONTRACT_FIELDS.downgrade],
    [items(root, "tasks"), CONTRACT_FIELDS.task],
    [props(root).metrics as Json, CONTRACT_FIELDS.metrics],
  ];
  for (const [schema, fields] of require) schema.required = [...fields];
  return root;
}
