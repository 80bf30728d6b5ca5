// The JSON Schema of `vps forecast --json`, printed by `vps schema forecast`. Strict (no unknown
// keys) so every field the forecast writes is documented here; a test validates real forecasts.
import { DRAFT } from "../load/schemas";

const seconds = (description: string) => ({ type: "number", description });
const nullableSeconds = (description: string) => ({ type: ["number", "null"], description });
const slotSeconds = (description: string) => ({ type: "number", minimum: 0, description: `Slot-seconds: ${description}` });
const strings = (description: string) => ({ type: "array", items: { type: "string" }, description });

const hourSchema = {
  type: "object",
  additionalProperties: false,
  required: ["hour", "start", "demand", "capacity", "served", "utilisation", "load", "backlog"],
  properties: {
    hour: { type: "integer", description: "Hour index; the hour starts at hour × 3600 seconds after the epoch." },
    start: seconds("Seconds after the epoch."),
    demand: slotSeconds("work of the titles that arrive in this hour."),
    capacity: slotSeconds("slots × 3600."),
    served: slotSeconds("work the fluid model runs in this hour."),
    utilisation: { type: "number", minimum: 0, maximum: 1, description: "served / capacity." },
    load: { type: "number", minimum: 0, description: "demand / capacity; above 1 the hour adds to the backlog." },
    backlog: slotSeconds("work still queued at the end of the hour."),
  },
};

const poolSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "slots", "work", "clearsAt", "doneAt", "peakBacklog", "hours"],
  properties: {
    id: { type: "string" },
    slots: { type: "integer", minimum: 0 },
    work: slotSeconds("every task in this pool."),
    clearsAt: nullableSeconds(
      "When the backlog clears for good: the queue first runs dry in the hour after the last hour that ends with a backlog; null when no hour ends with one.",
    ),
    doneAt: seconds("When the pool's last work is done in the fluid model; 0 without work."),
    peakBacklog: slotSeconds("the largest end-of-hour backlog."),
    hours: { type: "array", items: hourSchema, description: "Every hour of the horizon, in order." },
  },
};

const reason = (kind: string, description: string, properties: Record<string, object>) => ({
  type: "object",
  additionalProperties: false,
  description,
  required: ["kind", "message", ...Object.keys(properties)],
  properties: { kind: { const: kind }, message: { type: "string", description: "The reason in words and figures." }, ...properties },
});

const reasonSchema = {
  oneOf: [
    reason("critical-path", "Too long even on an empty farm: arrival + critical path is after the deadline.", {
      criticalPath: seconds("Seconds from arrival to the last task's end with unlimited capacity."),
      window: seconds("deadline − arrival."),
    }),
    reason("farm", "A pool cannot fit the work due by the deadline in the window that ends there (fluid EDF test).", {
      pool: { type: "string" },
      due: slotSeconds("work of the titles arriving at or after `from` and due by `to`, this title included."),
      capacity: slotSeconds("slots × (to − from)."),
      from: seconds("Window start: an arrival at or before this title's."),
      to: seconds("The title's deadline."),
      titles: { type: "integer", minimum: 1, description: "Titles whose work is in `due`, this one included." },
    }),
    reason("plan-late", "The simulated plan finishes the title after its deadline.", {
      finish: nullableSeconds("The plan's finish; null if it never finished."),
      lateBy: nullableSeconds("Seconds past the deadline."),
      downgrades: strings("Downgrades the plan applied anyway."),
    }),
    reason("plan-downgraded", "The simulated plan makes the deadline only by downgrading.", {
      finish: seconds("The plan's finish."),
      margin: seconds("deadline − finish."),
      downgrades: strings("The downgrades, as `step deliverable [→ preset | rendition]`."),
    }),
  ],
};

const titleSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "tier", "arrival", "deadline", "criticalPath", "work", "atRisk", "slack", "slackBoundBy", "reasons", "plan"],
  properties: {
    id: { type: "string" },
    tier: { type: "string" },
    arrival: seconds("Seconds after the epoch."),
    deadline: seconds("Seconds after the epoch."),
    criticalPath: seconds("Seconds from arrival to the last task's end on an empty farm, every task at its width."),
    work: { type: "object", additionalProperties: slotSeconds("this title's work in the pool."), description: "Per pool." },
    atRisk: { type: "boolean", description: "True when there is at least one reason." },
    slack: seconds("Fluid-bound seconds to spare (the tighter of the critical path and the farm test); negative when at risk on that bound."),
    slackBoundBy: { type: "string", description: "`critical path` or `pool <id>`: what sets the slack." },
    reasons: { type: "array", items: reasonSchema, description: "Why the title is at risk; empty when it is not." },
    plan: {
      type: ["object", "null"],
      additionalProperties: false,
      required: ["finish", "onTime", "lateBy", "margin", "downgrades"],
      description: "What the simulated plan does with the title; null without a plan (--no-plan).",
      properties: {
        finish: nullableSeconds("The plan's finish."),
        onTime: { type: ["boolean", "null"] },
        lateBy: nullableSeconds("Seconds past the deadline; 0 when on time."),
        margin: nullableSeconds("deadline − finish."),
        downgrades: strings("Downgrades the plan applied to the title."),
      },
    },
  },
};

export const forecastSchema = {
  $schema: DRAFT,
  title: "vps forecast",
  description:
    "Before processing begins: demand per pool per hour against capacity, the fluid backlog curve and when it clears, " +
    "and which deadline titles are at risk and why (schemaVersion 1). Times are seconds after the epoch; work is slot-seconds.",
  type: "object",
  additionalProperties: false,
  required: ["schemaVersion", "epoch", "seed", "costModel", "workBasis", "horizon", "pools", "clears", "deadlines", "titles", "plan", "caveats"],
  properties: {
    schemaVersion: { const: 1 },
    epoch: { type: "string", description: "Time zero, ISO-8601." },
    seed: { type: ["integer", "null"], description: "Seed of a synthetic workload, or null." },
    costModel: { type: "string", description: "The cost model that predicted the work (`default` or the model file)." },
    workBasis: { type: "string", description: "How work is counted, in words." },
    horizon: {
      type: "object",
      additionalProperties: false,
      required: ["from", "to", "hours"],
      description: "The hours covered: from the epoch (or an earlier arrival) until every pool's backlog has cleared.",
      properties: { from: seconds("Start."), to: seconds("End."), hours: { type: "integer", minimum: 0 } },
    },
    pools: { type: "array", items: poolSchema, description: "In the workload's order." },
    clears: {
      type: "object",
      additionalProperties: false,
      required: ["at", "fluid", "criticalPath", "boundBy"],
      properties: {
        at: seconds("No earlier than this can all work be done: the later of the two below."),
        fluid: seconds("When every pool's last work is done in the fluid model."),
        criticalPath: seconds("The latest arrival + critical path over all titles."),
        boundBy: { type: "string", description: "`pool <id>` or `critical path of <title>`; empty without work." },
      },
    },
    deadlines: {
      type: "object",
      additionalProperties: false,
      required: ["titles", "atRisk"],
      properties: { titles: { type: "integer", minimum: 0 }, atRisk: { type: "integer", minimum: 0 } },
    },
    titles: { type: "array", items: titleSchema, description: "Titles with a deadline, earliest deadline first, then by id." },
    plan: {
      type: ["object", "null"],
      additionalProperties: false,
      required: ["policy", "makespan", "deadlineCompliance", "late", "downgraded", "work"],
      description: "The simulated plan's headline figures (the same planner as `vps plan`); null with --no-plan.",
      properties: {
        policy: { type: "string" },
        makespan: seconds("End of the plan's last task."),
        deadlineCompliance: { type: ["number", "null"], minimum: 0, maximum: 1 },
        late: { type: "integer", minimum: 0 },
        downgraded: { type: "integer", minimum: 0 },
        work: {
          type: "object",
          additionalProperties: slotSeconds("held by the plan's tasks in the pool, after its downgrades."),
          description: "Per pool; compare with pools[].work (full quality).",
        },
      },
    },
    caveats: strings("Where the fluid bound is optimistic for this workload."),
  },
} as const;
