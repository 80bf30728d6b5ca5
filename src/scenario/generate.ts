// Scenario + seed → a synthetic Workload. Pure and deterministic: the same scenario and seed give a
// deep-equal workload. Every random purpose of every cohort draws from its own named stream
// (`arrivals/ugc`, `content.duration/ugc`, …) and every title takes the same number of draws from
// each stream, so changing one cohort's content mix moves nothing else: not its own arrivals, not
// another cohort's titles, not even its own durations when only the class weights change.
import type { ContentClass, ContentProfile, HdrTransfer, Title, ValueFigures, Workload } from "../model";
import { lognormal, pickWeighted, stream, type Rng } from "../util/rng";
import { byTime } from "../load/analytics";
import { arrivalTimes } from "./arrivals";
import { viralEvents } from "./viral";
import { DELIVERABLES, type Cohort, type ContentSpec, type DeadlineRule, type LogNormalSpec, type Scenario, type Weighted } from "./types";

export function generateWorkload(scenario: Scenario, seed: number): Workload {
  const cohorts = scenario.cohorts.map((c) => ({ cohort: c, titles: generateCohort(c, seed) }));
  const titles = cohorts.flatMap((c) => c.titles);
  titles.sort((a, b) => a.arrival - b.arrival || compareIds(a.id, b.id));
  const events = byTime(cohorts.flatMap((c) => viralEvents(c.cohort, c.titles, seed)));
  return {
    epoch: scenario.epoch,
    capacity: {
      pools: scenario.capacity.pools.map((p) => ({ ...p })),
      scratchGiB: scenario.capacity.scratchGiB,
    },
    tiers: { ...scenario.tiers },
    titles,
    pipelines: {},
    policy: structuredClone(scenario.policy),
    events,
  };
}

/** Code-unit order, not localeCompare: the order must not depend on the machine's locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The cohort's random streams, one per purpose. */
interface CohortRngs {
  cls: Rng;
  duration: Rng;
  resolution: Rng;
  fps: Rng;
  hdr: Rng;
  complexity: Rng;
  deliverables: Rng;
  deadline: Rng;
  views: Rng;
  subscribers: Rng;
}

function cohortRngs(seed: number, cohort: string): CohortRngs {
  const s = (purpose: string): Rng => stream(seed, `${purpose}/${cohort}`);
  return {
    cls: s("content.class"),
    duration: s("content.duration"),
    resolution: s("content.resolution"),
    fps: s("content.fps"),
    hdr: s("content.hdr"),
    complexity: s("content.complexity"),
    deliverables: s("deliverables"),
    deadline: s("deadline"),
    views: s("value.views"),
    subscribers: s("value.subscribers"),
  };
}

export function generateCohort(cohort: Cohort, seed: number): Title[] {
  const arrivals = arrivalTimes(cohort.arrivals, stream(seed, `arrivals/${cohort.id}`));
  const rngs = cohortRngs(seed, cohort.id);
  const width = idWidth(arrivals.length);
  return arrivals.map((arrival, i) => {
    const content = drawContent(cohort.content, rngs);
    return {
      id: `${cohort.id}-${String(i + 1).padStart(width, "0")}`,
      arrival,
      tier: cohort.tier,
      value: drawValue(cohort, rngs),
      content,
      deliverables: drawDeliverables(cohort.deliverables, content, rngs.deliverables),
      deadline: drawDeadline(cohort.deadline, arrival, rngs.deadline),
      work: null,
      pipeline: null,
    };
  });
}

/** Zero-padding wide enough for the cohort's population, at least 4 digits (`prem-0001`, `ugc-12000`). */
export function idWidth(count: number): number {
  return Math.max(4, String(count).length);
}

/** A lognormal draw clamped to the spec's bounds; always two uniform draws (Box-Muller). */
export function clampedLognormal(rng: Rng, spec: LogNormalSpec): number {
  const x = lognormal(rng, spec.median, spec.spread);
  return Math.min(spec.max, Math.max(spec.min, x));
}

/** Sources at least this tall (short side) may be HDR masters: HDR is mastered for HD and UHD. */
const HDR_MIN_SHORT_SIDE = 1080;

function drawContent(spec: ContentSpec, rngs: CohortRngs): ContentProfile {
  const contentClass = pickWeighted(rngs.cls, spec.classes);
  const { width, height } = pickWeighted(rngs.resolution, spec.resolutions);
  const fps = pickWeighted(rngs.fps, spec.fps);
  const hdr = drawHdr(spec, Math.min(width, height), rngs.hdr);
  return {
    duration: drawDuration(spec, rngs.duration),
    width,
    height,
    fps,
    bitDepth: hdr === "sdr" ? 8 : 10,
    hdr,
    contentClass,
    complexity: drawComplexity(spec, contentClass, rngs.complexity),
    source: null,
  };
}

/** Whole seconds within the spec's bounds (the loader ensures min ≥ 1 s). */
function drawDuration(spec: ContentSpec, rng: Rng): number {
  const lo = Math.max(1, Math.ceil(spec.duration.min));
  const hi = Math.max(lo, Math.floor(spec.duration.max));
  return Math.min(hi, Math.max(lo, Math.round(clampedLognormal(rng, spec.duration))));
}

/** Two draws always (share, transfer), even for sources too small to be HDR, to keep streams aligned. */
function drawHdr(spec: ContentSpec, shortSide: number, rng: Rng): HdrTransfer {
  const isHdr = rng.next() < spec.hdrShare;
  const transfer = pickWeighted(rng, spec.hdrTransfers);
  return isHdr && shortSide >= HDR_MIN_SHORT_SIDE ? transfer : "sdr";
}

function drawComplexity(spec: ContentSpec, contentClass: ContentClass, rng: Rng): number {
  const range = spec.complexityByClass[contentClass] ?? spec.complexity;
  const x = range.min + (range.max - range.min) * rng.next();
  // Two decimals: more precision than the cost model can use, and plans stay readable.
  return Math.round(x * 100) / 100;
}

/** A weighted deliverable set, without HDR deliverables the source cannot feed (the loader ensures one SDR stays). */
function drawDeliverables(sets: Weighted<string[]>[], content: ContentProfile, rng: Rng): string[] {
  const set = pickWeighted(rng, sets);
  const hdrSource = content.hdr !== "sdr" && content.bitDepth >= 10;
  return set.filter((d) => hdrSource || !DELIVERABLES[d]?.hdr);
}

/** Two draws always (share, jitter). Never before arrival: jitter ≤ after, and `at` ≥ the cohort's last arrival. */
function drawDeadline(rule: DeadlineRule, arrival: number, rng: Rng): number | null {
  const shareDraw = rng.next();
  const jitterDraw = rng.next();
  if (rule.kind === "none" || shareDraw >= rule.share) return null;
  if (rule.kind === "at") return Math.max(arrival, Math.round(rule.at));
  const offset = rule.after + rule.jitter * (2 * jitterDraw - 1);
  return arrival + Math.max(0, Math.round(offset));
}

function drawValue(cohort: Cohort, rngs: CohortRngs): ValueFigures {
  const v = cohort.value;
  const views = v.expectedViews ? clampedLognormal(rngs.views, v.expectedViews) : 0;
  const subscribers = v.subscribers ? clampedLognormal(rngs.subscribers, v.subscribers) : 0;
  return {
    expectedViews: Math.round(views),
    viewsSoFar: 0,
    subscribers: Math.round(subscribers),
    revenuePerView: v.revenuePerView,
  };
}
