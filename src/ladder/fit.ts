// Fitting the rate–quality model (model.ts) to trial points: Levenberg–Marquardt least squares on
// PSNR-Y, and leave-one-title-out cross-validation so the error reported is the error on a title
// the model has not seen — the situation it is used in. Pure and deterministic (fixed start,
// fixed iteration rules, no randomness).
import { solveSpd } from "../cost/linalg";
import { type DetailFit, detailFor, PARAM_NAMES, predictPsnr, type RqInput, type RqModel, type RqParams } from "./model";

export interface FitPoint extends RqInput {
  psnr: number;
  /** The title the point was measured on (cross-validation holds titles out whole). */
  title: string;
}

/**
 * Where the search starts: a plausible x264 curve (≈ 36 dB at 0.1 bpp, 6 dB per 4× bits) and a
 * scaling loss of ≈ 30 dB at half size. Only a starting point: the fit moves every constant.
 */
export const START: RqParams = { a0: 3, a1: 1, a2: -1, a3: 0, a4: 0, b0: 2, b1: 1, b2: 1 };

const MAX_ITERATIONS = 300;
const STEP = 1e-6;

const toVector = (p: RqParams): number[] => PARAM_NAMES.map((n) => p[n]);
const toParams = (v: readonly number[]): RqParams => Object.fromEntries(PARAM_NAMES.map((n, i) => [n, v[i]!])) as RqParams;

function residuals(v: readonly number[], points: readonly FitPoint[]): number[] {
  const p = toParams(v);
  return points.map((x) => x.psnr - predictPsnr(p, x));
}

const sse = (r: readonly number[]): number => r.reduce((s, x) => s + x * x, 0);

/** ∂prediction/∂θ by central differences (the model is smooth; six parameters make this cheap). */
function jacobian(v: readonly number[], points: readonly FitPoint[]): number[][] {
  const cols = v.map((_, j) => {
    const up = [...v];
    const down = [...v];
    up[j] = v[j]! + STEP;
    down[j] = v[j]! - STEP;
    const pu = toParams(up);
    const pd = toParams(down);
    return points.map((x) => (predictPsnr(pu, x) - predictPsnr(pd, x)) / (2 * STEP));
  });
  return points.map((_, i) => cols.map((c) => c[i]!));
}

export interface FitResult {
  params: RqParams;
  /** Root-mean-square error of PSNR-Y on the points fitted, dB. */
  rmseDb: number;
  iterations: number;
}

/** Least-squares fit of the model's constants to the points (Levenberg–Marquardt, Marquardt's diagonal scaling). */
export function fitRqModel(points: readonly FitPoint[], start: RqParams = START): FitResult {
  let v = toVector(start);
  let r = residuals(v, points);
  let cost = sse(r);
  let lambda = 1e-3;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const j = jacobian(v, points);
    const n = v.length;
    const jtj = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => j.reduce((s, row) => s + row[a]! * row[b]!, 0)));
    const jtr = Array.from({ length: n }, (_, a) => j.reduce((s, row, i) => s + row[a]! * r[i]!, 0));
    let improved = false;
    while (lambda < 1e12) {
      const damped = jtj.map((row, a) => row.map((x, b) => (a === b ? x * (1 + lambda) + 1e-12 : x)));
      const step = solveSpd(damped, jtr);
      const next = v.map((x, a) => x + step[a]!);
      const rNext = residuals(next, points);
      const costNext = sse(rNext);
      if (Number.isFinite(costNext) && costNext < cost) {
        const gain = cost - costNext;
        v = next;
        r = rNext;
        cost = costNext;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = gain > 1e-12 * Math.max(1, cost);
        break;
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return { params: toParams(v), rmseDb: Math.sqrt(cost / Math.max(1, points.length)), iterations };
}

/**
 * Detail as a line in complexity, least squares with one point per title (a title's trial count
 * must not weigh its content twice). Fewer than two distinct complexities: a flat line at the mean.
 */
export function fitDetail(points: readonly FitPoint[]): DetailFit {
  const byTitle = new Map(points.map((p) => [p.title, p]));
  const xs = [...byTitle.values()];
  const n = Math.max(1, xs.length);
  const mc = xs.reduce((s, p) => s + p.complexity, 0) / n;
  const md = xs.reduce((s, p) => s + p.detail, 0) / n;
  const sxx = xs.reduce((s, p) => s + (p.complexity - mc) ** 2, 0);
  const slope = sxx > 1e-12 ? xs.reduce((s, p) => s + (p.complexity - mc) * (p.detail - md), 0) / sxx : 0;
  return { intercept: md - slope * mc, slope };
}

/**
 * A held-out title as planning sees a workload title: its complexity only, its detail predicted
 * by the line fitted over the other titles.
 */
export function heldOutDetail(test: readonly FitPoint[], line: DetailFit): FitPoint[] {
  return test.map((p) => ({ ...p, detail: detailFor(line, p.complexity) }));
}

export interface HeldOut {
  title: string;
  points: number;
  /** RMSE of PSNR-Y on this title's points by the model fitted without it, dB. */
  rmseDb: number;
  /** The model fitted without this title: its constants and detail line. */
  model: RqModel;
}

/** How a held-out title's points are presented to the model fitted without it, given that model's detail line (as measured, by default). */
export type HoldOut = (test: readonly FitPoint[], line: DetailFit) => readonly FitPoint[];

/** Leave-one-title-out: for each title, fit on the others and measure the error on it. */
export function crossValidateByTitle(points: readonly FitPoint[], present: HoldOut = (test) => test, start: RqParams = START): { perTitle: HeldOut[]; rmseDb: number } | null {
  const titles = [...new Set(points.map((p) => p.title))].sort();
  if (titles.length < 2) return null;
  let sum = 0;
  const perTitle = titles.map((title) => {
    const train = points.filter((p) => p.title !== title);
    const detail = fitDetail(train);
    const test = present(
      points.filter((p) => p.title === title),
      detail,
    );
    const { params } = fitRqModel(train, start);
    const err = sse(test.map((x) => x.psnr - predictPsnr(params, x)));
    sum += err;
    return { title, points: test.length, rmseDb: Math.sqrt(err / test.length), model: { params, detail } };
  });
  return { perTitle, rmseDb: Math.sqrt(sum / points.length) };
}
