// Synthetic clips from ffmpeg's own sources, so the rules are checked on more than the four shared
// files: slides and bars (screen), a fast fractal zoom and a spinning pattern (high motion), grain
// on a test pattern and on a real cartoon (film grain), a flat-shaded test pattern (animation),
// and awkward sources (interlaced 4:2:2, variable frame rate) for the warnings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseFiles } from "../../src/content/analyse";
import type { Analysis } from "../../src/content/types";
import { lavfi, makeClip, MEDIA, tempDir } from "./media";

const tmp = tempDir("vps-synth-");
const analyses = new Map<string, Analysis>();

const CLIPS: Record<string, () => string> = {
  slides: () => makeClip(tmp.dir, "slides", lavfi("testsrc=size=320x180:rate=2,fps=10"), 1.5),
  bars: () => makeClip(tmp.dir, "bars", lavfi("smptehdbars=size=320x180:rate=10"), 1),
  zoom: () => makeClip(tmp.dir, "zoom", lavfi("mandelbrot=size=320x180:rate=25:start_scale=3:end_scale=0.0005:end_pts=50"), 1),
  spin: () => makeClip(tmp.dir, "spin", lavfi("testsrc2=size=320x180:rate=25,rotate=a=t*4"), 1),
  grainPattern: () => makeClip(tmp.dir, "grain-pattern", lavfi("testsrc2=size=320x180:rate=25,noise=alls=40:allf=t+u"), 1),
  grainCartoon: () => makeClip(tmp.dir, "grain-cartoon", ["-i", MEDIA.caminandes, "-vf", "scale=320:180,noise=alls=8:allf=t"], 1),
  flatPattern: () => makeClip(tmp.dir, "flat-pattern", lavfi("testsrc2=size=320x180:rate=25"), 1),
  interlaced: () => makeClip(tmp.dir, "interlaced", lavfi("testsrc2=size=160x90:rate=25"), 1, ["-pix_fmt", "yuv422p", "-flags", "+ildct+ilme", "-top", "1"]),
  vfr: () => makeClip(tmp.dir, "vfr", lavfi("testsrc2=size=160x90:rate=25"), 1, ["-vf", "setpts='(N+floor(N/2))/25/TB'", "-fps_mode", "vfr"]),
};

beforeAll(async () => {
  const files = Object.fromEntries(Object.entries(CLIPS).map(([name, make]) => [name, make()]));
  const outcomes = await analyseFiles(Object.values(files), { cacheDir: null }, 2);
  for (const [i, name] of Object.keys(files).entries()) {
    const o = outcomes[i]!;
    if ("error" in o) throw o.error;
    analyses.set(name, o.analysis);
  }
}, 120_000);
afterAll(() => tmp.remove());

const classOf = (name: string) => analyses.get(name)!.classification.contentClass;

describe("synthetic clips", () => {
  it.each([
    ["slides", "screen"],
    ["bars", "screen"],
    ["zoom", "high-motion"],
    ["spin", "high-motion"],
    ["grainPattern", "film-grain"],
    ["grainCartoon", "film-grain"],
    ["flatPattern", "animation"],
  ])("%s is %s", (name, expected) => {
    expect(classOf(name)).toBe(expected);
  });

  it("grain turns a cartoon that is animation when clean into film grain", () => {
    const grainy = analyses.get("grainCartoon")!.features;
    expect(grainy.noiseFloor).toBeGreaterThan(3);
    expect(grainy.staticPixelShare).toBeLessThan(0.5);
  });

  it("warns about interlacing and a 4:2:2 pixel format, and measures after deinterlacing", () => {
    const a = analyses.get("interlaced")!;
    expect(a.probe.interlaced).toBe(true);
    expect(a.warnings).toEqual([
      "interlaced (field order tt): needs deinterlacing before encoding; measured after yadif",
      "pixel format yuv422p: deliverables take 4:2:0 at 8 or 10 bits (yuv420p, yuv420p10le)",
    ]);
  });

  it("warns about a variable frame rate", () => {
    const a = analyses.get("vfr")!;
    expect(a.probe.variableFrameRate).toBe(true);
    expect(a.warnings.some((w) => w.startsWith("variable frame rate"))).toBe(true);
  });
});
