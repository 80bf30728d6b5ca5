// How the shipped model's measured constants (src/cost/shipped.ts) come from the transcode-times
// data: the same log-linear fit `vps calibrate` runs, then read at the data's own conditions.
// test/cost/shipped.test.ts runs this on the data and fails if the shipped constants drift.
import { residualSigma } from "./calibrate";
import { fitLogLinear, type RunFeatures, workPerSecond } from "./fit";
import type { HistoryRow } from "./historyFields";
import { CODEC_BASE, DECODE_BASE, encodeWork, presetFactor } from "./model";
import type { ShippedFit } from "./shipped";
import { OPERATIONS, SOURCE } from "./transcodeTimes";

const sig3 = (x: number): number => Number(x.toPrecision(3));

/** A `codec` operation of the benchmark: 720p30 in and out, typical (unknown) content. */
function codecRun(op: "codec/h264" | "codec/vp9"): RunFeatures {
  const o = OPERATIONS[op]!;
  const size = (SOURCE.width * SOURCE.height) / (1920 * 1080);
  return { codec: o.codec, preset: o.preset, outSize: size, outRate: SOURCE.fps / 30, scaled: false, srcPixelRate: size, complexity: 0.5, bitDepth: 8, contentClass: "generic" };
}

/** The shipped model's work for the same run, so the data's level can be compared with it. */
function shippedH264(): number {
  const rendition = { name: "720p", width: SOURCE.width, height: SOURCE.height, bitrateKbps: 4500 };
  const content = { duration: 1, width: SOURCE.width, height: SOURCE.height, fps: SOURCE.fps, bitDepth: 8, hdr: "sdr" as const, contentClass: "generic" as const, complexity: 0.5, source: null };
  return encodeWork({ codec: "h264", preset: "medium", bitDepth: 8, rendition, content, seconds: 1 });
}

export function refitShipped(rows: readonly HistoryRow[]): ShippedFit {
  const model = fitLogLinear(rows);
  const h264 = workPerSecond(model, codecRun("codec/h264"));
  const vp9 = workPerSecond(model, codecRun("codec/vp9"));
  const ratio = vp9 / h264;
  // CODEC_BASE.vp9 such that the shipped form gives VP9 `ratio` × H.264's work on the same run:
  //   decode + base·preset·pixels = ratio · (decode + CODEC_BASE.h264·presetFactor(medium)·pixels)
  const pixels = (SOURCE.width * SOURCE.height * SOURCE.fps) / (1920 * 1080 * 30);
  const decode = DECODE_BASE * pixels;
  const vp9Preset = presetFactor(OPERATIONS["codec/vp9"]!.preset);
  const vp9Base = (ratio * (decode + CODEC_BASE.h264 * presetFactor("medium") * pixels) - decode) / (vp9Preset * pixels);
  return {
    vp9OverH264: sig3(ratio),
    vp9Base: sig3(vp9Base),
    dataSlotSlowdown: sig3(h264 / shippedH264()),
    titleSigma: sig3(residualSigma(model, rows).video),
  };
}

/** True when every constant agrees within `tolerance` (relative): the shipped model is the fit's. */
export function sameFit(a: ShippedFit, b: ShippedFit, tolerance = 0.01): boolean {
  return (Object.keys(a) as (keyof ShippedFit)[]).every((k) => Math.abs(a[k] - b[k]) <= tolerance * Math.abs(b[k]));
}
