// Named seedrandom streams: each purpose gets its own stream derived from (seed, purpose), so a new
// random draw in one place never shifts the draws anywhere else.
import seedrandom from "seedrandom";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

export function stream(seed: number, purpose: string): Rng {
  const prng = seedrandom(`${seed}:${purpose}`);
  return { next: () => prng.quick() };
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

/** Standard normal by Box-Muller (one draw per call keeps streams simple). */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = Math.max(rng.next(), 1e-12);
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(normal(rng, 0, sigma));
}

/** Exponential inter-arrival gap for a Poisson process of `ratePerSecond`. */
export function exponential(rng: Rng, ratePerSecond: number): number {
  return -Math.log(1 - rng.next()) / ratePerSecond;
}

export function pickWeighted<T>(rng: Rng, items: readonly { item: T; weight: number }[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = rng.next() * total;
  for (const i of items) {
    r -= i.weight;
    if (r < 0) return i.item;
  }
  const last = items[items.length - 1];
  if (!last) throw new Error("pickWeighted: no items");
  return last.item;
}
