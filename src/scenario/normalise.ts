// Written scenario (as in YAML, already schema-checked) → Scenario. Parses times and durations and
// runs the rules a schema cannot say well, each pushing a positioned problem; the caller throws
// them together so a user fixes a file in one pass.
import type { Pool } from "../model";
import type { YamlSource } from "../load/yaml";
import type { Problem } from "../util/errors";
import { describe, parseIso } from "../util/time";
import { Ctx, type Path, type Written } from "./ctx";
import { expectedCount } from "./arrivals";
import {
  DEFAULT_EPOCH,
  DEFAULT_TIERS,
  DELIVERABLES,
  type ArrivalSpec,
  type Cohort,
  type DeadlineRule,
  type LogNormalSpec,
  type Scenario,
  type ValueSpec,
  type ViralSpec,
  type Weighted,
} from "./types";
import { normaliseContent } from "./normaliseContent";
import { normalisePolicy } from "../load/analytics";
import { LIMITS, grouped } from "../util/limits";
import { REPORT_TAIL } from "./viral";

export function normaliseScenario(source: YamlSource, data: Written): { scenario: Scenario; problems: Problem[] } {
  const epoch = typeof data.epoch === "string" ? data.epoch : DEFAULT_EPOCH;
  const epochMs = parseIso(epoch);
  const ctx = new Ctx(source, epochMs ?? 0);
  if (epochMs === null) ctx.problem(["epoch"], `expected an ISO-8601 time with a zone (2026-01-01T00:00:00Z), found ${describe(epoch)}`);
  const window = ctx.duration(data.window, ["window"]);
  if (window <= 0) ctx.problem(["window"], `expected a window longer than 0s, found ${describe(data.window)}`);
  const tiers = { ...DEFAULT_TIERS, ...((data.tiers as Record<string, number> | undefined) ?? {}) };
  const written = data.cohorts as Written[];
  const cohorts = written.map((c, i) => normaliseCohort(ctx, c, ["cohorts", i], { window, tiers }));
  checkUniqueIds(ctx, cohorts);
  checkTotals(ctx, cohorts);
  // Schema problems stop the loader before this point, so every path here is well-formed.
  const reporter = { add: (path: Path, message: string) => ctx.problem(path, message), ok: () => true };
  const scenario: Scenario = {
    description: typeof data.description === "string" ? data.description.trim() : "",
    epoch,
    capacity: normaliseCapacity(data.capacity as Written),
    tiers,
    window,
    cohorts,
    policy: normalisePolicy(data.policy, reporter, tiers),
  };
  return { scenario, problems: ctx.problems };
}

function normaliseCapacity(capacity: Written): Scenario["capacity"] {
  const pools: Pool[] = Object.entries(capacity.pools as Written).map(([id, p]) =>
    typeof p === "number"
      ? { id, slots: p, memoryGiB: null }
      : { id, slots: (p as { slots: number }).slots, memoryGiB: (p as { memoryGiB?: number }).memoryGiB ?? null },
  );
  return { pools, scratchGiB: typeof capacity.scratchGiB === "number" ? capacity.scratchGiB : null };
}

/** All cohorts together within the title and event limits of a workload (the generated workload is one). */
function checkTotals(ctx: Ctx, cohorts: Cohort[]): void {
  const counts = cohorts.map((c) => (Number.isFinite(c.arrivals.from) && Number.isFinite(c.arrivals.to) ? expectedCount(c.arrivals) : 0));
  const titles = counts.reduce((a, b) => a + b, 0);
  if (titles > LIMITS.titles) {
    ctx.problem(["cohorts"], `expected at most ${grouped(LIMITS.titles)} titles in all cohorts, found ${grouped(Math.round(titles))} expected`);
  }
  // A viral title reports every `every` from arrival to three hours after its burst.
  const events = cohorts.reduce((n, c, i) => n + (c.viral && c.viral.every > 0 ? counts[i]! * c.viral.share * ((c.viral.afterMax + c.viral.lasts + REPORT_TAIL) / c.viral.every) : 0), 0);
  if (events > LIMITS.events) {
    ctx.problem(["cohorts"], `expected at most ${grouped(LIMITS.events)} analytics events from the viral rules, found about ${grouped(Math.round(events))} (a larger viral.every, or a smaller share)`);
  }
}

function checkUniqueIds(ctx: Ctx, cohorts: Cohort[]): void {
  const seen = new Set<string>();
  cohorts.forEach((c, i) => {
    if (seen.has(c.id)) ctx.problem(["cohorts", i, "id"], `expected a cohort id not used before, found "${c.id}" again`);
    seen.add(c.id);
  });
}

interface Env {
  window: number;
  tiers: Record<string, number>;
}

function normaliseCohort(ctx: Ctx, c: Written, path: Path, env: Env): Cohort {
  const tier = String(c.tier);
  if (!Object.hasOwn(env.tiers, tier)) {
    ctx.problem([...path, "tier"], `expected one of the tiers ${Object.keys(env.tiers).join(", ")}, found "${tier}"`);
  }
  const arrivals = normaliseArrivals(ctx, c.arrivals as Written, [...path, "arrivals"], env.window);
  return {
    id: String(c.id),
    tier,
    arrivals,
    content: normaliseContent(ctx, c.content as Written, [...path, "content"]),
    deliverables: normaliseDeliverables(ctx, c, path),
    deadline: normaliseDeadline(ctx, c.deadline as Written | undefined, [...path, "deadline"], arrivals.to),
    value: normaliseValue(ctx, (c.value as Written | undefined) ?? {}, [...path, "value"]),
    viral: c.viral === undefined ? null : normaliseViral(ctx, c.viral as Written, [...path, "viral"]),
  };
}

const DEFAULT_BASELINE_VIEWS_PER_HOUR = 200;
const DEFAULT_REPORT_EVERY = 600;

function normaliseViral(ctx: Ctx, v: Written, path: Path): ViralSpec {
  const after = v.after as Written;
  const afterMin = ctx.duration(after.min, [...path, "after", "min"]);
  const afterMax = ctx.duration(after.max, [...path, "after", "max"]);
  ctx.order(afterMin, afterMax, [...path, "after"]);
  const every = v.every === undefined ? DEFAULT_REPORT_EVERY : ctx.duration(v.every, [...path, "every"]);
  if (every <= 0) ctx.problem([...path, "every"], `expected an interval longer than 0s, found ${describe(v.every)}`);
  return {
    share: Number(v.share),
    afterMin,
    afterMax,
    viewsPerHour: lognormalSpec(ctx, v.viewsPerHour as Written, [...path, "viewsPerHour"])!,
    lasts: ctx.duration(v.lasts, [...path, "lasts"]),
    baseline: typeof v.baseline === "number" ? v.baseline : DEFAULT_BASELINE_VIEWS_PER_HOUR,
    every,
  };
}

function normaliseArrivals(ctx: Ctx, a: Written, path: Path, window: number): ArrivalSpec {
  if ((a.count === undefined) === (a.rate === undefined)) {
    ctx.problem(path, `expected exactly one of count or rate, found ${a.count === undefined ? "neither" : "both"}`);
  }
  const from = a.from === undefined ? 0 : ctx.point(a.from, [...path, "from"]);
  const to = a.to === undefined ? window : ctx.point(a.to, [...path, "to"]);
  if (to > window) ctx.problem([...path, "to"], `expected a time within the scenario's window (${window}s), found ${to}s`);
  ctx.order(from, to, path, "from");
  const peaks = ((a.peaks as Written[] | undefined) ?? []).map((p, i) => {
    const pp = [...path, "peaks", i];
    const peak = { from: ctx.point(p.from, [...pp, "from"]), to: ctx.point(p.to, [...pp, "to"]), factor: Number(p.factor) };
    if (peak.from >= peak.to) ctx.problem(pp, `expected from < to, found from ${peak.from}s, to ${peak.to}s`);
    return peak;
  });
  const spec: ArrivalSpec =
    typeof a.rate === "number"
      ? { kind: "rate", perHour: a.rate, from, to, peaks }
      : { kind: "count", count: Number(a.count ?? 0), from, to, peaks };
  if (spec.kind === "rate" && !(to > from)) ctx.problem(path, `expected to > from for a rate, found from ${from}s, to ${to}s`);
  // Beyond the limit a rate is a typo (per second written per hour), not a farm.
  const expected = spec.kind === "rate" && to > from ? expectedCount(spec) : 0;
  if (expected > LIMITS.titles) ctx.problem([...path, "rate"], `expected at most ${grouped(LIMITS.titles)} titles in a cohort, found ${grouped(Math.round(expected))} expected`);
  return spec;
}

function normaliseDeliverables(ctx: Ctx, c: Written, path: Path): Weighted<string[]>[] {
  const list = c.deliverables as string[] | undefined;
  const choices = c.deliverableChoices as { set: string[]; weight: number }[] | undefined;
  if ((list === undefined) === (choices === undefined)) {
    ctx.problem(path, `expected exactly one of deliverables or deliverableChoices, found ${list ? "both" : "neither"}`);
  }
  const sets = list ? [{ item: list, weight: 1 }] : (choices ?? []).map((s) => ({ item: s.set, weight: s.weight }));
  sets.forEach((s, i) => {
    const p = list ? [...path, "deliverables"] : [...path, "deliverableChoices", i, "set"];
    if (!s.item.some((d) => DELIVERABLES[d]?.hdr === false)) {
      ctx.problem(p, `expected at least one SDR deliverable (SDR sources get no HDR ones), found only ${s.item.join(", ")}`);
    }
  });
  if (choices && choices.length > 0 && choices.every((s) => s.weight === 0)) {
    ctx.problem([...path, "deliverableChoices"], "expected at least one weight above 0, found all weights 0");
  }
  return sets;
}

function normaliseDeadline(ctx: Ctx, d: Written | undefined, path: Path, lastArrival: number): DeadlineRule {
  if (d === undefined) return { kind: "none" };
  const share = typeof d.share === "number" ? d.share : 1;
  if ((d.after === undefined) === (d.at === undefined)) {
    ctx.problem(path, `expected exactly one of after or at, found ${d.at === undefined ? "neither" : "both"}`);
  }
  if (d.at !== undefined) {
    if (d.jitter !== undefined) ctx.problem([...path, "jitter"], "expected jitter only with after, found it with at", true);
    const at = ctx.point(d.at, [...path, "at"]);
    if (at < lastArrival) {
      ctx.problem([...path, "at"], `expected a release time at or after the cohort's last arrival (${lastArrival}s), found ${at}s`);
    }
    return { kind: "at", at, share };
  }
  const after = ctx.duration(d.after ?? 0, [...path, "after"]);
  const jitter = d.jitter === undefined ? 0 : ctx.duration(d.jitter, [...path, "jitter"]);
  if (jitter > after) ctx.problem([...path, "jitter"], `expected jitter ≤ after (a deadline never precedes arrival), found ${jitter}s > ${after}s`);
  return { kind: "after", after, jitter, share };
}

function lognormalSpec(ctx: Ctx, w: Written | undefined, path: Path): LogNormalSpec | null {
  if (w === undefined) return null;
  const spec = {
    median: Number(w.median),
    spread: Number(w.spread),
    min: typeof w.min === "number" ? w.min : 0,
    max: typeof w.max === "number" ? w.max : Number.POSITIVE_INFINITY,
  };
  ctx.order(spec.min, spec.max, path);
  return spec;
}

function normaliseValue(ctx: Ctx, v: Written, path: Path): ValueSpec {
  return {
    expectedViews: lognormalSpec(ctx, v.expectedViews as Written | undefined, [...path, "expectedViews"]),
    subscribers: lognormalSpec(ctx, v.subscribers as Written | undefined, [...path, "subscribers"]),
    revenuePerView: typeof v.revenuePerView === "number" ? v.revenuePerView : 0,
  };
}
