// Arrival times of one cohort. The rate over [from, to] is piecewise constant: a base rate times the
// factors of the peaks covering each instant. Both forms sample in "mass" space (the integral of the
// rate profile) and map back through its inverse, which is exact for piecewise-constant rates:
//   - a Poisson process of `perHour` (the standard model for independent uploads) is a unit-rate
//     process in mass space, so inter-arrival gaps there are Exp(1);
//   - `count` titles are a Poisson process conditioned on its count, i.e. i.i.d. draws with density
//     proportional to the rate, so uniform draws in mass space, sorted.
import { exponential, type Rng } from "../util/rng";
import type { ArrivalSpec, Peak } from "./types";

export interface Segment {
  from: number;
  to: number;
  /** Product of the factors of every peak covering this segment (1 outside peaks). */
  factor: number;
}

/** The rate profile over [from, to] as consecutive segments of constant factor. */
export function rateProfile(from: number, to: number, peaks: readonly Peak[]): Segment[] {
  const cuts = new Set<number>([from, to]);
  for (const p of peaks) {
    for (const t of [p.from, p.to]) if (t > from && t < to) cuts.add(t);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const mid = (a + b) / 2;
    const factor = peaks.filter((p) => p.from <= mid && mid < p.to).reduce((f, p) => f * p.factor, 1);
    segments.push({ from: a, to: b, factor });
  }
  return segments;
}

/** Integral of the factor over the profile (factor-seconds). */
export function profileMass(segments: readonly Segment[]): number {
  return segments.reduce((m, s) => m + s.factor * (s.to - s.from), 0);
}

/** The time at which the profile's cumulative mass reaches `mass`. */
export function timeAtMass(segments: readonly Segment[], mass: number): number {
  let rest = mass;
  for (const s of segments) {
    const m = s.factor * (s.to - s.from);
    if (rest <= m) return s.from + rest / s.factor;
    rest -= m;
  }
  const last = segments[segments.length - 1];
  return last ? last.to : 0;
}

/** Expected number of arrivals of a spec (exact for `count`). */
export function expectedCount(spec: ArrivalSpec): number {
  if (spec.kind === "count") return spec.count;
  return (spec.perHour / 3600) * profileMass(rateProfile(spec.from, spec.to, spec.peaks));
}

/** Sorted arrival times in whole seconds, within [from, to]. */
export function arrivalTimes(spec: ArrivalSpec, rng: Rng): number[] {
  const raw = spec.kind === "count" ? countArrivals(spec, rng) : poissonArrivals(spec, rng);
  // Whole seconds: finer resolution means nothing for a farm and makes plans noisy to read.
  return raw.map((t) => Math.min(spec.to, Math.max(spec.from, Math.round(t))));
}

function countArrivals(spec: Extract<ArrivalSpec, { kind: "count" }>, rng: Rng): number[] {
  if (spec.to <= spec.from) return Array.from({ length: spec.count }, () => spec.from);
  const segments = rateProfile(spec.from, spec.to, spec.peaks);
  const total = profileMass(segments);
  const masses = Array.from({ length: spec.count }, () => rng.next() * total);
  masses.sort((a, b) => a - b);
  return masses.map((m) => timeAtMass(segments, m));
}

function poissonArrivals(spec: Extract<ArrivalSpec, { kind: "rate" }>, rng: Rng): number[] {
  const segments = rateProfile(spec.from, spec.to, spec.peaks);
  const perSecond = spec.perHour / 3600;
  const total = profileMass(segments) * perSecond;
  const out: number[] = [];
  for (let s = exponential(rng, 1); s <= total; s += exponential(rng, 1)) {
    out.push(timeAtMass(segments, s / perSecond));
  }
  return out;
}
