// Policies order titles competing for a pool. Each is a pure function of a small snapshot of a
// title and the current time; the scheduler keeps the keys in indexed heaps (higher runs first).
//
// `value` works in log space so its terms add up:
//   key = ln(weight)                          tier × audience (src/value/weight.ts)
//       − β · ln(remaining work / mean work)  shorter remaining work first (WSPT), damped by β
//       + urgency                             titles without a deadline: a constant −S₀;
//                                             deadline titles: −laxity / (k · time still needed),
//                                             floored at −S₀ (a deadline only ever raises
//                                             priority), ATC's slack measured against the farm's
//                                             load and relative to the title's own size, so a 4K
//                                             season finale and a 2-minute clip share one scale
//       − arrival / τ                         aging: every waiting title gains 1/τ per second
// A deadline title whose laxity falls below k times the time it still needs is *at risk*: it
// moves to a band above every other title, with every deadline title sequenced before it (they
// would delay it). The band is served in the deadline sequence (src/sched/order.ts): earliest
// deadline first whenever that has every deadline title on time (the order the projection
// assumes), else the order of least weighted tardiness found; within a group due together,
// longest remaining critical path first: members that need longest start first, so no episode
// of a season drop is left with a path that no longer fits.
// The aging term is the same slope for everyone, so only `−arrival/τ` needs storing and the order
// between titles without deadlines never changes over time; only deadline titles are re-keyed at
// each review (their laxity shrinks).
// No starvation: a title that has been waiting for half of `maxWait` moves to an aged band above
// every title that is not at risk of missing a deadline, first come first served within it, so it
// is served within the bound unless the farm is full of work that arrived before it or of
// releases at risk. Below that, aging is gentle (τ = maxWait: a title's weight grows e-fold per
// maxWait of waiting), so uploads do not overtake catalogue work after an hour or two.

import type { PolicyConfig } from "../model";

export interface TitleView {
  arrival: number;
  deadline: number | null;
  weight: number;
  /** Slot-seconds of this title not yet started. */
  remainingWork: number;
  /** Projected finish at the last review (absolute seconds), given the farm's load. */
  projected: number;
  /** Seconds the title still needs with unlimited capacity (its remaining critical path). */
  remainingPath: number;
  /** Seconds to spare before the deadline, the tightest of the title's and later groups'. */
  laxity: number;
  /** Deadline order of the title's group (higher is later); -1 without a deadline. */
  groupEnd: number;
  /** The title's block in the deadline sequence (higher is later): the band's order. */
  sequenceBlock: number;
  /** In the band because a title sequenced after it is at risk (src/sched/order.ts). */
  bandFollower: boolean;
}

export interface Policy {
  name: PolicyName;
  /** Whether the policy may trade quality for time (downgrades). */
  downgrades: boolean;
  /** Whether keys of deadline titles change with time (they are re-keyed at each review). */
  timeDependent: boolean;
  key(t: TitleView, now: number): number;
  /**
   * Whether the title is at risk of missing its deadline on its own slack. The band holds these
   * and the titles sequenced before them (`bandFollower`), which they wait for.
   */
  atRisk(t: TitleView, now: number): boolean;
  /** Seconds after arrival at which a waiting title joins the aged band (Infinity: never). */
  agedAfter: number;
}

export const POLICY_NAMES = ["value", "fifo"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface ValueParams {
  /** Mean work of a title (slot-seconds), the WSPT reference. */
  meanWork: number;
  /** Look-ahead multiplier k: laxity is measured in units of k × the time the title still needs. */
  k: number;
  /** Damping of the shortest-work term (0 = ignore work, 1 = pure WSPT). */
  beta: number;
  /** Aging time constant τ, seconds. */
  tau: number;
  /** Seconds after arrival at which a title joins the aged band. */
  agedAfter: number;
  /** Urgency of a title without a deadline, in units of K of slack. */
  noDeadlineSlack: number;
}

export const DEFAULT_VALUE_PARAMS: Omit<ValueParams, "meanWork" | "tau" | "agedAfter"> = {
  k: 2,
  // Small: a premium episode has ~100× the work of a ugc clip, and ln(100)·β must stay well
  // below ln(tier ratio) or the tier would not decide who goes first.
  beta: 0.25,
  // Large enough that a standard-tier deadline title overtakes a premium one without a deadline
  // once its laxity falls under ~1.9 k times the time it still needs (ln 8 ≈ 2.1 below 4).
  noDeadlineSlack: 4,
};

export function fifoPolicy(): Policy {
  return { name: "fifo", downgrades: false, timeDependent: false, key: (t) => -t.arrival, atRisk: () => false, agedAfter: Infinity };
}

/** The remaining-work ratio in the size term is clamped to [1/SIZE_CLAMP, SIZE_CLAMP]. */
export const SIZE_CLAMP = 100;

/** Laxity below a minute is noise in a plan measured in minutes and hours. */
const MIN_HORIZON = 60;
/** The at-risk band sits far above any ordinary key; groups in it are GROUP_STEP apart. */
const AT_RISK = 1e9;
/** The aged band: below every at-risk group (up to 10^5 groups), above every ordinary key. */
const AGED = 5e8;
const GROUP_STEP = 1000;


export function valuePolicy(params: ValueParams): Policy {
  const meanWork = Math.max(1, params.meanWork);
  const scale = (t: TitleView, now: number) => params.k * Math.max(MIN_HORIZON, t.projected - now);
  const atRisk = (t: TitleView, now: number) => t.deadline !== null && t.laxity < scale(t, now);
  return {
    name: "value",
    downgrades: true,
    timeDependent: true,
    atRisk,
    agedAfter: params.agedAfter,
    key(t, now) {
      const ratio = Math.min(SIZE_CLAMP, Math.max(1 / SIZE_CLAMP, t.remainingWork / meanWork));
      const size = params.beta * Math.log(ratio);
      const base = Math.log(t.weight) - size - t.arrival / params.tau;
      if (t.bandFollower || atRisk(t, now)) return AT_RISK - t.sequenceBlock * GROUP_STEP + Math.min(GROUP_STEP - 1, t.remainingPath / 60);
      // First come, first served within the band; arrivals are at most ~10^7 s after the epoch.
      if (now - t.arrival >= params.agedAfter) return AGED - t.arrival / 1e3;
      if (t.deadline === null) return base - params.noDeadlineSlack;
      return base + Math.max(-params.noDeadlineSlack, -t.laxity / scale(t, now));
    },
  };
}

export function makePolicy(name: PolicyName, stats: { meanWork: number }, config: PolicyConfig): Policy {
  if (name === "fifo") return fifoPolicy();
  return valuePolicy({ ...DEFAULT_VALUE_PARAMS, ...stats, tau: config.maxWait, agedAfter: config.maxWait / 2 });
}
