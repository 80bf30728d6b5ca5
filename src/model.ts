// The normalised model every stage after `load` works on. Names follow the glossary in DESIGN.md:
//   title        one source video to process (an episode, an upload)
//   deliverable  an output family requested for a title (`h264-sdr`, `hevc-hdr10`, `av1`)
//   recipe       encoder settings for a content class and deliverable, with its downgrade ladder
//   rendition    one rung of a ladder (resolution, bitrate, codec settings)
//   task         one unit of schedulable work on one pool
//   pool         a fixed set of identical encoder resources counted in integer slots
//   downgrade    a step that trades quality for time, recorded in the plan
//   policy       the rule that orders ready tasks
//   epoch        time zero of a plan; every time below is seconds after it
// All times are seconds after the epoch; all work is slot-seconds.

export type Seconds = number;

/** Where a value came from in an input file, so later stages can still point at the YAML. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
  path: string;
}

export interface Pool {
  id: string;
  slots: number;
  /** Memory of the whole pool in GiB; null when the user does not limit it. */
  memoryGiB: number | null;
}

export interface Capacity {
  pools: Pool[];
  /** Scratch storage for intermediate files (encoded renditions awaiting packaging), GiB; null = unlimited. */
  scratchGiB: number | null;
}

export const CONTENT_CLASSES = [
  "animation",
  "talking-head",
  "high-motion",
  "film-grain",
  "screen",
  "generic",
] as const;
export type ContentClass = (typeof CONTENT_CLASSES)[number];

export type HdrTransfer = "sdr" | "pq" | "hlg";

export interface ContentProfile {
  duration: Seconds;
  width: number;
  height: number;
  fps: number;
  bitDepth: number;
  hdr: HdrTransfer;
  contentClass: ContentClass;
  /** 0 (static slides) .. 1 (confetti in the rain); scales encode work and bitrate need. */
  complexity: number;
  /** Path of the source file, when the title has one. */
  source: string | null;
  /** false: the source has no audio track (its packages are video-only). Absent: it has audio. */
  audio?: boolean;
}

/** Figures from the platform's analytics; all optional in YAML, zero when unknown. */
export interface ValueFigures {
  expectedViews: number;
  viewsSoFar: number;
  subscribers: number;
  revenuePerView: number;
}

export interface Title {
  id: string;
  arrival: Seconds;
  tier: string;
  value: ValueFigures;
  content: ContentProfile;
  deliverables: string[];
  deadline: Seconds | null;
  /** Explicit work estimate (slot-seconds for all encodes) that overrides the cost model. */
  work: number | null;
  /** Name of a custom pipeline in `Workload.pipelines`; null = the default pipeline. */
  pipeline: string | null;
  /**
   * Why the measured source needs a normalisation (mezzanine) step before encoding (interlaced,
   * variable frame rate, an odd pixel format or codec); absent or empty when it needs none.
   */
  normalise?: string[];
  /**
   * Per-title ladders by deliverable (`--ladders per-title`, predicted by the rate–quality model
   * from the title's content): they replace the recipe's ladder. Absent = the recipe's ladder.
   */
  ladders?: Readonly<Record<string, Rendition[]>>;
}

export type TaskKind = "normalise" | "analyse" | "encode" | "join" | "audio" | "package" | "publish" | "custom";

/** One stage of a custom pipeline as the user writes it. */
export interface PipelineStage {
  id: string;
  /** analyse | encode | package | publish expand as in the default pipeline; custom is a plain task. */
  kind: "analyse" | "encode" | "package" | "publish" | "custom";
  after: string[];
  /** For custom stages: pool and work as a multiple of the title's duration (slot-seconds per second). */
  pool: string | null;
  workPerSecond: number;
  slots: number;
}

/**
 * An analytics update for one title at one time: the figures it names replace the title's own.
 * `views` is the cumulative count so far (viewsSoFar); its rate of change is the view velocity.
 */
export interface AnalyticsEvent {
  at: Seconds;
  title: string;
  views?: number;
  expectedViews?: number;
  subscribers?: number;
  revenuePerView?: number;
}

/** The automatic viral promotion rule (hysteresis: promote fast, demote slowly). */
export interface ViralRule {
  /** Promote when the smoothed view velocity (views per hour) rises above this. */
  promoteAbove: number;
  /** Demote only after the smoothed velocity stays below this for `demoteAfter`. */
  demoteBelow: number;
  demoteAfter: Seconds;
  /** Time constant of the exponential smoothing of the velocity. */
  smoothing: Seconds;
  /** The tier a promoted title is served as. */
  promoteTo: string;
}

export interface PolicyConfig {
  /** No-starvation bound: a waiting title outranks every title that arrives this much later. */
  maxWait: Seconds;
  /**
   * Longest an encode of a title without a deadline may hold its slots, by the cost model on one
   * slot: longer ones are cut into more chunks, so a premium arrival or a promotion finds a slot
   * within about this long. Null (the default): encodes are cut by the title's length only.
   */
  maxResponse: Seconds | null;
  viral: ViralRule;
}

export interface Workload {
  epoch: string;
  capacity: Capacity;
  /** Base weight of each tier; the value policy scales priority by it. */
  tiers: Record<string, number>;
  titles: Title[];
  pipelines: Record<string, PipelineStage[]>;
  policy: PolicyConfig;
  /** Analytics over time, sorted by time (stable). */
  events: AnalyticsEvent[];
}

// ---- recipes -------------------------------------------------------------------------------

export type Codec = "h264" | "hevc" | "av1" | "vp9";

export interface Rendition {
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
  /** PSNR-Y the rate–quality model predicts for this rung, dB: set on per-title ladders only. */
  psnr?: number;
}

export type DowngradeStep =
  | { step: "faster-preset"; preset: string; workFactor: number; qualityCost: number }
  | { step: "drop-top-rung"; qualityCost: number }
  | { step: "defer-rendition"; rendition: string; qualityCost: number };

export interface Recipe {
  id: string;
  deliverable: string;
  /** The content class this recipe is tuned for; "generic" serves every class without its own. */
  contentClass: ContentClass;
  codec: Codec;
  encoder: string;
  preset: string;
  pool: string;
  /** HDR deliverables need a 10-bit HDR source; SDR ones tone-map nothing and accept any source. */
  hdr: boolean;
  bitDepth: number;
  settings: Record<string, string | number | boolean>;
  /** Why these settings, in the recipe author's words. */
  reason: string;
  ladder: Rendition[];
  /** Ordered: step n is only available once step n-1 is applied. */
  downgrades: DowngradeStep[];
  /** Real runs only: the encoder to try when this one fails on a task after every retry and the faster preset. */
  fallback?: FallbackEncoder;
  /** The deliverable's audio renditions (absent: AAC-LC stereo 128 kb/s, DEFAULT_AUDIO). */
  audio?: AudioProfile[];
  /** The packages the deliverable ships (absent: both). */
  package?: PackageFormat[];
  /** Segment length of its packages, seconds (absent: 2); every encode forces a keyframe at each segment's start. */
  segmentSeconds?: number;
}

/** One audio rendition: encoded once per title from the source, shared by every deliverable that lists it. */
export interface AudioProfile {
  name: string;
  codec: "aac" | "opus";
  bitrateKbps: number;
  channels: number;
}

export type PackageFormat = "hls" | "dash";

/** Another encoder of the same codec, with its own preset and settings (the deliverable's `fallback`). */
export interface FallbackEncoder {
  encoder: string;
  preset: string;
  settings: Record<string, string | number | boolean>;
  reason: string;
}

export interface RecipeBook {
  recipes: Recipe[];
}

// ---- tasks and plans -----------------------------------------------------------------------

export interface Task {
  id: string;
  title: string;
  kind: TaskKind;
  pool: string;
  slots: number;
  /** Predicted wall duration on `slots` slots. */
  duration: Seconds;
  /** Predicted work on one slot (slot-seconds): what the task costs before any parallel overhead. */
  work: number;
  /**
   * Fraction of the work that spreads over slots (Amdahl): the task runs `work × (1 − p + p/s)`
   * seconds on s slots. Null for tasks whose width is fixed (the small stages, custom stages).
   */
  parallel: number | null;
  memoryGiB: number;
  /** Intermediate bytes this task writes to scratch (GiB), held until the title is packaged. */
  scratchGiB: number;
  after: string[];
  deliverable: string | null;
  rendition: string | null;
  chunk: number | null;
  /** How many chunks the task's rendition is cut into (null: not cut). */
  chunks: number | null;
  /** Encoder preset of an encode task (downgrades may change it). */
  preset: string | null;
  /** Id of the recipe an encode task follows (`h264-sdr/animation`). */
  recipe: string | null;
  /** Why the task exists, when that is not obvious from its kind (a normalise task's source traits). */
  reason?: string;
}

export interface DowngradeRecord {
  step: DowngradeStep["step"];
  at: Seconds;
  deliverable: string;
  rendition?: string;
  preset?: string;
  /** Predicted seconds the step takes off the title's projected finish. */
  timeSaved: Seconds;
  qualityCost: number;
}

export interface TierChange {
  at: Seconds;
  kind: "promote" | "demote";
  from: string;
  to: string;
  reason: string;
}

export interface PlanTitle {
  id: string;
  /** The tier the title arrived with (see tierChanges for promotions). */
  tier: string;
  arrival: Seconds;
  deadline: Seconds | null;
  finish: Seconds | null;
  onTime: boolean | null;
  /** Seconds past the deadline; 0 when on time, null without a deadline or finish. */
  lateBy: Seconds | null;
  downgrades: DowngradeRecord[];
  tierChanges: TierChange[];
  /** Seconds the title had work ready to run and none of it running. */
  waited: Seconds;
  /** Set on a follow-up title that carries renditions deferred past the release of `deferredFrom`. */
  deferredFrom?: string;
  /** With per-title ladders: the ladder predicted for each deliverable a rate–quality model covers. */
  ladders?: PlanLadder[];
  /** Real runs: the task whose failure held the title (finish is then null: it was not published). */
  failed?: TaskFailure;
  /** Real runs with `--partial publish`: renditions that failed and were left out of the published title. */
  failedRenditions?: TaskFailure[];
}

/** A task that failed for good in a real run, and why (the tool's last words). */
export interface TaskFailure {
  task: string;
  at: Seconds;
  reason: string;
  deliverable?: string;
  rendition?: string;
}

export interface PlanLadder {
  deliverable: string;
  /** Highest rung first; psnr is the model's prediction, dB. */
  rungs: { name: string; width: number; height: number; kbps: number; psnr: number }[];
}

/** What per-title ladders changed in a plan (see src/ladder/perTitle.ts). */
export interface LadderSummary {
  /** Encoders the rate–quality models speak for. */
  encoders: string[];
  /** Title × deliverable pairs given a predicted ladder. */
  predicted: number;
  /** Pairs that kept the recipe's ladder (no model for their encoder, an HDR deliverable, or screen content). */
  kept: number;
  /** Predicted BD-rate (PSNR-Y) of each per-title ladder against the recipe's ladder for the title: median, 10th and 90th percentile. */
  bdRate: { median: number; p10: number; p90: number } | null;
  /** Σ per-title rung bitrates ÷ Σ recipe rung bitrates, over the predicted pairs. */
  bitrateRatio: number | null;
}

export interface PlanTask {
  id: string;
  title: string;
  kind: TaskKind;
  pool: string;
  slots: number;
  start: Seconds;
  end: Seconds;
  after: string[];
  deliverable?: string;
  rendition?: string;
  chunk?: number;
  chunks?: number;
  preset?: string;
  recipe?: string;
  /** Why the task exists (normalise: the source traits it fixes). */
  reason?: string;
  /** Real runs: the task failed for good (its title's `failed` or `failedRenditions` says why). */
  failed?: boolean;
  /** Real runs: tries the task took (retries included), the fallback it ran with, its checked output. */
  tries?: number;
  fallback?: string;
  /** Real runs: CPU seconds the task's ffmpeg used (÷ wall seconds ÷ slots: how well it kept to its width). */
  cpuSeconds?: number;
  /** Farm runs: the worker (`vps worker --name`) whose try made the output. */
  worker?: string;
  /** Farm runs: the worker instance the scheduler placed the task on (coordinator-side tasks too: they hold its slot). */
  node?: string;
  /**
   * Farm runs: when the accepted try held its slot on the worker, by the worker's clock (ffmpeg's
   * start to its output checked); start and end above are the coordinator's, hand-overs included.
   */
  ran?: { start: Seconds; end: Seconds };
  resumed?: boolean;
  output?: { path: string; bytes: number; sha256: string; frames?: number; duration?: number };
  /** Real runs: the last try's error of a task that failed for good. */
  error?: string;
  /** Encodes: seconds the cost model predicted for the task on its slots, before the run (end − start is what it took). */
  predicted?: Seconds;
  /** For titles with a source file: the exact ffmpeg arguments (after `ffmpeg`) that perform the task. */
  argv?: string[];
}

export interface PlanMetrics {
  deadlineCompliance: number | null;
  makespan: Seconds;
  utilization: Record<string, number>;
  /**
   * Per pool: share of its slot-time left idle while ready work waited (strict priority order
   * holding a wide task's place, a deadline guard, scratch). Low is good: the farm stays busy.
   */
  idleWhileQueued: Record<string, number>;
  titles: number;
  tasks: number;
  late: number;
  downgraded: number;
  /** Per tier: mean and p95 turnaround (arrival → finish). */
  turnaround: Record<string, { count: number; mean: Seconds; p95: Seconds; max: Seconds }>;
  /**
   * Per tier of arrival: turnaround ÷ the title's floor, the turnaround it could have had with the
   * farm to itself (1.0 = as if it were alone). Absent in plans written before it was measured.
   */
  stretch?: Record<string, { mean: number; p95: number; max: number }>;
  peakRunning: Record<string, number>;
  peakScratchGiB: number;
  /** Per tier (the tier of arrival): the longest and mean time titles waited with ready work. */
  waits: Record<string, { max: Seconds; mean: Seconds }>;
  /**
   * Per tier (of arrival): from a title's arrival to its first task starting, the farm's response
   * to new work (bounded by `policy.maxResponse` where long encodes are cut).
   */
  timeToFirstSlot?: Record<string, { p95: Seconds; max: Seconds }>;
  /** From each value change to the first dispatch decision that ordered with it. */
  valueChangeDelay: { changes: number; mean: Seconds; max: Seconds };
  promotions: number;
  /** From the first analytics report above the promotion threshold to the promotion (the smoothing's lag). */
  promotionDelay: { mean: Seconds; max: Seconds };
  /** Predicted against actual encode durations over the run (see src/plan/prediction.ts). */
  prediction: PredictionMetrics;
  /** Present when the plan used per-title ladders. */
  ladders?: LadderSummary;
}

/** Absolute percentage errors as fractions (0.1 = 10%); batchTotal is signed (+ = over-predicted). */
export interface PredictionMetrics {
  encodes: number;
  /** The cost model's prediction for each encode, before the run. */
  firstEstimate: { median: number; p90: number };
  /** The scheduler's estimate when it started each encode, after learning from the title's finished ones. */
  atStart: { median: number; p90: number };
  /** Per title: Σ first estimates against Σ actual durations of its encodes. */
  perTitle: { median: number; p90: number };
  batchTotal: number;
}

export interface Plan {
  schemaVersion: 1;
  epoch: string;
  policy: string;
  seed: number | null;
  pools: { id: string; slots: number }[];
  titles: PlanTitle[];
  tasks: PlanTask[];
  metrics: PlanMetrics;
  /** Inputs that were ignored, and why (an event for a title already published, …). */
  warnings: string[];
}
