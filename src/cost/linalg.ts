// Penalised least squares for the cost fit: minimise Σ (yᵢ − xᵢ·θ)² + Σ λⱼ (θⱼ − θ0ⱼ)², i.e. the
// normal equations (XᵀX + Λ) θ = Xᵀy + Λ θ0, solved by Cholesky. Every λⱼ > 0 keeps the matrix
// positive definite, so a coefficient the data says nothing about stays at its prior θ0ⱼ instead
// of making the system singular. Rows are sparse (a handful of features each).
import { InternalError } from "../util/errors";

/** A row of the design matrix: (column, value) pairs, and its target. */
export interface SparseRow {
  x: readonly (readonly [number, number])[];
  y: number;
  /** Weight of the row's squared error (default 1). */
  w?: number;
}

export function normalEquations(rows: readonly SparseRow[], penalty: readonly number[], prior: readonly number[]): { a: number[][]; b: number[] } {
  const p = penalty.length;
  const a = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? penalty[i]! : 0)));
  const b = prior.map((m, i) => penalty[i]! * m);
  for (const { x, y, w = 1 } of rows) {
    for (const [i, xi] of x) {
      b[i]! += w * xi * y;
      const ai = a[i]!;
      for (const [j, xj] of x) ai[j]! += w * xi * xj;
    }
  }
  return { a, b };
}

/** Solves A θ = b for a symmetric positive definite A (Cholesky: A = L Lᵀ). */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new InternalError(`least squares: matrix not positive definite at ${i} (${s})`);
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const theta = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * theta[k]!;
    theta[i] = s / l[i]![i]!;
  }
  return theta;
}

export function ridge(rows: readonly SparseRow[], penalty: readonly number[], prior: readonly number[]): number[] {
  const { a, b } = normalEquations(rows, penalty, prior);
  return solveSpd(a, b);
}

/** Quantile with linear interpolation between order statistics (R's type 7); NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
