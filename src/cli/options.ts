// Parsers for option values: a bad value is a usage error (exit 2) that says what was expected.
import { InvalidArgumentError } from "commander";
import { POLICY_NAMES, type PolicyName } from "../sched/policy";

export function parsePolicy(value: string): PolicyName {
  if ((POLICY_NAMES as readonly string[]).includes(value)) return value as PolicyName;
  throw new InvalidArgumentError(`expected one of ${POLICY_NAMES.join(", ")}, found "${value}"`);
}

/** Seeds are whole numbers from 0: a sign would make `-1` and `1` two names people confuse. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole-number seed ≥ 0 (like 42), found "${value}"`);
  return n;
}

/** Seeds as a range (`1-20`) or a list (`1,7,42`), each a whole number ≥ 0; at most 1,000. */
export function parseSeeds(value: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(value.trim());
  const seeds = range ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i) : value.split(",").map((v) => parseSeed(v.trim()));
  if (seeds.length === 0 || seeds.length > 1000 || !seeds.every(Number.isSafeInteger)) {
    throw new InvalidArgumentError(`expected seeds as a range like 1-20 or a list like 1,7,42 (at most 1,000), found "${value}"`);
  }
  return seeds;
}

export function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError(`expected a share between 0 and 1 (0.99 = 99%), found "${value}"`);
  }
  return n;
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, found "${value}"`);
  return n;
}
