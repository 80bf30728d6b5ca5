// Content class from measured features: a short, ordered list of rules, each a conjunction of
// plain threshold tests on features a person can check against the picture. Pure.
//
// Order matters and says which trait wins when a video has several:
//   screen       frozen, detailed, clean frames — first, or a slide deck would pass for animation
//   film-grain   grain is what an encoder must treat specially (grain synthesis, psy settings), even on motion
//   high-motion  fast motion or rapid cutting needs bits whatever the picture looks like
//   animation    crisp rendered edges on a noise-free picture
//   talking-head little motion inside a locked-off frame
//   generic      everything else (live action with ordinary motion, mixed content)
//
// The thresholds sit in the gaps between the kinds of material we could measure — the shared
// clips, lavfi synthetics (slides, zooms, rotations, grain) and degraded copies of the shared clips
// (grain added, downscaled) — not at any one file's value; test/content/classify.test.ts holds the
// boundary cases. Limits known: animation is recognised by its crisp, clean render, so CG with
// heavy motion blur or depth of field, or animation below ~360p (where blurdetect finds every
// source soft: a 180p copy of Caminandes measures 6.0 px), can land in generic or talking-head;
// a very clean studio talking head can look like animation; talking-head means "little motion in
// a locked-off frame", which other static-camera scenes share.
//
// Live action with VFX (Tears of Steel at 360p) is generic, not film-grain: the grain of its 4K
// master went with the downscale and the encode (noise floor 0.7, far below the 3 of visible
// grain), its motion is ordinary (TI 15) and its camera edges are soft (8.1 px). A grain recipe
// would spend bits and grain synthesis on grain that is not there.
import type { ContentClass, ContentProfile } from "../model";
import type { Classification, ContentFeatures, ProbeInfo } from "./types";

type Feature = keyof ContentFeatures;

interface Condition {
  feature: Feature;
  op: ">=" | "<" | "<=";
  threshold: number;
  /** What it means when the test holds. */
  meaning: string;
}

interface Rule {
  contentClass: Exclude<ContentClass, "generic">;
  /** The class applies when every condition of any one alternative holds. */
  alternatives: Condition[][];
}

const c = (feature: Feature, op: Condition["op"], threshold: number, meaning: string): Condition => ({ feature, op, threshold, meaning });

export const RULES: readonly Rule[] = [
  {
    contentClass: "screen",
    alternatives: [
      [
        c("stillFrameShare", ">=", 0.5, "most frames are frozen (slides, a paused screen)"),
        c("siMean", ">=", 40, "sharp detail such as text and graphics"),
        c("noiseFloor", "<", 1, "a clean synthetic picture without camera noise"),
      ],
    ],
  },
  {
    contentClass: "film-grain",
    alternatives: [
      [
        // ffmpeg's noise filter at strength 6–8 on a cartoon measures 6–9; analogue camera noise
        // (carphone) 1.5; compressed live action 0.7; clean renders 0–0.6.
        c("noiseFloor", ">=", 3, "fine noise everywhere, even in the smoothest parts of the picture"),
        c("staticPixelShare", "<", 0.5, "the noise changes every frame (grain, not a still texture)"),
      ],
    ],
  },
  {
    contentClass: "high-motion",
    alternatives: [
      [c("tiMean", ">=", 25, "fast motion throughout (sports, action, fast pans or zooms)")],
      [c("cutsPerMinute", ">=", 30, "rapid cutting (a cut every 2 s or more often)")],
    ],
  },
  {
    contentClass: "animation",
    alternatives: [
      [
        // Renders and clean synthetic patterns measured 4.1–5.3 px; camera footage 5.9 (carphone,
        // 144p) to 8.1 (Tears of Steel, 360p), downscaled copies of it 6.2–7.0.
        c("edgeWidth", "<=", 5.4, "crisp rendered edges (no lens softness or motion blur)"),
        c("noiseFloor", "<", 1, "a clean picture without camera noise or grain"),
      ],
    ],
  },
  {
    contentClass: "talking-head",
    alternatives: [
      [
        c("tiMean", ">=", 1, "something moves (not a still picture)"),
        c("tiMean", "<=", 12, "little motion"),
        c("staticPixelShare", ">=", 0.45, "a stable frame: much of the picture holds still (a locked-off camera)"),
        c("cutsPerMinute", "<", 12, "few cuts"),
      ],
    ],
  },
];

const NEGATED: Record<Condition["op"], string> = { ">=": "<", "<": "≥", "<=": ">" };
const SHOWN: Record<Condition["op"], string> = { ">=": "≥", "<": "<", "<=": "≤" };

function holds(f: ContentFeatures, cond: Condition): boolean {
  const v = f[cond.feature];
  if (v === null) return false;
  if (cond.op === ">=") return v >= cond.threshold;
  if (cond.op === "<") return v < cond.threshold;
  return v <= cond.threshold;
}

const value = (f: ContentFeatures, cond: Condition): string => {
  const v = f[cond.feature];
  return v === null ? "unknown" : String(Math.round(v * 100) / 100);
};

const held = (f: ContentFeatures, cond: Condition) => `${cond.feature} ${value(f, cond)} ${SHOWN[cond.op]} ${cond.threshold}: ${cond.meaning}`;
const failed = (f: ContentFeatures, cond: Condition) =>
  f[cond.feature] === null ? `${cond.feature} unknown` : `${cond.feature} ${value(f, cond)} ${NEGATED[cond.op]} ${cond.threshold}`;

/** Why a rule did not apply: the first failing test of each alternative. */
function whyNot(f: ContentFeatures, rule: Rule): string {
  const misses = rule.alternatives.map((alt) => failed(f, alt.find((cond) => !holds(f, cond))!));
  return `not ${rule.contentClass}: ${misses.join(" and ")}`;
}

export function classify(features: ContentFeatures): Classification {
  for (const rule of RULES) {
    const alt = rule.alternatives.find((conds) => conds.every((cond) => holds(features, cond)));
    if (alt) return { contentClass: rule.contentClass, reasons: alt.map((cond) => held(features, cond)), features };
  }
  return { contentClass: "generic", reasons: RULES.map((rule) => whyNot(features, rule)), features };
}

/** SI at which spatial detail counts as full (dense texture, fine text on the analysis frame). */
export const SI_FULL = 120;
/** TI at which motion counts as full (fast zooms, sports). */
export const TI_FULL = 40;

/**
 * Noise floor (src/content/measure.ts) at which grain alone makes a picture as hard to encode as
 * pictures get: grey with strong temporal noise (ffmpeg noise=alls=40) measures 24.
 */
export const NOISE_FULL = 25;

/**
 * Complexity 0..1: how hard the picture is to encode. Detail in motion — the geometric mean of
 * detail (SI/SI_FULL) and motion (TI/TI_FULL), each capped at 1: a detailed frame that never moves
 * (slides) or a flat one that moves (a cartoon sky pan) is cheap, only detail in motion is
 * expensive — combined with grain (noise floor / NOISE_FULL), which no encoder can predict from one
 * frame to the next, as independent sources of difficulty: 1 − (1 − motion·detail)(1 − grain).
 * SI/TI alone rated pure noise 0.17 (SI is measured on a downscaled frame, where grain averages
 * out), the "confetti in the rain" that the workload's scale calls 1; with grain it rates 0.97.
 */
export function complexityOf(f: ContentFeatures): number {
  const spatial = Math.min(1, f.siMean / SI_FULL);
  const temporal = Math.min(1, f.tiMean / TI_FULL);
  const grain = Math.min(1, Math.max(0, f.noiseFloor) / NOISE_FULL);
  return Math.round((1 - (1 - Math.sqrt(spatial * temporal)) * (1 - grain)) * 1000) / 1000;
}

/** Spatial detail 0..1 (SI/SI_FULL): what scaling a picture down loses (the rate–quality model's d). */
export function detailOf(f: ContentFeatures): number {
  return Math.round(Math.min(1, f.siMean / SI_FULL) * 1000) / 1000;
}

/** The model's ContentProfile of a measured source. */
export function profileOf(probe: ProbeInfo, f: ContentFeatures, contentClass: ContentClass, source: string | null): ContentProfile {
  return {
    duration: probe.duration,
    width: probe.width,
    height: probe.height,
    fps: Math.round(probe.fps * 1000) / 1000,
    bitDepth: probe.bitDepth,
    hdr: probe.hdr,
    contentClass,
    complexity: complexityOf(f),
    source,
  };
}
