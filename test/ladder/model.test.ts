// The rate–quality model: its shape, the fit recovering known constants, cross-validation, and
// the predicted ladder a planner gets for a title without a file.
import { describe, expect, it } from "vitest";
import { crossValidateByTitle, type FitPoint, fitRqModel } from "../../src/ladder/fit";
import { bitsPerPixel, ladderFromModel, predictPoints, predictPsnr, recipeCaps, type RqParams } from "../../src/ladder/model";
import { checkRqModel, predictLadder, shippedRqModel } from "../../src/ladder/modelFile";
import { trialSizes } from "../../src/ladder/grid";
import { InputError } from "../../src/util/errors";

const KNOWN: RqParams = { a0: 2.6, a1: 2.2, a2: -1.1, a3: -0.7, b0: 3.1, b1: 1.4, b2: 0.8 };

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
        const x = { complexity: c, scale: size.height / 720, bpp: bitsPerPixel(kbps, size, 25) };
        // A deterministic ± noise pattern, not random: the test is reproducible.
        const e = noise * (k++ % 3 === 0 ? 1 : k % 3 === 1 ? -1 : 0);
        return { title: `t${t}`, ...x, psnr: predictPsnr(params, x) + e };
      }),
    ),
  );
}

describe("predictPsnr", () => {
  it("rises with bits per pixel and falls with complexity", () => {
    const base = { complexity: 0.5, scale: 1, bpp: 0.1 };
    expect(predictPsnr(KNOWN, { ...base, bpp: 0.2 })).toBeGreaterThan(predictPsnr(KNOWN, base));
    expect(predictPsnr(KNOWN, { ...base, complexity: 0.8 })).toBeLessThan(predictPsnr(KNOWN, base));
  });

  it("charges a scaling loss only below the source size", () => {
    const full = predictPsnr(KNOWN, { complexity: 0.5, scale: 1, bpp: 10 });
    const half = predictPsnr(KNOWN, { complexity: 0.5, scale: 0.5, bpp: 10 });
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

  it("predicts points at every trial size from 50 kb/s to the cap", () => {
    const pts = predictPoints(KNOWN, content, 3000);
    expect(new Set(pts.map((p) => p.height))).toEqual(new Set([720, 480, 360, 240, 180]));
    expect(Math.min(...pts.map((p) => p.kbps))).toBeCloseTo(50, 6);
    expect(Math.max(...pts.map((p) => p.kbps))).toBeCloseTo(3000, 6);
  });

  it("gives an easy title a cheaper bottom rung and better quality, sizes shrinking down the ladder", () => {
    const easy = ladderFromModel({ ...content, complexity: 0.1 }, { ladder }, KNOWN);
    const hard = ladderFromModel({ ...content, complexity: 0.9 }, { ladder }, KNOWN);
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
    const rungs = predictLadder(content, { ladder, encoder: "libx264" })!;
    expect(rungs.length).toBeGreaterThan(1);
    expect(rungs[0]!.kbps).toBeLessThanOrEqual(3000);
    expect(predictLadder(content, { ladder, encoder: "libx265" })).toBeNull();
  });

  it("the shipped model was produced by the fitting command and says how well it predicts unseen titles", () => {
    const doc = shippedRqModel();
    expect(doc.fit.command).toMatch(/^vps ladder --fit/);
    expect(doc.fit.titles.length).toBeGreaterThanOrEqual(5);
    expect(doc.fit.heldOutRmseDb).toBeGreaterThan(0);
  });

  it("checkRqModel names what is wrong with a document", () => {
    expect(() => checkRqModel({ kind: "x" }, "m.json")).toThrow(InputError);
    try {
      checkRqModel({ kind: "vps-rq-model", schemaVersion: 1, deliverable: "h264-sdr", encoder: "libx264", preset: "medium", params: { a0: 1 } }, "m.json");
    } catch (e) {
      expect((e as InputError).lines()).toContain("m.json: params.a1: expected a number, found undefined");
    }
  });
});
