// The normalised scenario: what `vps simulate` turns into a synthetic Workload with a seed.
// A scenario describes populations, not titles: each cohort is a group of titles that arrive by
// one arrival process and share one content mix, deliverable rule, deadline rule and value
// distribution (e.g. "UGC uploads at 40 an hour", "eight premium episodes released at +6h").
// All times are seconds after the epoch; durations are seconds.
import { CONTENT_CLASSES, type Capacity, type ContentClass, type PolicyConfig, type Seconds } from "../model";

/** One choice of a weighted pick; weights are relative (they need not sum to 1). */
export interface Weighted<T> {
  item: T;
  weight: number;
}

/** A lognormal given by its median and the standard deviation of its log, clamped to [min, max]. */
export interface LogNormalSpec {
  median: number;
  /** Sigma of ln(x): 0.5 puts two thirds of the draws within ×/÷ 1.65 of the median, 1 within ×/÷ 2.7. */
  spread: number;
  min: number;
  max: number;
}

export interface RangeSpec {
  min: number;
  max: number;
}

/** A time window in which the arrival rate is multiplied by `factor` (a burst, a peak hour, a lull). */
export interface Peak {
  from: Seconds;
  to: Seconds;
  factor: number;
}

/**
 * How a cohort's titles arrive in [from, to]: `count` titles spread by the rate profile, or a
 * Poisson process of `perHour` titles an hour (shaped by the same profile). `from === to` with a
 * count puts every title at that instant (a backlog at time zero, a batch delivery).
 */
export type ArrivalSpec =
  | { kind: "count"; count: number; from: Seconds; to: Seconds; peaks: Peak[] }
  | { kind: "rate"; perHour: number; from: Seconds; to: Seconds; peaks: Peak[] };

export interface Resolution {
  width: number;
  height: number;
}

export type HdrKind = "pq" | "hlg";

export interface ContentSpec {
  classes: Weighted<ContentClass>[];
  duration: LogNormalSpec;
  resolutions: Weighted<Resolution>[];
  fps: Weighted<number>[];
  /** Share of HD-or-larger sources (short side ≥ 1080) that are HDR; HDR sources are 10-bit. */
  hdrShare: number;
  hdrTransfers: Weighted<HdrKind>[];
  complexity: RangeSpec;
  /** Per-class complexity ranges that override `complexity` (screen recordings are simple, sports are not). */
  complexityByClass: Partial<Record<ContentClass, RangeSpec>>;
}

/**
 * Deadlines: none; `after` arrival (± a uniform jitter no larger than `after`, so never before
 * arrival); or `at` one fixed release time for the whole cohort. `share` of the titles get one.
 */
export type DeadlineRule =
  | { kind: "none" }
  | { kind: "after"; after: Seconds; jitter: Seconds; share: number }
  | { kind: "at"; at: Seconds; share: number };

export interface ValueSpec {
  expectedViews: LogNormalSpec | null;
  subscribers: LogNormalSpec | null;
  revenuePerView: number;
}

/** Titles that go viral: a burst of views some time after arrival, reported as analytics events. */
export interface ViralSpec {
  share: number;
  afterMin: Seconds;
  afterMax: Seconds;
  viewsPerHour: LogNormalSpec;
  lasts: Seconds;
  baseline: number;
  every: Seconds;
}

export interface Cohort {
  /** Title id prefix (`prem` → `prem-0001`); unique in the scenario. Also names its random streams. */
  id: string;
  tier: string;
  arrivals: ArrivalSpec;
  content: ContentSpec;
  /** Weighted deliverable sets; a fixed list is one set of weight 1. Every set has an SDR deliverable. */
  deliverables: Weighted<string[]>[];
  deadline: DeadlineRule;
  value: ValueSpec;
  viral: ViralSpec | null;
}

export interface Scenario {
  description: string;
  epoch: string;
  capacity: Capacity;
  tiers: Record<string, number>;
  /** Length of the arrival window; cohort windows lie inside [0, window]. */
  window: Seconds;
  cohorts: Cohort[];
  policy: PolicyConfig;
}

/** Deliverables of the shipped recipe library, and whether each needs an HDR 10-bit source. */
export const DELIVERABLES: Record<string, { hdr: boolean }> = {
  "h264-sdr": { hdr: false },
  "hevc-sdr": { hdr: false },
  "hevc-hdr10": { hdr: true },
  av1: { hdr: false },
};

export const DEFAULT_EPOCH = "2026-01-01T00:00:00Z";

/** Tier weights every workload starts from; a scenario's `tiers` merge over them. */
export const DEFAULT_TIERS: Readonly<Record<string, number>> = { premium: 8, partner: 4, standard: 2, ugc: 1 };

export function isContentClass(key: string): key is ContentClass {
  return (CONTENT_CLASSES as readonly string[]).includes(key);
}
