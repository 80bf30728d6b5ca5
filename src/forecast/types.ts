// The forecast: what a workload asks of the farm before processing begins, hour by hour, and which
// deadline titles are at risk and why. All times are seconds after the epoch; all work is
// slot-seconds (the table shows slot-hours). `vps schema forecast` prints the JSON Schema.
import type { Seconds } from "../model";

/** One hour of one pool in the fluid model. */
export interface HourRow {
  /** Hour index: the hour starts at `hour × 3600` seconds after the epoch. */
  hour: number;
  start: Seconds;
  /** Slot-seconds of work whose title arrives in this hour. */
  demand: number;
  /** Slot-seconds the pool can give in this hour: slots × 3600. */
  capacity: number;
  /** Slot-seconds the fluid model runs in this hour: min(capacity, queued work as it arrives). */
  served: number;
  /** served / capacity. */
  utilisation: number;
  /** demand / capacity: above 1 the hour adds to the backlog. */
  load: number;
  /** Slot-seconds still queued at the end of the hour. */
  backlog: number;
}

export interface PoolForecast {
  id: string;
  slots: number;
  /** Total slot-seconds of every task in this pool. */
  work: number;
  /**
   * When the backlog clears for good: the queue first runs dry in the hour after the last hour that
   * ends with a backlog. Null when no hour ends with a backlog.
   */
  clearsAt: Seconds | null;
  /** When the pool's last work is done in the fluid model (0 without work). */
  doneAt: Seconds;
  /** Largest end-of-hour backlog. */
  peakBacklog: number;
  hours: HourRow[];
}

export interface Clearance {
  /** No earlier than this can the last task end: the later of `fluid` and `criticalPath`. */
  at: Seconds;
  /** When every pool's last work is done in the fluid model. */
  fluid: Seconds;
  /** The latest arrival + critical path over all titles. */
  criticalPath: Seconds;
  /** `pool <id>` or `critical path of <title>`: what sets `at`. */
  boundBy: string;
}

export type RiskReason =
  | { kind: "critical-path"; message: string; criticalPath: Seconds; window: Seconds }
  | {
      kind: "farm";
      message: string;
      pool: string;
      /** Slot-seconds due by `to` from titles arriving at or after `from` (this title included). */
      due: number;
      /** Slot-seconds the pool can give from `from` to `to`. */
      capacity: number;
      from: Seconds;
      to: Seconds;
      /** How many titles that work belongs to, this one included. */
      titles: number;
    }
  | { kind: "plan-late"; message: string; finish: Seconds | null; lateBy: Seconds | null; downgrades: string[] }
  | { kind: "plan-downgraded"; message: string; finish: Seconds; margin: Seconds; downgrades: string[] };

export interface TitlePlanView {
  finish: Seconds | null;
  onTime: boolean | null;
  lateBy: Seconds | null;
  /** deadline − finish: positive when the plan finishes early. */
  margin: Seconds | null;
  downgrades: string[];
}

export interface TitleForecast {
  id: string;
  tier: string;
  arrival: Seconds;
  deadline: Seconds;
  /** Seconds from arrival to the end of the title's last task on an empty farm, every task at its width. */
  criticalPath: Seconds;
  /** Slot-seconds per pool. */
  work: Record<string, number>;
  atRisk: boolean;
  /** Fluid-bound slack: seconds to spare against the tighter of the critical path and the farm test; negative at risk. */
  slack: Seconds;
  /** What sets `slack`: `critical path` or `pool <id>`. */
  slackBoundBy: string;
  reasons: RiskReason[];
  /** What the simulated plan does with the title; null when the plan was not run. */
  plan: TitlePlanView | null;
}

export interface PlanSummary {
  policy: string;
  makespan: Seconds;
  deadlineCompliance: number | null;
  late: number;
  downgraded: number;
  /** Slot-seconds per pool the plan's tasks hold (after its downgrades): compare with the pools' `work`. */
  work: Record<string, number>;
}

export interface Forecast {
  schemaVersion: 1;
  epoch: string;
  seed: number | null;
  costModel: string;
  /** How work is counted, in words. */
  workBasis: string;
  horizon: { from: Seconds; to: Seconds; hours: number };
  pools: PoolForecast[];
  clears: Clearance;
  deadlines: { titles: number; atRisk: number };
  /** Titles with a deadline, earliest deadline first (then by id). */
  titles: TitleForecast[];
  /** The simulated plan's headline figures; null when it was not run (`--no-plan`). */
  plan: PlanSummary | null;
  /** Where the fluid bound is optimistic for this workload. */
  caveats: string[];
}
