// Policies order titles competing for a pool. Each is a pure function of a small snapshot of a
// title and the current time; the scheduler keeps the keys in indexed heaps (higher runs first).
//
// `value` works in log space so its terms add up:
//   key = ln(weight)                          tier × audience (src/value/weight.ts)
//       − β · ln(remaining work / mean work)  shorter remaining work first (WSPT), damped by β
//       + urgency                             deadline titles: −laxity / (k · time still needed),
//                                             where laxity = deadline − projected finish (ATC's
//                                             slack, measured against the farm's load rather than
//                                             the bare critical path, and relative to the title's
//                                             own size so a 4K season finale and a 2-minute
//                                             clip are judged on the same scale); 0 once the
//                                             title is projected late; titles without a deadline
//                                             get a constant −S₀, and a deadline only ever raises
//                                             priority (floor −S₀)
//       − arrival / τ                         aging: every waiting title gains 1/τ per second
// The aging term is the same slope for everyone, so only `−arrival/τ` needs storing and the order
// between titles without deadlines never changes over time; only deadline titles are re-keyed at
// each review (their laxity shrinks). A ugc title overtakes a fresh premium one after waiting
// τ · ln(weight ratio): that is the no-starvation bound.

export interface TitleView {
  arrival: number;
  deadline: number | null;
  weight: number;
  /** Slot-seconds of this title not yet started. */
  remainingWork: number;
  /** Projected finish at the last review (absolute seconds), given the farm's load. */
  projected: number;
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
  /** Look-ahead multiplier k: laxity is measured in units of k × the time the title still needs. */
  k: number;
  /** Damping of the shortest-work term (0 = ignore work, 1 = pure WSPT). */
  beta: number;
  /** Aging time constant τ, seconds. */
  tau: number;
  /** Urgency of a title without a deadline, in units of K of slack. */
  noDeadlineSlack: number;
}

export const DEFAULT_VALUE_PARAMS: Omit<ValueParams, "meanWork"> = {
  k: 2,
  // Small: a premium episode has ~100× the work of a ugc clip, and ln(100)·β must stay well
  // below ln(tier ratio) or the tier would not decide who goes first.
  beta: 0.25,
  tau: 2 * 3600,
  // Large enough that a standard-tier deadline title overtakes a premium one without a deadline
  // once its laxity falls under ~1.9 k times the time it still needs (ln 8 ≈ 2.1 below 4).
  noDeadlineSlack: 4,
};

export function fifoPolicy(): Policy {
  return { name: "fifo", downgrades: false, timeDependent: false, key: (t) => -t.arrival };
}

/** Laxity below a minute is noise in a plan measured in minutes and hours. */
const MIN_HORIZON = 60;

export function valuePolicy(params: ValueParams): Policy {
  const meanWork = Math.max(1, params.meanWork);
  return {
    name: "value",
    downgrades: true,
    timeDependent: true,
    key(t, now) {
      const size = params.beta * Math.log(Math.max(1, t.remainingWork) / meanWork);
      let urgency = -params.noDeadlineSlack;
      if (t.deadline !== null) {
        const laxity = Math.max(0, t.deadline - t.projected);
        const needed = Math.max(MIN_HORIZON, t.projected - now);
        urgency = Math.max(urgency, -laxity / (params.k * needed));
      }
      return Math.log(t.weight) - size + urgency - t.arrival / params.tau;
    },
  };
}

export function makePolicy(name: PolicyName, stats: { meanWork: number }): Policy {
  return name === "fifo" ? fifoPolicy() : valuePolicy({ ...DEFAULT_VALUE_PARAMS, ...stats });
}
