// Command lines for the fuzz suite: `vps plan` and `vps simulate` with flags given hostile values
// (empty, negative, NaN, huge, wrong words, another flag, control characters). A bad flag is a
// usage error: exit 2, a message on stderr, nothing on stdout — never a crash.
import fc from "fast-check";

const VALUES = ["", "-1", "0", "NaN", "1e308", "-0", "0.5", "2", "abc", "value", "fifo", "per-title", "recipe", "fixed:0", "fixed:3", "fixed:99999", "planned", "--json", "\u0001", "x".repeat(5_000)];

const PLAN_FLAGS = ["--policy", "--noise-seed", "--min-compliance", "--allocation", "--noise", "--ladders"];
const SIMULATE_FLAGS = ["--seed", "--policy", "--min-compliance", "--allocation", "--noise", "--ladders"];
const SWITCHES = ["--json", "--table", "--all-titles", "--tasks", "--no-backfill", "--bogus"];

function flagArgs(names: readonly string[]): fc.Arbitrary<string[]> {
  // No NUL: an argument vector cannot hold one, so no user can pass it.
  const text = fc.string({ unit: "binary", maxLength: 12 }).map((v) => v.split("\u0000").join(""));
  const pair = fc.tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom(...VALUES), text)).map(([f, v]) => [f, v]);
  const one = fc.oneof({ weight: 4, arbitrary: pair }, { weight: 1, arbitrary: fc.constantFrom(...SWITCHES).map((s) => [s]) });
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((xs) => xs.flat());
}

/** The command line after `vps`, with `workload` and `scenario` files to read. */
export function commandLine(workload: string, scenario: string): fc.Arbitrary<string[]> {
  return fc.oneof(
    flagArgs(PLAN_FLAGS).map((flags) => ["plan", workload, ...flags]),
    flagArgs(SIMULATE_FLAGS).map((flags) => ["simulate", "--scenario", scenario, ...flags]),
  );
}
