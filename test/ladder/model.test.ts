// The rate–quality model: its shape, the fit recovering known constants, cross-validation, and
// the predicted ladder a planner gets for a title without a file.
import { describe, expect, it } from "vitest";
import { crossValidateByTitle, fitDetail, type FitPoint, fitRqModel, heldOutDetail } from "../../src/ladder/fit";
import { bitsPerPixel, ladderFromModel, predictPoints, predictPsnr, recipeCaps, type RqModel, type RqParams } from "../../src/ladder/model";
import { checkRqModel, predictLadder, shippedRqModel } from "../../src/ladder/modelFile";
import { trialSizes } from "../../src/ladder/grid";
import { InputError } from "../../src/util/errors";

const KNOWN: RqParams = { a0: 2.6, a1: 2.2, a2: -1.1, a3: -0.7, a4: 0.06, b0: 3.1, b1: 1.4, b2: 0.8 };
/** Detail a little above complexity and rising with it, as in the fit's titles. */
const DETAIL = { intercept: 0.3, slope: 0.5 };
const MODEL: RqModel = { params: KNOWN, detail: DETAIL };

const ladder = [
  { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 },
  { name: "720p", width: 1280, height: 720, bitrateKbps: 3000 },
  { name: "540p", width: 960, height: 540, bitrateKbps: 2000 },
  { name: "360p", width: 640, height: 360, bitrateKbps: 800 },
  { name: "240p", width: 426, height: 240, bitrateKbps: 300 },
];

/** Trial-like points of titles of several complexities, from known constants. */
function synthetic(params: RqParams, noise = 0): FitPoint[] {
  const titles = [0.1, 0.3, 0.5, 0.7, 0.9];
  let k = 0;
  return titles.flatMap((c, t) =>
    trialSizes({ width: 1280, height: 720 }).flatMap((size) =>
      [60, 150, 400, 1000, 2500].map((kbps) => {
        // Detail off the line by title, so the fit can tell the detail and complexity terms apart.
        const x = { complexity: c, detail: 0.2 + ((t * 3) % 5) * 0.15, scale: size.height / 720, bpp: bitsPerPixel(kbps, size, 25) };
        // A deterministic ± noise pattern, not random: the test is reproducible.
        const e = noise * (k++ % 3 === 0 ? 1 : k % 3 === 1 ? -1 : 0);
        return { title: `t${t}`, ...x, psnr: predictPsnr(params, x) + e };
      }),
    ),
  );
}

describe("predictPsnr", () => {
  it("rises with bits per pixel and falls with complexity", () => {
    const base = { complexity: 0.5, detail: 0.5, scale: 1, bpp: 0.1 };
    expect(predictPsnr(KNOWN, { ...base, bpp: 0.2 })).toBeGreaterThan(predictPsnr(KNOWN, base));
    expect(predictPsnr(KNOWN, { ...base, complexity: 0.8 })).toBeLessThan(predictPsnr(KNOWN, base));
  });

  it("charges scaling loss by detail: a detailed picture loses more when scaled down, none at full size", () => {
    const half = { complexity: 0.5, scale: 0.5, bpp: 1 };
    expect(predictPsnr(KNOWN, { ...half, detail: 0.9 })).toBeLessThan(predictPsnr(KNOWN, { ...half, detail: 0.2 }));
    const full = { complexity: 0.5, scale: 1, bpp: 1 };
    expect(predictPsnr(KNOWN, { ...full, detail: 0.9 })).toBe(predictPsnr(KNOWN, { ...full, detail: 0.2 }));
  });

  it("charges a scaling loss only below the source size", () => {
    const full = predictPsnr(KNOWN, { complexity: 0.5, detail: 0.5, scale: 1, bpp: 10 });
    const half = predictPsnr(KNOWN, { complexity: 0.5, detail: 0.5, scale: 0.5, bpp: 10 });
    expect(half).toBeLessThan(full - 5);
  });
});

describe("fitRqModel", () => {
  it("recovers known constants from noise-free synthetic points", () => {
    const fit = fitRqModel(synthetic(KNOWN));
    for (const [k, v] of Object.entries(KNOWN)) expect(fit.params[k as keyof RqParams]).toBeCloseTo(v, 3);
    expect(fit.rmseDb).toBeLessThan(1e-4);
  });

  it("stays close with ±0.3 dB of measurement noise, and reports that noise as its error", () => {
    const fit = fitRqModel(synthetic(KNOWN, 0.3));
    expect(fit.rmseDb).toBeGreaterThan(0.1);
    expect(fit.rmseDb).toBeLessThan(0.3);
    expect(fit.params.a2).toBeCloseTo(KNOWN.a2, 1);
  });

  it("is deterministic", () => {
    expect(fitRqModel(synthetic(KNOWN, 0.3))).toEqual(fitRqModel(synthetic(KNOWN, 0.3)));
  });
});

describe("crossValidateByTitle", () => {
  it("holds out each title whole; on noise-free points the held-out error is ~0", () => {
    const cv = crossValidateByTitle(synthetic(KNOWN))!;
    expect(cv.perTitle.map((t) => t.title)).toEqual(["t0", "t1", "t2", "t3", "t4"]);
    expect(cv.rmseDb).toBeLessThan(1e-3);
    // Each title's held-out model is the one fitted without it: on noise-free points, the known constants.
    expect(cv.perTitle[2]!.model.params.a2).toBeCloseTo(KNOWN.a2, 3);
  });

  it("presents a held-out title as planning would: its detail predicted from its complexity by the other titles' line", () => {
    const points = synthetic(KNOWN);
    const asMeasured = crossValidateByTitle(points)!;
    const asPlanned = crossValidateByTitle(points, heldOutDetail)!;
    // The synthetic titles' detail is off any line in complexity, so predicting it costs accuracy.
    expect(asPlanned.rmseDb).toBeGreaterThan(asMeasured.rmseDb + 0.1);
  });

  it("fitDetail: one point per title, least squares; a flat line without spread in complexity", () => {
    const pt = (title: string, complexity: number, detail: number) => ({ title, complexity, detail, scale: 1, bpp: 0.1, psnr: 40 });
    const line = fitDetail([pt("a", 0.2, 0.4), pt("a", 0.2, 0.4), pt("a", 0.2, 0.4), pt("b", 0.6, 0.6)]);
    expect(line.slope).toBeCloseTo(0.5, 9);
    expect(line.intercept).toBeCloseTo(0.3, 9);
    expect(fitDetail([pt("a", 0.3, 0.2), pt("b", 0.3, 0.6)])).toEqual({ intercept: 0.4, slope: 0 });
  });

  it("needs two titles", () => {
    expect(crossValidateByTitle(synthetic(KNOWN).filter((p) => p.title === "t0"))).toBeNull();
  });
});

describe("predicted ladders", () => {
  const content = { width: 1280, height: 720, fps: 25, complexity: 0.5 };

  it("recipeCaps: the bitrate of the largest rung that fits the source, and the rung count", () => {
    expect(recipeCaps({ ladder }, content)).toEqual({ topKbps: 3000, maxRungs: 5 });
    expect(recipeCaps({ ladder }, { width: 1080, height: 1920 })).toEqual({ topKbps: 5000, maxRungs: 5 });
    expect(recipeCaps({ ladder }, { width: 176, height: 144 })).toEqual({ topKbps: 300, maxRungs: 5 });
  });

  it("predicts points at every trial size, and two smaller, from 50 kb/s to the cap", () => {
    const pts = predictPoints(MODEL, content, 3000);
    expect(new Set(pts.map((p) => p.height))).toEqual(new Set([720, 480, 360, 240, 180]));
    expect(Math.min(...pts.map((p) => p.kbps))).toBeCloseTo(50, 6);
    expect(Math.max(...pts.map((p) => p.kbps))).toBeCloseTo(3000, 6);
  });

  it("gives an easy title a cheaper bottom rung and better quality, sizes shrinking down the ladder", () => {
    const easy = ladderFromModel({ ...content, complexity: 0.1 }, { ladder }, MODEL);
    const hard = ladderFromModel({ ...content, complexity: 0.9 }, { ladder }, MODEL);
    expect(easy.length).toBeGreaterThan(1);
    expect(hard.length).toBeGreaterThan(1);
    expect(easy.at(-1)!.kbps).toBeLessThanOrEqual(hard.at(-1)!.kbps);
    expect(easy[0]!.psnr).toBeGreaterThan(hard[0]!.psnr);
    for (const l of [easy, hard]) {
      expect(l[0]!.kbps).toBeLessThanOrEqual(3000);
      for (let i = 1; i < l.length; i++) expect(l[i]!.height).toBeLessThanOrEqual(l[i - 1]!.height);
    }
  });

  it("predictLadder uses the shipped model for its encoder, and declines another encoder's recipe", () => {
    const doc = shippedRqModel();
    expect(doc.encoder).toBe("libx264");
    const rungs = predictLadder(content, { ladder, encoder: "libx264", hdr: false })!;
    expect(rungs.length).toBeGreaterThan(1);
    expect(rungs[0]!.kbps).toBeLessThanOrEqual(3000);
    expect(predictLadder(content, { ladder, encoder: "libx265", hdr: false })).toBeNull();
    // Nor an HDR recipe (SDR PSNR-Y trials), nor screen content: not what the model was fitted on.
    expect(predictLadder(content, { ladder, encoder: "libx264", hdr: true })).toBeNull();
    expect(predictLadder({ ...content, contentClass: "screen" }, { ladder, encoder: "libx264", hdr: false })).toBeNull();
    expect(predictLadder({ ...content, contentClass: "animation" }, { ladder, encoder: "libx264", hdr: false })).not.toBeNull();
  });

  it("the shipped model was produced by the fitting command and says how well it predicts unseen titles", () => {
    const doc = shippedRqModel();
    expect(doc.fit.command).toMatch(/^vps ladder --fit/);
    expect(doc.fit.titles.length).toBeGreaterThanOrEqual(5);
    expect(doc.fit.heldOutRmseDb).toBeGreaterThan(0);
    // …and how far its ladders fall from the ones trials give, on titles it was not fitted on.
    expect(doc.fit.heldOutLadderGap).not.toBeNull();
    expect(doc.fit.titles.filter((t) => t.heldOutLadderGap !== null).length).toBeGreaterThanOrEqual(5);
  });

  it("checkRqModel names what is wrong with a document", () => {
    expect(() => checkRqModel({ kind: "x" }, "m.json")).toThrow(InputError);
    try {
      checkRqModel({ kind: "vps-rq-model", schemaVersion: 2, deliverable: "h264-sdr", encoder: "libx264", preset: "medium", params: { a0: 1 } }, "m.json");
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).lines()).toContain("m.json: params.a1: expected a number, found nothing");
      expect((e as InputError).lines()).toContain("m.json: detail.intercept: expected a number, found nothing");
    }
    // A model from before detail was a term says how to get a new one.
    expect(() => checkRqModel({ ...shippedRqModel(), schemaVersion: 1 }, "old.json")).toThrow(InputError);
    try {
      checkRqModel({ ...shippedRqModel(), schemaVersion: 1 }, "old.json");
    } catch (e) {
      expect((e as InputError).lines().join("\n")).toMatch(/schemaVersion: expected 2, found 1 \(.*fit it again/);
    }
  });
});
