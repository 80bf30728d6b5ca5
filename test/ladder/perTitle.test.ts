// Per-title ladders in planning (src/ladder/perTitle.ts, `--ladders per-title`): which titles and
// deliverables get a predicted ladder, what every predicted ladder promises a user, the summary,
// and the plan that carries them. The model's constants (recipes/rq-model.json) are refitted from
// time to time, so nothing here depends on a predicted number: only on the picking rules
// (src/ladder/rungs.ts), the recipe caps and the model's form.
import Ajv from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { trialSizes } from "../../src/ladder/grid";
import { bitsPerPixel, detailFor, predictPsnr } from "../../src/ladder/model";
import { type RqModelDoc, shippedRqModel } from "../../src/ladder/modelFile";
import { withPerTitleLadders } from "../../src/ladder/perTitle";
import { DEFAULT_RULES } from "../../src/ladder/rungs";
import type { ContentProfile, Recipe, RecipeBook, Rendition, Title, Workload } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { planSchema } from "../../src/plan/schema";
import { verifyPlan } from "../../src/plan/verify";
import { recipeFor, select } from "../../src/recipes/select";
import { aTitle, aWorkload } from "../builders";
import { shippedBook } from "../load/helpers";

const book: RecipeBook = shippedBook();
const x264 = shippedRqModel();
/** The shipped model's constants, claimed for x265 only: it speaks for no h264-sdr recipe. */
const x265: RqModelDoc = { ...structuredClone(x264), deliverable: "hevc-sdr", encoder: "libx265" };

const laddered = (titles: Title[], models: RqModelDoc[] = [x264]) => withPerTitleLadders(aWorkload({ titles }), book, models);
const shortSide = (s: { width: number; height: number }) => Math.min(s.width, s.height);

/** The recipe's rungs that fit the source by short side (the lowest when none does), as planning keeps them. */
function recipeFits(recipe: Recipe, content: ContentProfile): Rendition[] {
  const fits = recipe.ladder.filter((r) => shortSide(r) <= shortSide(content));
  return fits.length > 0 ? fits : recipe.ladder.slice(-1);
}

/** PSNR-Y the model predicts for a rendition of `size` at `kbps` on this content. */
const psnrOf = (content: ContentProfile, size: { width: number; height: number }, kbps: number, complexity = content.complexity) =>
  predictPsnr(x264.params, { complexity, detail: detailFor(x264.detail, complexity), scale: size.height / content.height, bpp: bitsPerPixel(kbps, size, content.fps) });

/** Everything a predicted ladder promises, whatever the model's constants. */
function expectSaneLadder(ladder: readonly Rendition[] | undefined, content: ContentProfile, recipe: Recipe): void {
  expect(ladder, "a predicted ladder").toBeDefined();
  const rungs = ladder!;
  const where = `${content.width}x${content.height}@${content.fps} c=${content.complexity}: ${JSON.stringify(rungs)}`;
  expect(rungs.length, where).toBeGreaterThan(0);
  expect(rungs.length, where).toBeLessThanOrEqual(recipe.ladder.length);
  expect(new Set(rungs.map((r) => r.name)).size, where).toBe(rungs.length);
  // Never upscaled, and the source's orientation kept (a portrait upload gets portrait rungs).
  for (const r of rungs) {
    expect(r.width, where).toBeLessThanOrEqual(content.width);
    expect(r.height, where).toBeLessThanOrEqual(content.height);
    expect(shortSide(r), where).toBeLessThanOrEqual(shortSide(content));
    expect(Number.isInteger(r.width) && Number.isInteger(r.height), where).toBe(true);
    expect(r.bitrateKbps, where).toBeGreaterThan(0);
    expect(Number.isFinite(r.psnr), where).toBe(true);
  }
  // Highest bitrate first, each step at least the spacing rule's ratio (bitrates are rounded to three digits).
  for (let i = 1; i < rungs.length; i++) {
    expect(rungs[i]!.bitrateKbps, where).toBeLessThan(rungs[i - 1]!.bitrateKbps);
    if (DEFAULT_RULES.spacing.kind === "ratio") expect(rungs[i - 1]!.bitrateKbps / rungs[i]!.bitrateKbps, where).toBeGreaterThanOrEqual(DEFAULT_RULES.spacing.minRatio * 0.99);
  }
  // The top never spends more than the recipe's largest rung that fits the source…
  expect(rungs[0]!.bitrateKbps, where).toBeLessThanOrEqual(Math.max(...recipeFits(recipe, content).map((r) => r.bitrateKbps)));
  // …nor past visually lossless: rungs go down in quality, so only the top may be above the ceiling
  // (when even the cheapest rate is), and then it is the only rung.
  const pastCeiling = rungs.filter((r) => r.psnr! > DEFAULT_RULES.qualityCeilingDb + 0.05);
  expect(pastCeiling.length === 0 || rungs.length === 1, `rungs past ${DEFAULT_RULES.qualityCeilingDb} dB: ${where}`).toBe(true);
  // A ladder of several rungs has one a weak link can hold.
  if (rungs.length > 1) expect(rungs.at(-1)!.bitrateKbps, where).toBeLessThanOrEqual(DEFAULT_RULES.bottomKbps);
}

/** A rung's psnr is the model's prediction for its own size and bitrate, and no trial size predicts better at that bitrate. */
function expectRungsOnTheModel(rungs: readonly Rendition[], content: ContentProfile): void {
  for (const r of rungs) {
    const where = `${content.width}x${content.height} c=${content.complexity} ${r.name}`;
    const own = psnrOf(content, r, r.bitrateKbps);
    expect(Math.abs(r.psnr! - own), where).toBeLessThan(0.25);
    const best = Math.max(...trialSizes(content).map((s) => psnrOf(content, s, r.bitrateKbps)));
    expect(own, where).toBeGreaterThan(best - 0.1);
  }
}

const SOURCES = [
  { name: "4K", width: 3840, height: 2160, fps: 24 },
  { name: "1080p", width: 1920, height: 1080, fps: 25 },
  { name: "720p", width: 1280, height: 720, fps: 30 },
  { name: "portrait 1080x1920", width: 1080, height: 1920, fps: 30 },
  { name: "smaller than every rung (160x90)", width: 160, height: 90, fps: 10 },
];

describe("withPerTitleLadders with the shipped recipes and model", () => {
  it.each(SOURCES)("a $name source gets a sane h264-sdr ladder, whatever its complexity", ({ width, height, fps }) => {
    const titles = [0, 0.2, 0.5, 0.8, 1].map((complexity, i) => aTitle({ id: `t${i}`, content: { width, height, fps, complexity } }));
    const { workload, summary } = laddered(titles);
    for (const t of workload.titles) {
      const recipe = recipeFor(book, "h264-sdr", t);
      expectSaneLadder(t.ladders?.["h264-sdr"], t.content, recipe);
      expectRungsOnTheModel(t.ladders!["h264-sdr"]!, t.content);
    }
    expect(summary).toMatchObject({ encoders: ["libx264"], predicted: titles.length, kept: 0 });
  });

  it("keeps the recipe's ladder for screen content (not fitted) and for HDR deliverables, counted as kept", () => {
    const screen = aTitle({ id: "slides", content: { contentClass: "screen", complexity: 0.1 } });
    const camera = aTitle({ id: "camera", content: { contentClass: "generic", complexity: 0.1 } });
    const { workload, summary } = laddered([screen, camera]);
    expect(workload.titles[0]!.ladders).toBeUndefined();
    expect(workload.titles[1]!.ladders?.["h264-sdr"]).toBeDefined();
    expect(summary).toMatchObject({ predicted: 1, kept: 1 });
    const x265Model: RqModelDoc = { ...x265, encoder: "libx265" };
    const hdr = aTitle({ id: "hdr", content: { width: 3840, height: 2160, bitDepth: 10, hdr: "pq" }, deliverables: ["hevc-hdr10", "hevc-sdr"] });
    const both = laddered([hdr], [x264, x265Model]);
    expect(Object.keys(both.workload.titles[0]!.ladders ?? {})).toEqual(["hevc-sdr"]);
    expect(both.summary).toMatchObject({ predicted: 1, kept: 1 });
  });

  it("predicts only deliverables the model's encoder serves: hevc, av1 and vp9 keep the recipe's ladder and are counted as kept", () => {
    const titles = [
      aTitle({ id: "all", deliverables: ["h264-sdr", "hevc-sdr", "av1", "vp9"] }),
      aTitle({ id: "h264", content: { width: 1280, height: 720 } }),
      aTitle({ id: "hevc-only", deliverables: ["hevc-sdr"] }),
    ];
    const { workload, summary } = laddered(titles);
    const [all, h264, hevcOnly] = workload.titles;
    expect(Object.keys(all!.ladders ?? {})).toEqual(["h264-sdr"]);
    expect(Object.keys(h264!.ladders ?? {})).toEqual(["h264-sdr"]);
    // A title no model covers is left exactly as it was.
    expect(hevcOnly).toEqual(titles[2]);
    expect(hevcOnly!.ladders).toBeUndefined();
    expect(summary.predicted).toBe(2);
    expect(summary.kept).toBe(4);
    // Planning selects the per-title ladder where there is one, the recipe's (fitted to the source) elsewhere.
    expect(select(book, "h264-sdr", all!).ladder).toBe(all!.ladders!["h264-sdr"]);
    for (const d of ["hevc-sdr", "av1", "vp9"]) {
      const recipe = recipeFor(book, d, all!);
      expect(select(book, d, all!).ladder, d).toEqual(recipeFits(recipe, all!.content));
    }
  });

  it("a model for another encoder only (libx265) leaves every h264-sdr title as it was", () => {
    const titles = [aTitle({ id: "a" }), aTitle({ id: "b", content: { width: 3840, height: 2160, complexity: 0.9 } }), aTitle({ id: "c", deliverables: ["h264-sdr", "vp9"] })];
    const { workload, summary } = laddered(titles, [x265]);
    expect(workload.titles).toEqual(titles);
    expect(summary).toEqual({ encoders: ["libx265"], predicted: 0, kept: 4, bdRate: null, bitrateRatio: null });
  });

  it("matches models to recipes by encoder: with an x265 model the hevc deliverables are predicted; with both, every covered pair", () => {
    const titles = [aTitle({ id: "a", deliverables: ["h264-sdr", "hevc-sdr", "av1"] })];
    const only265 = laddered(titles, [x265]);
    expect(Object.keys(only265.workload.titles[0]!.ladders!)).toEqual(["hevc-sdr"]);
    expectSaneLadder(only265.workload.titles[0]!.ladders!["hevc-sdr"], titles[0]!.content, recipeFor(book, "hevc-sdr", titles[0]!));
    expect(only265.summary).toMatchObject({ encoders: ["libx265"], predicted: 1, kept: 2 });

    const both = laddered(titles, [x265, x264]);
    expect(Object.keys(both.workload.titles[0]!.ladders!).sort()).toEqual(["h264-sdr", "hevc-sdr"]);
    expect(both.summary).toMatchObject({ encoders: ["libx264", "libx265"], predicted: 2, kept: 1 });
  });

  it("the summary: every title × deliverable pair counted once, a finite positive bitrate ratio that is Σ per-title ÷ Σ recipe kbps, ordered BD-rate quantiles", () => {
    const titles = SOURCES.flatMap((s, i) =>
      [0.1, 0.4, 0.7].map((complexity, j) =>
        aTitle({ id: `t${i}-${j}`, content: { width: s.width, height: s.height, fps: s.fps, complexity }, deliverables: j === 1 ? ["h264-sdr", "hevc-sdr"] : ["h264-sdr"] }),
      ),
    );
    const { workload, summary } = laddered(titles);
    const pairs = titles.reduce((n, t) => n + t.deliverables.length, 0);
    expect(summary.predicted + summary.kept).toBe(pairs);
    expect(summary.predicted).toBe(titles.length);

    const perTitle = workload.titles.reduce((s, t) => s + t.ladders!["h264-sdr"]!.reduce((k, r) => k + r.bitrateKbps, 0), 0);
    const recipe = workload.titles.reduce((s, t) => s + recipeFits(recipeFor(book, "h264-sdr", t), t.content).reduce((k, r) => k + r.bitrateKbps, 0), 0);
    expect(summary.bitrateRatio).not.toBeNull();
    expect(Number.isFinite(summary.bitrateRatio)).toBe(true);
    expect(summary.bitrateRatio!).toBeGreaterThan(0);
    expect(summary.bitrateRatio!).toBeCloseTo(perTitle / recipe, 3);

    expect(summary.bdRate).not.toBeNull();
    const { p10, median, p90 } = summary.bdRate!;
    for (const q of [p10, median, p90]) expect(Number.isFinite(q) && q > -1).toBe(true);
    expect(p10).toBeLessThanOrEqual(median);
    expect(median).toBeLessThanOrEqual(p90);
  });

  it("never spends bits past visually lossless, on tiny easy sources either (where even the cheapest rate is predicted above the ceiling)", () => {
    for (const s of [
      { width: 160, height: 90, fps: 10 },
      { width: 320, height: 180, fps: 24 },
      { width: 640, height: 360, fps: 24 },
    ]) {
      const titles = Array.from({ length: 21 }, (_, i) => aTitle({ id: `c${i}`, content: { ...s, complexity: i / 20 } }));
      for (const t of laddered(titles).workload.titles) {
        const rungs = t.ladders!["h264-sdr"]!;
        const over = rungs.filter((r) => r.psnr! > DEFAULT_RULES.qualityCeilingDb + 0.05);
        expect(over.length === 0 || rungs.length === 1, `${s.width}x${s.height} c=${t.content.complexity}: ${over.length} of ${rungs.length} rungs past the ceiling ${JSON.stringify(rungs)}`).toBe(true);
      }
    }
  });

  it("is pure: the input is not changed, and a title's ladder depends on its content only (not its id or its neighbours)", () => {
    const content = { width: 1280, height: 720, fps: 30, complexity: 0.35 };
    const titles = [aTitle({ id: "x", content }), aTitle({ id: "noise", content: { complexity: 0.9 } }), aTitle({ id: "y", tier: "premium", content })];
    const input: Workload = aWorkload({ titles });
    const before = structuredClone(input);
    const first = withPerTitleLadders(input, book, [x264]);
    expect(input).toEqual(before);
    expect(withPerTitleLadders(structuredClone(before), book, [x264])).toEqual(first);
    const [x, , y] = first.workload.titles;
    expect(y!.ladders).toEqual(x!.ladders);
    expect(laddered([aTitle({ id: "alone", content })]).workload.titles[0]!.ladders).toEqual(x!.ladders);
  });
});

describe("the model's form: properties any sane fit has", () => {
  // Coding error grows with complexity (a1 > 0) and falls with bits per pixel (a2 < 0): a fit
  // without these signs is broken, and the properties below stop following from the form.
  it("the shipped constants have the signs the form assumes", () => {
    expect(x264.params.a1).toBeGreaterThan(0);
    expect(x264.params.a2).toBeLessThan(0);
  });

  it("at a rung's own bitrate and the source's size, a more complex title is predicted no better", () => {
    for (const s of SOURCES) {
      const content = { ...aTitle().content, ...s, complexity: 0.5 };
      const rungs = laddered([aTitle({ content })]).workload.titles[0]!.ladders!["h264-sdr"]!;
      for (const r of rungs) {
        const byComplexity = [0, 0.25, 0.5, 0.75, 1].map((c) => psnrOf(content, content, r.bitrateKbps, c));
        for (let i = 1; i < byComplexity.length; i++) expect(byComplexity[i]!, `${s.name} ${r.name}`).toBeLessThan(byComplexity[i - 1]!);
      }
    }
  });

  it("a higher rung is never predicted worse than a lower one", () => {
    for (const s of SOURCES) {
      for (const complexity of [0, 0.3, 0.6, 1]) {
        const rungs = laddered([aTitle({ content: { ...s, complexity } })]).workload.titles[0]!.ladders!["h264-sdr"]!;
        for (let i = 1; i < rungs.length; i++) expect(rungs[i]!.psnr!, `${s.name} c=${complexity}`).toBeLessThanOrEqual(rungs[i - 1]!.psnr!);
      }
    }
  });
});

describe("property: any content gets a sane predicted ladder", () => {
  const contentArb = fc.record({
    width: fc.integer({ min: 320, max: 3840 }),
    portrait: fc.boolean(),
    fps: fc.integer({ min: 24, max: 60 }),
    complexity: fc.double({ min: 0, max: 1, noNaN: true }),
    contentClass: fc.constantFrom("generic", "animation", "film-grain", "high-motion", "talking-head", "screen"),
  });

  it("non-empty, never above the source, unique names, kbps descending, psnr finite, within the recipe's caps", () => {
    fc.assert(
      fc.property(contentArb, ({ width, portrait, fps, complexity, contentClass }) => {
        const long = width;
        const short = Math.max(2, 2 * Math.round((width * 9) / 16 / 2));
        const size = portrait ? { width: short, height: long } : { width: long, height: short };
        const title = aTitle({ content: { ...size, fps, complexity, contentClass } });
        const got = laddered([title]).workload.titles[0]!;
        // Screen content is not what the model was fitted on: it keeps the screen recipe's ladder.
        if (contentClass === "screen") expect(got.ladders).toBeUndefined();
        else expectSaneLadder(got.ladders?.["h264-sdr"], title.content, recipeFor(book, "h264-sdr", title));
      }),
      { numRuns: 150 },
    );
  });
});

/** The validator vps itself uses for `vps schema`: strict, and aware of its own `x-expected` annotation. */
function strictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  return ajv;
}

describe("a plan of per-title ladders", () => {
  const titles = [
    aTitle({ id: "ep", tier: "premium", deadline: 864_000, deliverables: ["h264-sdr", "hevc-sdr"] }),
    aTitle({ id: "clip", arrival: 60, content: { duration: 180, width: 1280, height: 720, fps: 30, complexity: 0.2 } }),
    aTitle({ id: "uhd", arrival: 120, content: { duration: 600, width: 3840, height: 2160, complexity: 0.7 }, deliverables: ["h264-sdr", "av1"] }),
  ];
  // Deadlines far off: no downgrade drops a rung, so the encodes are the whole ladders.
  const capacity = { pools: [{ id: "cpu", slots: 32, memoryGiB: null }], scratchGiB: null };
  const options = { policy: "value" as const, seed: null, trace: null };
  const { workload, summary } = withPerTitleLadders(aWorkload({ titles, capacity }), book, [x264]);
  const plan = buildPlan(workload, book, { ...options, ladders: summary });
  const recipePlan = buildPlan(aWorkload({ titles, capacity }), book, options);

  it("encodes exactly the per-title rungs of h264-sdr, and the recipe's rungs of the other deliverables", () => {
    for (const t of workload.titles) {
      const encodes = plan.tasks.filter((x) => x.kind === "encode" && x.title === t.id);
      const h264 = new Set(encodes.filter((x) => x.deliverable === "h264-sdr").map((x) => x.rendition));
      expect([...h264].sort(), t.id).toEqual(t.ladders!["h264-sdr"]!.map((r) => r.name).sort());
      for (const d of t.deliverables.filter((x) => x !== "h264-sdr")) {
        const names = new Set(encodes.filter((x) => x.deliverable === d).map((x) => x.rendition));
        expect([...names].sort(), `${t.id} ${d}`).toEqual(recipeFits(recipeFor(book, d, t), t.content).map((r) => r.name).sort());
      }
    }
  });

  it("lists each title's predicted ladders and the summary in metrics; a recipe plan has neither", () => {
    for (const t of workload.titles) {
      const shown = plan.titles.find((x) => x.id === t.id)!.ladders;
      expect(shown).toEqual([
        { deliverable: "h264-sdr", rungs: t.ladders!["h264-sdr"]!.map((r) => ({ name: r.name, width: r.width, height: r.height, kbps: r.bitrateKbps, psnr: r.psnr })) },
      ]);
    }
    expect(plan.metrics.ladders).toEqual(summary);
    expect(recipePlan.titles.every((t) => t.ladders === undefined)).toBe(true);
    expect("ladders" in recipePlan.metrics).toBe(false);
  });

  it("is sound and matches the plan schema (strict)", () => {
    expect(verifyPlan(plan)).toEqual([]);
    const validate = strictAjv().compile(planSchema);
    const ok = validate(JSON.parse(JSON.stringify(plan)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});
