// The `content` block of a cohort: weight maps keyed by class, resolution and frame rate, the
// duration distribution, HDR share and complexity ranges.
import type { ContentClass } from "../model";
import { LIMITS, grouped, spanName } from "../util/limits";
import type { Ctx, Path, Written } from "./ctx";
import { isContentClass, type ContentSpec, type HdrKind, type LogNormalSpec, type RangeSpec, type Resolution } from "./types";

/** Complexity when a cohort gives none: the middle of the scale, where the cost model is neutral. */
const DEFAULT_COMPLEXITY: RangeSpec = { min: 0.3, max: 0.7 };
const RESOLUTION_RE = /^([1-9]\d*)x([1-9]\d*)$/;
const FPS_RE = /^(\d+(?:\.\d+)?)(?:\/([1-9]\d*))?$/;

export function normaliseContent(ctx: Ctx, c: Written, path: Path): ContentSpec {
  const hdr = (c.hdr as Written | undefined) ?? {};
  return {
    classes: ctx.weights(c.classes as Written, [...path, "classes"], (k) => (isContentClass(k) ? k : null)),
    duration: durationSpec(ctx, c.duration as Written, [...path, "duration"]),
    resolutions: ctx.weights(c.resolutions as Written, [...path, "resolutions"], (k) => resolution(ctx, k, [...path, "resolutions", k])),
    fps: ctx.weights(c.fps as Written, [...path, "fps"], (k) => fps(ctx, k, [...path, "fps", k])),
    hdrShare: typeof hdr.share === "number" ? hdr.share : 0,
    hdrTransfers: hdr.transfers
      ? ctx.weights(hdr.transfers as Written, [...path, "hdr", "transfers"], (k) => k as HdrKind)
      : [{ item: "pq", weight: 1 }],
    ...complexity(ctx, c.complexity as Written | undefined, [...path, "complexity"]),
  };
}

function resolution(ctx: Ctx, key: string, path: Path): Resolution | null {
  const m = RESOLUTION_RE.exec(key);
  if (!m) {
    ctx.problem(path, `expected a resolution like 1920x1080, found "${key}"`, true);
    return null;
  }
  const size = { width: Number(m[1]), height: Number(m[2]) };
  if (Math.max(size.width, size.height) > LIMITS.sidePixels || size.width * size.height > LIMITS.pixels) {
    ctx.problem(path, `expected a picture of at most 8K (${LIMITS.sidePixels} pixels a side, ${grouped(LIMITS.pixels)} in all), found "${key}"`, true);
    return null;
  }
  return size;
}

function fps(ctx: Ctx, key: string, path: Path): number | null {
  const m = FPS_RE.exec(key);
  const value = m ? Number(m[1]) / Number(m[2] ?? 1) : Number.NaN;
  if (!(value > 0 && value <= LIMITS.fps)) {
    ctx.problem(path, `expected a frame rate above 0 and at most ${LIMITS.fps} like 25, 29.97 or 30000/1001, found "${key}"`, true);
    return null;
  }
  return value;
}

function durationSpec(ctx: Ctx, d: Written, path: Path): LogNormalSpec {
  const spec = {
    median: ctx.duration(d.median, [...path, "median"]),
    spread: Number(d.spread),
    min: ctx.duration(d.min, [...path, "min"]),
    max: ctx.duration(d.max, [...path, "max"]),
  };
  if (spec.median <= 0) ctx.problem([...path, "median"], `expected a median longer than 0s, found ${spec.median}s`);
  if (spec.min < 1) ctx.problem([...path, "min"], `expected a shortest duration of at least 1s, found ${spec.min}s`);
  ctx.order(spec.min, spec.max, path);
  // The clamp's max bounds every drawn duration, so it alone has to be within the limit.
  if (spec.max > LIMITS.durationSeconds) {
    ctx.problem([...path, "max"], `expected a longest duration of at most ${spanName(LIMITS.durationSeconds)}, found ${spec.max}s`);
  }
  return spec;
}

function complexity(ctx: Ctx, w: Written | undefined, path: Path): Pick<ContentSpec, "complexity" | "complexityByClass"> {
  const base: RangeSpec = {
    min: typeof w?.min === "number" ? w.min : DEFAULT_COMPLEXITY.min,
    max: typeof w?.max === "number" ? w.max : DEFAULT_COMPLEXITY.max,
  };
  ctx.order(base.min, base.max, path);
  const byClass: Partial<Record<ContentClass, RangeSpec>> = {};
  for (const [cls, r] of Object.entries((w?.byClass as Record<string, RangeSpec> | undefined) ?? {})) {
    if (!isContentClass(cls)) continue;
    ctx.order(r.min, r.max, [...path, "byClass", cls]);
    byClass[cls] = { min: r.min, max: r.max };
  }
  return { complexity: base, complexityByClass: byClass };
}
