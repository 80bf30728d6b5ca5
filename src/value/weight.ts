// A title's value weight: how much the platform loses per second the title is not yet published.
// Tier sets the base; audience figures scale it on a log scale, because views span six orders of
// magnitude and a linear weight would let one viral upload starve everything else.
import type { Title } from "../model";

/** Views at which the audience multiplier reaches 2 (one decade above a typical upload's reach). */
const VIEWS_SCALE = 10_000;

export function audienceMultiplier(title: Title): number {
  const views = Math.max(title.value.expectedViews, title.value.viewsSoFar, 0);
  return 1 + Math.log10(1 + views / VIEWS_SCALE);
}

export function titleWeight(title: Title, tiers: Record<string, number>): number {
  const base = tiers[title.tier] ?? 1;
  return Math.max(base, 1e-6) * audienceMultiplier(title);
}
