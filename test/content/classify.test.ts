// The classifier's rules as pure functions of feature fixtures: each class, each threshold from
// both sides, and which trait wins when a video has several.
import { describe, expect, it } from "vitest";
import { classify, complexityOf, detailOf, profileOf, RULES } from "../../src/content/classify";
import type { ContentFeatures } from "../../src/content/types";
import { aProbe } from "./builders";
import type { ContentClass } from "../../src/model";

/** Ordinary live action: soft camera edges, some noise, moderate motion, a few cuts — no rule fires. */
function features(over: Partial<ContentFeatures> = {}): ContentFeatures {
  return {
    siMean: 60,
    siMax: 90,
    tiMean: 15,
    tiMax: 50,
    stillFrameShare: 0,
    staticPixelShare: 0.4,
    cutsPerMinute: 15,
    edgeWidth: 7.5,
    noiseFloor: 0.7,
    ...over,
  };
}

const SCREEN = features({ stillFrameShare: 0.8, staticPixelShare: 0.98, tiMean: 2, siMean: 140, noiseFloor: 0, edgeWidth: 4.8, cutsPerMinute: 0 });
const GRAIN = features({ noiseFloor: 8, staticPixelShare: 0.1, tiMean: 20 });
const MOTION = features({ tiMean: 40, staticPixelShare: 0.15 });
const ANIMATION = features({ edgeWidth: 4.7, noiseFloor: 0.2, tiMean: 7, staticPixelShare: 0.8, cutsPerMinute: 4 });
const TALKING = features({ tiMean: 8, staticPixelShare: 0.6, cutsPerMinute: 0, edgeWidth: 5.9, noiseFloor: 1.5 });

const cls = (f: ContentFeatures): ContentClass => classify(f).contentClass;

describe("classify: one fixture per class", () => {
  it.each([
    ["screen", SCREEN],
    ["film-grain", GRAIN],
    ["high-motion", MOTION],
    ["animation", ANIMATION],
    ["talking-head", TALKING],
    ["generic", features()],
  ] as const)("%s", (expected, f) => {
    expect(cls(f)).toBe(expected);
  });

  it("returns the features it decided on", () => {
    expect(classify(ANIMATION).features).toBe(ANIMATION);
  });

  it("names the deciding features with their values and thresholds", () => {
    expect(classify(ANIMATION).reasons).toEqual([
      "edgeWidth 4.7 ≤ 5.4: crisp rendered edges (no lens softness or motion blur)",
      "noiseFloor 0.2 < 1: a clean picture without camera noise or grain",
    ]);
    expect(classify(features({ cutsPerMinute: 45 })).reasons).toEqual(["cutsPerMinute 45 ≥ 30: rapid cutting (a cut every 2 s or more often)"]);
  });

  it("explains generic by the first failing test of every rule", () => {
    expect(classify(features()).reasons).toEqual([
      "not screen: stillFrameShare 0 < 0.5",
      "not film-grain: noiseFloor 0.7 < 3",
      "not high-motion: tiMean 15 < 25 and cutsPerMinute 15 < 30",
      "not animation: edgeWidth 7.5 > 5.4",
      "not talking-head: tiMean 15 > 12",
    ]);
  });
});

describe("classify: every threshold, from both sides", () => {
  it.each([
    // [base, change that keeps the class, change that loses it, class]
    [SCREEN, { stillFrameShare: 0.5 }, { stillFrameShare: 0.49 }, "screen"],
    [SCREEN, { siMean: 40 }, { siMean: 39.9 }, "screen"],
    [SCREEN, { noiseFloor: 0.99 }, { noiseFloor: 1 }, "screen"],
    [GRAIN, { noiseFloor: 3 }, { noiseFloor: 2.99 }, "film-grain"],
    [GRAIN, { staticPixelShare: 0.49 }, { staticPixelShare: 0.5 }, "film-grain"],
    [MOTION, { tiMean: 25 }, { tiMean: 24.9 }, "high-motion"],
    [features({ cutsPerMinute: 30 }), {}, { cutsPerMinute: 29.9 }, "high-motion"],
    [ANIMATION, { edgeWidth: 5.4 }, { edgeWidth: 5.41 }, "animation"],
    [ANIMATION, { noiseFloor: 0.99 }, { noiseFloor: 1 }, "animation"],
    [ANIMATION, {}, { edgeWidth: null }, "animation"],
    [TALKING, { tiMean: 12 }, { tiMean: 12.1 }, "talking-head"],
    [TALKING, { tiMean: 1 }, { tiMean: 0.9 }, "talking-head"],
    [TALKING, { staticPixelShare: 0.45 }, { staticPixelShare: 0.44 }, "talking-head"],
    [TALKING, { cutsPerMinute: 11.9 }, { cutsPerMinute: 12 }, "talking-head"],
  ] as const)("threshold case %#", (base, keep, lose, expected) => {
    expect(cls({ ...base, ...keep })).toBe(expected);
    expect(cls({ ...base, ...keep, ...lose })).not.toBe(expected);
  });

  it("an unknown edge width (no edges at all) is never taken for a crisp one", () => {
    expect(classify(features({ ...ANIMATION, edgeWidth: null, tiMean: 15 })).reasons).toContain("not animation: edgeWidth unknown");
  });
});

describe("classify: which trait wins", () => {
  it("grain wins over motion: the encoder must handle the grain either way", () => {
    expect(cls({ ...GRAIN, tiMean: 45 })).toBe("film-grain");
  });

  it("fast motion wins over a crisp clean render", () => {
    expect(cls({ ...ANIMATION, tiMean: 50 })).toBe("high-motion");
  });

  it("frozen detailed frames are a screen even when crisp and clean like animation", () => {
    expect(cls({ ...ANIMATION, ...SCREEN })).toBe("screen");
  });

  it("a still noisy texture is not grain: grain changes every frame", () => {
    expect(cls({ ...GRAIN, staticPixelShare: 0.95, tiMean: 0.5, stillFrameShare: 1, noiseFloor: 8 })).not.toBe("film-grain");
  });

  it("a crisp clean render with little motion is animation, not a talking head", () => {
    expect(cls({ ...TALKING, edgeWidth: 4.8, noiseFloor: 0.3 })).toBe("animation");
  });

  it("every rule's class is a real content class, each listed once", () => {
    const classes = RULES.map((r) => r.contentClass);
    expect(new Set(classes).size).toBe(classes.length);
    expect(classes).toEqual(["screen", "film-grain", "high-motion", "animation", "talking-head"]);
  });
});

describe("complexity", () => {
  it("is 0 for a clean still picture and for a clean blank moving one", () => {
    expect(complexityOf(features({ tiMean: 0, noiseFloor: 0 }))).toBe(0);
    expect(complexityOf(features({ siMean: 0, tiMean: 30, noiseFloor: 0 }))).toBe(0);
  });

  it("reaches 1 with full detail in full motion, and is capped there", () => {
    expect(complexityOf(features({ siMean: 120, tiMean: 40 }))).toBe(1);
    expect(complexityOf(features({ siMean: 300, tiMean: 90 }))).toBe(1);
  });

  it("is the geometric mean of detail and motion on a clean picture", () => {
    expect(complexityOf(features({ siMean: 60, tiMean: 10, noiseFloor: 0 }))).toBeCloseTo(Math.sqrt(0.5 * 0.25), 3);
  });

  it("counts grain: pure noise is as hard as it gets even where SI and TI read low, and grain adds to detail in motion", () => {
    expect(complexityOf(features({ siMean: 15, tiMean: 9, noiseFloor: 25 }))).toBe(1);
    const clean = complexityOf(features({ siMean: 60, tiMean: 10, noiseFloor: 0 }));
    const grainy = complexityOf(features({ siMean: 60, tiMean: 10, noiseFloor: 10 }));
    expect(grainy).toBeCloseTo(1 - (1 - clean) * (1 - 10 / 25), 3);
    expect(grainy).toBeGreaterThan(clean);
  });

  it("detailOf is spatial detail alone, capped at 1", () => {
    expect(detailOf(features({ siMean: 60, tiMean: 0 }))).toBe(0.5);
    expect(detailOf(features({ siMean: 300 }))).toBe(1);
  });

  it("grows with detail and with motion", () => {
    const base = complexityOf(features());
    expect(complexityOf(features({ siMean: 90 }))).toBeGreaterThan(base);
    expect(complexityOf(features({ tiMean: 25 }))).toBeGreaterThan(base);
  });
});

describe("profileOf", () => {
  const probe = aProbe({
    codec: "hevc",
    width: 3840,
    height: 2160,
    fps: 24000 / 1001,
    bitDepth: 10,
    pixelFormat: "yuv420p10le",
    hdr: "pq",
    colorTransfer: "smpte2084",
    colorPrimaries: "bt2020",
  });

  it("carries the probe's format, the class and the complexity into the model's ContentProfile", () => {
    expect(profileOf(probe, features({ siMean: 60, tiMean: 10, noiseFloor: 0 }), "film-grain", "media/ep.mov")).toEqual({
      duration: 2700,
      width: 3840,
      height: 2160,
      fps: 23.976,
      bitDepth: 10,
      hdr: "pq",
      contentClass: "film-grain",
      complexity: 0.354,
      source: "media/ep.mov",
    });
  });
});
