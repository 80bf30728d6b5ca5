// Automatic viral promotion: a pure state machine per title, fed the cumulative view counts of
// analytics events. The view velocity is the slope between consecutive counts (views per hour),
// smoothed exponentially with time constant `smoothing` so one noisy reading decides nothing.
// Promotion is immediate once the smoothed velocity exceeds `promoteAbove`; demotion needs the
// velocity to stay below the lower `demoteBelow` for `demoteAfter` — a title hovering around one
// threshold therefore never flaps between tiers.
import type { ViralRule } from "../model";

export interface ViralState {
  lastAt: number | null;
  lastViews: number | null;
  /** Smoothed views per hour. */
  velocity: number;
  promoted: boolean;
  /** Since when the smoothed velocity has been below `demoteBelow` while promoted. */
  belowSince: number | null;
  /** First time the raw velocity exceeded `promoteAbove` (for the promotion-delay metric). */
  firstAboveAt: number | null;
}

export type ViralChange =
  | { kind: "promote"; reason: string; firstAboveAt: number }
  | { kind: "demote"; reason: string }
  | null;

export function initialViralState(): ViralState {
  return { lastAt: null, lastViews: null, velocity: 0, promoted: false, belowSince: null, firstAboveAt: null };
}

const perHour = (x: number) => `${Math.round(x).toLocaleString("en-US")}/h`;

/** Folds one cumulative view count at time `at` into the state; says whether the tier changes. */
export function observeViews(state: ViralState, rule: ViralRule, at: number, views: number): ViralChange {
  const { lastAt, lastViews } = state;
  state.lastAt = at;
  state.lastViews = views;
  if (lastAt === null || lastViews === null || at <= lastAt) return null;
  // A count that goes down is a correction by the analytics pipeline, not negative interest.
  const raw = (Math.max(0, views - lastViews) / (at - lastAt)) * 3600;
  const alpha = 1 - Math.exp(-(at - lastAt) / Math.max(1, rule.smoothing));
  state.velocity += alpha * (raw - state.velocity);
  if (raw > rule.promoteAbove && state.firstAboveAt === null) state.firstAboveAt = at;
  return state.promoted ? maybeDemote(state, rule, at) : maybePromote(state, rule);
}

function maybePromote(state: ViralState, rule: ViralRule): ViralChange {
  if (state.velocity <= rule.promoteAbove) return null;
  state.promoted = true;
  state.belowSince = null;
  const firstAboveAt = state.firstAboveAt ?? state.lastAt!;
  return { kind: "promote", reason: `view velocity ${perHour(state.velocity)} above ${perHour(rule.promoteAbove)}`, firstAboveAt };
}

function maybeDemote(state: ViralState, rule: ViralRule, at: number): ViralChange {
  if (state.velocity >= rule.demoteBelow) {
    state.belowSince = null;
    return null;
  }
  state.belowSince ??= at;
  if (at - state.belowSince < rule.demoteAfter) return null;
  state.promoted = false;
  state.belowSince = null;
  state.firstAboveAt = null;
  const hours = rule.demoteAfter / 3600;
  return { kind: "demote", reason: `view velocity ${perHour(state.velocity)} below ${perHour(rule.demoteBelow)} for ${hours} h` };
}
