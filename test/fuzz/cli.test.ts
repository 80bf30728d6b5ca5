// The fuzz suite through `vps` itself: fewer inputs (a process each), every kind, each run by the
// command that reads it. Exit codes are only 0, 1, 2, 3 and 4 (70 is a crash); a rejected input
// prints nothing on stdout and a positioned line per problem on stderr. VPS_FUZZ_RUNS scales it.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { assertBuilt, GOOD_WORKLOAD, tempDir, TINY_SCENARIO } from "../cli/run";
import { answers, cliFault, failures, inputs, runFault, RUNS, SEED } from "./check";
import { commandLine } from "./flags";
import { KINDS } from "./kinds";

/** One process per input: a fiftieth of the in-process count, at least eight. */
const CLI_RUNS = Math.max(8, Math.round(RUNS / 50));

describe("the fuzz corpus through vps", () => {
  test("the check sees a rejection that does not place its problem in the file", () => {
    assertBuilt();
    expect(runFault(["plan", "--bogus"], "w.yaml")).toMatch(/^a stderr line without file:line:col: error: unknown option '--bogus'/);
    expect(runFault(["plan", "--bogus"], null)).toBeNull();
  });

  test(`${CLI_RUNS} mutated inputs (seed ${SEED}): exit 0..4, nothing on stdout when rejected, every problem positioned`, { timeout: 60_000 + CLI_RUNS * 30_000 }, () => {
    assertBuilt();
    // TODO(limits): modest numbers for these until the workload limits commit is on main (see Options).
    answers.clear();
    const { runs, failed } = failures(inputs(KINDS, CLI_RUNS, { modest: ["workload", "scenario", "recipes"] }), cliFault);
    console.log(`fuzz (vps): ${runs} inputs, ${failed.length} failures; answers ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(runs).toBe(CLI_RUNS);
  });

  test(`${CLI_RUNS} command lines with hostile flag values (seed ${SEED}): exit 0..4, a usage error says so on stderr only`, { timeout: 60_000 + CLI_RUNS * 30_000 }, () => {
    assertBuilt();
    const dir = tempDir({ "w.yaml": GOOD_WORKLOAD, "s.yaml": TINY_SCENARIO });
    const lines = fc.sample(commandLine(join(dir, "w.yaml"), join(dir, "s.yaml")), { numRuns: CLI_RUNS, seed: SEED });
    const failed = lines.map((args) => ({ args, fault: runFault(args, null) })).filter((x) => x.fault !== null);
    expect(failed.slice(0, 5).map((x) => `vps ${JSON.stringify(x.args).slice(0, 300)}\n  → ${x.fault}`)).toEqual([]);
  });
});
