// The shipped model's measured constants are what the fit of the transcode-times data produces:
// change the fit, the reading of the data, or a constant, and this fails until they agree again.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { CODEC_BASE } from "../../src/cost/model";
import { refitShipped, sameFit } from "../../src/cost/refit";
import { SHIPPED_FIT } from "../../src/cost/shipped";
import { loadTranscodeTimes } from "../../src/cost/transcodeTimes";

const DATA = fileURLToPath(new URL("../../../shared/data/transcode-times", import.meta.url));

describe.skipIf(!existsSync(DATA))("shipped defaults = the fit of shared/data/transcode-times", () => {
  test("every measured constant, to three significant figures", () => {
    const fitted = refitShipped(loadTranscodeTimes(DATA));
    expect(fitted).toEqual(SHIPPED_FIT);
    expect(sameFit(fitted, SHIPPED_FIT)).toBe(true);
  });
});

describe("the shipped model uses them", () => {
  test("CODEC_BASE.vp9 is the fitted one; H.264 (the slot), HEVC and AV1 are round figures", () => {
    expect(CODEC_BASE).toEqual({ h264: 1.5, hevc: 6, av1: 5, vp9: SHIPPED_FIT.vp9Base });
  });

  test("sameFit tolerates rounding, not drift", () => {
    expect(sameFit({ ...SHIPPED_FIT, vp9Base: SHIPPED_FIT.vp9Base * 1.005 }, SHIPPED_FIT)).toBe(true);
    expect(sameFit({ ...SHIPPED_FIT, vp9Base: SHIPPED_FIT.vp9Base * 1.05 }, SHIPPED_FIT)).toBe(false);
  });
});
