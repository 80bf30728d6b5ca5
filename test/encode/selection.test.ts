// Recipe selection over every content class × shipped deliverable, and every format constraint:
// where it is enforced (recipe load, workload load, ladder choice, the encode's filters) and what
// `vps recipes explain` says about it.
import { describe, expect, it } from "vitest";
import { normaliseNeeds } from "../../src/content/normalise";
import { explainWorkload, type ExplainInput } from "../../src/encode/explain";
import { loadWorkloadText } from "../../src/load/workload";
import { CONTENT_CLASSES, type ContentClass, type RecipeBook } from "../../src/model";
import { ladderFor, recipeFor, select } from "../../src/recipes/select";
import { aContent, aRecipe, aTitle } from "../builders";
import { aProbe } from "../content/builders";
import { shippedBook, workloadProblems, withTitle } from "../load/helpers";

const book = shippedBook();
const DELIVERABLES = [...new Set(book.recipes.map((r) => r.deliverable))].sort();
const HDR_DELIVERABLES = new Set(book.recipes.filter((r) => r.hdr).map((r) => r.deliverable));

/** A title that every deliverable accepts: a 4K 10-bit PQ source, so HDR deliverables apply too. */
const sourceFor = (cls: ContentClass) => aTitle({ content: aContent({ contentClass: cls, width: 3840, height: 2160, bitDepth: 10, hdr: "pq" }) });

describe("recipe selection: every content class × every shipped deliverable", () => {
  it("ships the deliverables the table below covers", () => {
    expect(DELIVERABLES).toEqual(["av1", "h264-sdr", "hevc-hdr10", "hevc-sdr", "vp9"]);
  });

  const cases = DELIVERABLES.flatMap((d) => CONTENT_CLASSES.map((c) => [d, c] as const));
  it.each(cases)("%s × %s → the class's own recipe, with its encoder, reason and the full 4K ladder", (deliverable, cls) => {
    const { recipe, ladder } = select(book, deliverable, sourceFor(cls));
    expect(recipe.id).toBe(`${deliverable}/${cls}`);
    expect(recipe.reason.length).toBeGreaterThan(10);
    expect(ladder).toEqual(recipe.ladder);
    // The same choice the workload loader validates against (pool, HDR).
    const text = withTitle(`  - id: a\n    content: { duration: 60, resolution: 3840x2160, fps: 24, bitDepth: 10, hdr: pq, class: ${cls} }\n    deliverables: [${deliverable}]\n`);
    expect(() => loadWorkloadText("w.yaml", text, book)).not.toThrow();
  });

  it.each(CONTENT_CLASSES)("a library with only a generic recipe serves %s with it", (cls) => {
    const only: RecipeBook = { recipes: [aRecipe({ deliverable: "x", contentClass: "generic" }), aRecipe({ deliverable: "y", contentClass: "animation" }), aRecipe({ deliverable: "y", contentClass: "generic" })] };
    expect(recipeFor(only, "x", sourceFor(cls)).id).toBe("x/generic");
    expect(recipeFor(only, "y", sourceFor(cls)).id).toBe(cls === "animation" ? "y/animation" : "y/generic");
  });
});

describe("constraint: no rung above the source (a 4K rung only from a 4K source)", () => {
  const rungs = (deliverable: string, width: number, height: number) =>
    ladderFor(recipeFor(book, deliverable, aTitle()), aTitle({ content: aContent({ width, height }) })).map((r) => r.name);

  it.each(DELIVERABLES)("%s: a 1080p source gets no 1440p or 2160p rung; a 4K source gets all", (d) => {
    const full = recipeFor(book, d, aTitle()).ladder.map((r) => r.name);
    expect(rungs(d, 1920, 1080)).toEqual(full.filter((n) => n !== "2160p" && n !== "1440p"));
    expect(rungs(d, 3840, 2160)).toEqual(full);
    expect(rungs(d, 4096, 2160)).toEqual(full);
  });

  it("compares the short side, so a portrait 4K upload keeps its 2160p rung", () => {
    expect(rungs("av1", 2160, 3840)[0]).toBe("2160p");
    expect(rungs("av1", 1080, 1920)[0]).toBe("1080p");
  });

  it("keeps the lowest rung for a source smaller than all of them (a deliverable is never empty)", () => {
    expect(rungs("hevc-hdr10", 640, 360)).toEqual(["720p"]);
  });
});

describe("constraint: HDR only on 10-bit HEVC/AV1 deliverables, from a 10-bit HDR source", () => {
  const title = (content: string, deliverable: string) => withTitle(`  - id: a\n    content: { duration: 60, resolution: 3840x2160, fps: 24, ${content} }\n    deliverables: [${deliverable}]\n`);

  it.each([...HDR_DELIVERABLES])("%s rejects an SDR source and an 8-bit HDR one, accepts 10-bit PQ and HLG", (d) => {
    expect(workloadProblems(title("hdr: sdr", d))).toEqual([
      `w.yaml:8:20 titles[0].deliverables[0]: expected an HDR source (content.hdr: pq or hlg) for HDR deliverable "${d}", found an SDR source`,
    ]);
    expect(workloadProblems(title("hdr: pq, bitDepth: 8", d))).toEqual([`w.yaml:8:20 titles[0].deliverables[0]: expected a source of at least 10 bits for "${d}", found 8-bit`]);
    expect(() => loadWorkloadText("w.yaml", title("hdr: pq, bitDepth: 10", d), book)).not.toThrow();
    expect(() => loadWorkloadText("w.yaml", title("hdr: hlg, bitDepth: 10", d), book)).not.toThrow();
  });

  it("every HDR recipe is 10-bit HEVC or AV1 (the recipe loader rejects anything else: test/load/recipes.test.ts)", () => {
    for (const r of book.recipes.filter((x) => x.hdr)) {
      expect(["hevc", "av1"], r.id).toContain(r.codec);
      expect(r.bitDepth, r.id).toBe(10);
    }
  });

  it.each(DELIVERABLES.filter((d) => !HDR_DELIVERABLES.has(d)))("SDR deliverable %s takes an HDR source (and tone-maps it)", (d) => {
    expect(() => loadWorkloadText("w.yaml", title("hdr: pq, bitDepth: 10", d), book)).not.toThrow();
  });
});

describe("explainWorkload", () => {
  const content = aContent({ width: 1920, height: 800, bitDepth: 10, hdr: "pq", contentClass: "film-grain", source: "/m/ep.mov", duration: 3600 });
  const probe = aProbe({ width: 1920, height: 800, bitDepth: 10, hdr: "pq", pixelFormat: "yuv422p10le", masteringDisplay: null, contentLight: { maxCll: 1000, maxFall: 400 } });
  const input = (deliverables: string[]): ExplainInput => ({
    titles: [aTitle({ id: "ep", content, deliverables })],
    book,
    sources: new Map([["ep", { content, probe, needs: normaliseNeeds(probe, true) }]]),
    analyses: new Map(),
    classFrom: new Map([["ep", "written"]]),
  });

  it("names the recipe and its reason, the ladder after constraints with output sizes, and the dropped rungs", () => {
    const [t] = explainWorkload(input(["av1"]));
    expect(t).toMatchObject({ title: "ep", source: "/m/ep.mov", chunks: 15, content: { class: "film-grain", from: "written", size: "1920x800" } });
    expect(t!.normalise).toEqual(["pixel format yuv422p10le: converted to yuv420p10le (4:2:0, which every deliverable takes)"]);
    const d = t!.deliverables[0]!;
    expect(d.recipe).toMatchObject({ id: "av1/film-grain", encoder: "libsvtav1", preset: "6", settings: { "film-grain": 10 } });
    expect(d.recipe.reason).toMatch(/film grain synthesis/);
    expect(d.ladder.map((r) => `${r.name} ${r.output}`)).toEqual(["720p 1280x534", "540p 960x400", "360p 640x266"]);
    expect(d.dropped.map((r) => r.name)).toEqual(["2160p", "1440p", "1080p"]);
    expect(d.dropped[0]!.reason).toBe("above the source (1920x800): upscaling wastes bits and time");
    expect(d.constraints).toEqual(["PQ source on SDR deliverable av1: tone-mapped to BT.709 SDR (zscale, hable)"]);
    expect(d.downgrades[0]).toBe("faster-preset 10 (work ×0.3, −3 quality)");
  });

  it("says what an HDR deliverable carries from the source, and what an 8-bit one loses", () => {
    const [t] = explainWorkload(input(["hevc-hdr10", "h264-sdr"]));
    const [hdr, sdr] = t!.deliverables;
    expect(hdr!.constraints).toEqual([
      "HDR deliverable: needs an HDR 10-bit source, has pq 10-bit; BT.2020 primaries, PQ (SMPTE ST 2084)",
      "MaxCLL/MaxFALL carried through from the source",
    ]);
    expect(sdr!.constraints).toEqual(["PQ source on SDR deliverable h264-sdr: tone-mapped to BT.709 SDR (zscale, hable)", "10-bit source encoded at 8 bits"]);
  });

  it("says when a rung is kept above a small source, and which class was measured", () => {
    const small = aContent({ width: 640, height: 360, contentClass: "animation" });
    const [t] = explainWorkload({ titles: [aTitle({ id: "s", content: small, deliverables: ["hevc-sdr"] })], book, sources: new Map(), analyses: new Map(), classFrom: new Map() });
    expect(t!.content.from).toBe("default");
    expect(t!.deliverables[0]!.ladder.map((r) => [r.name, r.output])).toEqual([["540p", null]]);
    expect(t!.deliverables[0]!.constraints).toEqual(["540p kept although the source (640x360) is smaller: a deliverable is never empty; the source is not upscaled"]);
  });

  it("marks the downgrade steps this title's ladder cannot take n/a (it listed defer-rendition 2160p for a 1080p source)", () => {
    const explain = (width: number, height: number) =>
      explainWorkload({ titles: [aTitle({ id: "s", content: aContent({ width, height }), deliverables: ["hevc-sdr"] })], book, sources: new Map(), analyses: new Map(), classFrom: new Map() })[0]!
        .deliverables[0]!.downgrades;
    expect(explain(1920, 1080)).toEqual(["defer-rendition 2160p (n/a: no 2160p rung for this title)", "faster-preset fast (work ×0.45, −3 quality)", "drop-top-rung (−8 quality)"]);
    expect(explain(3840, 2160)[0]).toBe("defer-rendition 2160p (−2 quality)");
    expect(explain(640, 360)).toEqual([
      "defer-rendition 2160p (n/a: no 2160p rung for this title)",
      "faster-preset fast (work ×0.45, −3 quality)",
      "drop-top-rung (n/a: a deliverable keeps its only rung)",
    ]);
  });

  it("shows a per-title ladder as the title's, with the model's PSNR, and drops no recipe rung", () => {
    const ladder = [
      { name: "800p", width: 1920, height: 800, bitrateKbps: 2400, psnr: 41.2 },
      { name: "400p", width: 960, height: 400, bitrateKbps: 600, psnr: 35 },
    ];
    const base = input(["h264-sdr", "av1"]);
    const titles = base.titles.map((t) => ({ ...t, ladders: { "h264-sdr": ladder } }));
    const [h264, av1] = explainWorkload({ ...base, titles })[0]!.deliverables;
    expect(h264!.ladderFrom).toBe("per-title");
    expect(h264!.ladder.map((r) => [r.name, r.psnr, r.output])).toEqual([
      ["800p", 41.2, "1920x800"],
      ["400p", 35, "960x400"],
    ]);
    expect(h264!.dropped).toEqual([]);
    // A deliverable without a per-title ladder explains the recipe's as before.
    expect(av1!.ladderFrom).toBe("recipe");
    expect(av1!.dropped.map((r) => r.name)).toEqual(["2160p", "1440p", "1080p"]);
  });
});
