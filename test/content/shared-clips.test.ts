// The four shared real clips, through the real ffprobe and ffmpeg: each lands in the class its
// file name says (Tears of Steel, live action with VFX, is generic: see src/content/classify.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { analyseFiles } from "../../src/content/analyse";
import type { Analysis } from "../../src/content/types";
import { MEDIA } from "./media";

const analyses = new Map<string, Analysis>();

beforeAll(async () => {
  const files = Object.values(MEDIA);
  for (const o of await analyseFiles(files, { cacheDir: null }, 2)) {
    if ("error" in o) throw o.error;
    analyses.set(o.file, o.analysis);
  }
}, 120_000);

const of = (file: string): Analysis => analyses.get(file)!;

describe("shared clips", () => {
  it.each([
    ["animation_bbb", MEDIA.bbb, "animation"],
    ["animation_caminandes", MEDIA.caminandes, "animation"],
    ["liveaction_tears_of_steel", MEDIA.tearsOfSteel, "generic"],
    ["talkinghead_carphone", MEDIA.talkinghead, "talking-head"],
  ] as const)("%s is %s", (_name, file, expected) => {
    const a = of(file);
    expect(a.classification.contentClass).toBe(expected);
    expect(a.profile.contentClass).toBe(expected);
    expect(a.classification.reasons.length).toBeGreaterThan(0);
  });

  it("describes format, audio and measurement of the Big Buck Bunny clip", () => {
    const a = of(MEDIA.bbb);
    expect(a.profile).toMatchObject({ width: 1280, height: 720, fps: 25, bitDepth: 8, hdr: "sdr", source: MEDIA.bbb });
    expect(a.profile.duration).toBeCloseTo(5.31, 1);
    expect(a.audio).toMatchObject({ codec: "aac", channels: 6 });
    expect(a.sampled).toBe(false);
    expect(a.measurement).toMatchObject({ analysisWidth: 640, analysisHeight: 360, framesAnalysed: 132 });
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.warnings).toEqual([]);
  });

  it("measures plausible features: live action moves more and is softer than the renders", () => {
    const tos = of(MEDIA.tearsOfSteel).features;
    const bbb = of(MEDIA.bbb).features;
    expect(tos.tiMean).toBeGreaterThan(bbb.tiMean);
    expect(tos.edgeWidth!).toBeGreaterThan(bbb.edgeWidth!);
    expect(tos.cutsPerMinute).toBeGreaterThan(0);
    for (const a of analyses.values()) {
      expect(a.profile.complexity).toBeGreaterThan(0);
      expect(a.profile.complexity).toBeLessThan(1);
    }
  });
});
