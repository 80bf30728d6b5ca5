// Viral titles of a cohort: some time after arrival, views jump from a baseline to a burst rate for
// a while, then fall back. The title's analytics report its cumulative views every `every` from
// arrival until three hours after the burst, so the viral rule sees the rise and the fall.
// Every title of the cohort takes the same draws (viral or not), so the share or rates of the burst
// never move another title's draws.
import type { AnalyticsEvent, Title } from "../model";
import { type Rng, stream, uniform } from "../util/rng";
import { clampedLognormal } from "./generate";
import type { Cohort, ViralSpec } from "./types";

/** How long reports continue after the burst, so a demotion can be seen in the plan. */
export const REPORT_TAIL = 3 * 3600;

interface Burst {
  start: number;
  end: number;
  rate: number;
}

function drawBurst(spec: ViralSpec, arrival: number, rngs: { pick: Rng; when: Rng; rate: Rng }): Burst | null {
  const viral = rngs.pick.next() < spec.share;
  const start = arrival + uniform(rngs.when, spec.afterMin, spec.afterMax);
  const rate = clampedLognormal(rngs.rate, spec.viewsPerHour);
  return viral ? { start, end: start + spec.lasts, rate } : null;
}

/** Cumulative views at time t: baseline rate, plus the burst rate while it lasts. */
function viewsAt(spec: ViralSpec, arrival: number, burst: Burst, t: number): number {
  const base = ((t - arrival) / 3600) * spec.baseline;
  const inBurst = Math.max(0, Math.min(t, burst.end) - burst.start);
  return Math.round(base + (inBurst / 3600) * (burst.rate - spec.baseline));
}

function reports(spec: ViralSpec, title: Title, burst: Burst): AnalyticsEvent[] {
  const out: AnalyticsEvent[] = [];
  for (let t = title.arrival; t <= burst.end + REPORT_TAIL; t += spec.every) {
    out.push({ at: t, title: title.id, views: viewsAt(spec, title.arrival, burst, t) });
  }
  return out;
}

/** The analytics events of a cohort's titles (empty when the cohort has no viral rule). */
export function viralEvents(cohort: Cohort, titles: readonly Title[], seed: number): AnalyticsEvent[] {
  const spec = cohort.viral;
  if (!spec) return [];
  const rngs = {
    pick: stream(seed, `viral.pick/${cohort.id}`),
    when: stream(seed, `viral.when/${cohort.id}`),
    rate: stream(seed, `viral.rate/${cohort.id}`),
  };
  return titles.flatMap((t) => {
    const burst = drawBurst(spec, t.arrival, rngs);
    return burst ? reports(spec, t, burst) : [];
  });
}
