// A title's value weight: how much the platform loses per second the title is not yet published.
// Tier sets the base; audience figures scale it on a log scale, because views span seven orders of
// magnitude and a linear weight would let one viral upload starve everything else. The multiplier
// is bounded so the no-starvation bound (src/sched/policy.ts) can be computed from the tiers.
import type { Title } from "../model";

/** Views at which the audience multiplier reaches 2 (one decade above a typical upload's reach). */
const VIEWS_SCALE = 10_000;
/** A channel's new video reaches roughly this share of its subscribers. */
const SUBSCRIBER_REACH = 0.1;
/** Revenue per view of ordinary ad-supported content; premium deals earn more per view. */
const REFERENCE_REVENUE = 0.002;

export const MULTIPLIER_MIN = 0.5;
export const MULTIPLIER_MAX = 10;

export function audienceMultiplier(title: Title): number {
  const v = title.value;
  const views = Math.max(v.expectedViews, v.viewsSoFar, v.subscribers * SUBSCRIBER_REACH, 0);
  // Revenue counts with a square root: a view that earns four times more is worth twice the hurry.
  const revenue = v.revenuePerView > 0 ? Math.sqrt(v.revenuePerView / REFERENCE_REVENUE) : 1;
  const m = (1 + Math.log10(1 + views / VIEWS_SCALE)) * revenue;
  return Math.min(MULTIPLIER_MAX, Math.max(MULTIPLIER_MIN, m));
}

/** Weight of a title served as `tier` (its own, or the tier it was promoted to). */
export function titleWeight(title: Title, tiers: Record<string, number>, tier = title.tier): number {
  const base = tiers[tier] ?? 1;
  return Math.max(base, 1e-6) * audienceMultiplier(title);
}
