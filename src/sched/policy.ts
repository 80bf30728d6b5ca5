// Policies order titles competing for a pool. Each is a pure function of a small snapshot of a
// title and the current time; the scheduler keeps the keys in indexed heaps (higher runs first).
//
// `value` works in log space so its terms add up:
//   key = ln(weight)                          tier × audience (src/value/weight.ts)
//       − β · ln(remaining work / mean work)  shorter remaining work first (WSPT), damped by β
//       + urgency                             ATC-style: −slack⁺ / K for deadline titles,
//                                             a constant −S₀ for titles without one; a deadline
//                                             only ever raises priority (floor −S₀), so a
//                                             far-off release never waits behind uploads
//                                             that have no deadline at all
//       − arrival / τ                         aging: every waiting title gains 1/τ per second
// The aging term is the same slope for everyone, so only `−arrival/τ` needs storing and the order
// between titles without deadlines never changes over time; only deadline titles are re-keyed at
// each review (their slack shrinks). A ugc title overtakes a fresh premium one after waiting
// τ · ln(weight ratio): that is the no-starvation bound.

export interface TitleView {
  arrival: number;
  deadline: number | null;
  weight: number;
  /** Slot-seconds of this title not yet started. */
  remainingWork: number;
  /** Seconds the title still needs with unlimited capacity (its remaining critical path). */
  remainingPath: number;
}

export interface Policy {
  name: PolicyName;
  /** Whether the policy may trade quality for time (downgrades). */
  downgrades: boolean;
  /** Whether keys of deadline titles change with time (they are re-keyed at each review). */
  timeDependent: boolean;
  key(t: TitleView, now: number): number;
}

export const POLICY_NAMES = ["value", "fifo"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface ValueParams {
  /** Mean work of a title (slot-seconds), the WSPT reference. */
  meanWork: number;
  /** Mean critical path of a title (seconds), the ATC look-ahead scale. */
  meanPath: number;
  /** ATC look-ahead multiplier k: K = k · meanPath. */
  k: number;
  /** Damping of the shortest-work term (0 = ignore work, 1 = pure WSPT). */
  beta: number;
  /** Aging time constant τ, seconds. */
  tau: number;
  /** Urgency of a title without a deadline, in units of K of slack. */
  noDeadlineSlack: number;
}

export const DEFAULT_VALUE_PARAMS: Omit<ValueParams, "meanWork" | "meanPath"> = {
  k: 2,
  // Small: a premium episode has ~100× the work of a ugc clip, and ln(100)·β must stay well
  // below ln(tier ratio) or the tier would not decide who goes first.
  beta: 0.25,
  tau: 2 * 3600,
  // Large enough that a standard-tier deadline title overtakes a premium one without a deadline
  // once its slack falls under ~1.7 K (ln 8 ≈ 2.1 below 4).
  noDeadlineSlack: 4,
};

export function fifoPolicy(): Policy {
  return { name: "fifo", downgrades: false, timeDependent: false, key: (t) => -t.arrival };
}

export function valuePolicy(params: ValueParams): Policy {
  const K = Math.max(60, params.k * params.meanPath);
  const meanWork = Math.max(1, params.meanWork);
  return {
    name: "value",
    downgrades: true,
    timeDependent: true,
    key(t, now) {
      const size = params.beta * Math.log(Math.max(1, t.remainingWork) / meanWork);
      const slack = t.deadline === null ? Infinity : Math.max(0, t.deadline - now - t.remainingPath);
      const urgency = Math.max(-params.noDeadlineSlack, -slack / K);
      return Math.log(t.weight) - size + urgency - t.arrival / params.tau;
    },
  };
}

export function makePolicy(name: PolicyName, stats: { meanWork: number; meanPath: number }): Policy {
  return name === "fifo" ? fifoPolicy() : valuePolicy({ ...DEFAULT_VALUE_PARAMS, ...stats });
}
