// What every input must get, whatever it holds: an answer (a value, or an InputError whose every
// problem is positioned `file:line:col path: message`) within the time limit — in-process from the
// loader, and from the `vps` command: an exit code in 0..4 (70 is a crash), nothing on stdout
// when the input is rejected, and each problem line on stderr positioned.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { type History } from "../../src/cost/history";
import { InputError, type Problem } from "../../src/util/errors";
import { GOOD_WORKLOAD, ROOT } from "../cli/run";
import { RECIPES_DIR } from "../load/helpers";
import { tempDir } from "../tempDir";
import type { Kind } from "./kinds";
import { describe, type Mutation, mutation, type Options, render } from "./mutate";

/** VPS_FUZZ_RUNS scales the suite (`VPS_FUZZ_RUNS=10000 npx vitest run test/fuzz`); VPS_FUZZ_SEED changes the inputs. */
export const RUNS = Number(process.env.VPS_FUZZ_RUNS ?? "200");
export const SEED = Number(process.env.VPS_FUZZ_SEED ?? "14");

/** An input taking longer than this in-process counts as a hang. */
const LOAD_LIMIT_MS = 10_000;
/** …and this from the command (a process start, the bundle's load, a plan). */
const CLI_LIMIT_MS = 30_000;

/** Inputs in batches of this many, each from its own seed, so 10,000 are never all in memory. */
const BATCH = 50;

export function* inputs(kinds: readonly Kind[], runs: number, o: Options): Generator<Mutation> {
  for (let b = 0; b * BATCH < runs; b++) {
    yield* fc.sample(mutation(kinds, o), { numRuns: Math.min(BATCH, runs - b * BATCH), seed: SEED * 100_003 + b });
  }
}

const POSITIONED = /^(.+):(\d+):(\d+) (\S.*?): (.+)$/;

function problemFault(file: string, text: string, p: Problem): string | null {
  const lines = text.split("\n").length;
  if (p.pos.file !== file) return `a problem in another file (${p.pos.file})`;
  if (!(Number.isInteger(p.pos.line) && p.pos.line >= 1 && p.pos.line <= lines + 1)) return `line ${p.pos.line} of a ${lines}-line file`;
  if (!(Number.isInteger(p.pos.col) && p.pos.col >= 1)) return `column ${p.pos.col}`;
  if (p.pos.path === "" || /[\r\n]/.test(p.pos.path + p.message) || p.message === "") return `a malformed problem ${JSON.stringify(p)}`;
  return null;
}

/** Positioned problem lines from a history's `problems` (rejected rows, returned alongside the rows kept). */
function historyFaults(file: string, h: History): string | null {
  const bad = h.problems.find((l) => !(POSITIONED.exec(l)?.[1] === file));
  return bad === undefined ? null : `a history problem without line:col: ${bad.slice(0, 200)}`;
}

/** How the inputs were answered (by exit code, or "accepted"/"rejected" in-process): the closing note's figures. */
export const answers = new Map<string, number>();
const count = (answer: string) => answers.set(answer, (answers.get(answer) ?? 0) + 1);

/** What is wrong with how the loader answered this text, or null. */
export function loadFault(kind: Kind, text: string): string | null {
  const file = `f.${kind.ext}`;
  const t0 = performance.now();
  let fault: string | null = null;
  try {
    const value = kind.load(file, text);
    count("accepted");
    if (kind.name.startsWith("history")) fault = historyFaults(file, value as History);
  } catch (e) {
    count(e instanceof InputError ? "rejected" : "crashed");
    if (!(e instanceof InputError)) fault = `threw ${(e as Error)?.stack ?? String(e)}`.slice(0, 2_000);
    else if (e.problems.length === 0) fault = `rejected without a position: ${e.lines().join(" | ").slice(0, 300)}`;
    else for (const p of e.problems) fault ??= problemFault(file, text, p);
  }
  const ms = performance.now() - t0;
  return fault ?? (ms > LOAD_LIMIT_MS ? `took ${Math.round(ms)} ms` : null);
}

/** Lines a rejection may print besides positioned problems: summaries and hints of one line. */
const SUMMARY = [/: not a vps cost model \(write one with vps calibrate/, /: … and \d+ more/, /: no usable runs in the history:/, /^vps: warning: /];

/** What is wrong with how `vps` answered this input, or null. */
export function cliFault(m: Mutation): string | null {
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD });
  mkdirSync(join(dir, "recipes"));
  copyFileSync(join(RECIPES_DIR, "hevc-sdr.yaml"), join(dir, "recipes", "hevc-sdr.yaml"));
  const file = m.kind.name === "recipes" ? join(dir, "recipes", "h264-sdr.yaml") : join(dir, `f.${m.kind.ext}`);
  writeFileSync(file, render(m));
  return runFault(m.kind.argv(file, dir), file);
}

/**
 * What is wrong with how `vps args` answered, or null. With `file` (the input being fuzzed), a
 * rejection must place its problems in it; without (a fuzzed command line), a usage message is enough.
 */
export function runFault(args: readonly string[], file: string | null): string | null {
  const r = spawnSync(process.execPath, ["bin/vps", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: CLI_LIMIT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  count(`exit ${r.status ?? "none"}`);
  if (r.status === null) return `no answer within ${CLI_LIMIT_MS} ms (${r.signal ?? r.error?.message})`;
  if (![0, 1, 2, 3, 4].includes(r.status)) return `exit ${r.status}: ${r.stderr.slice(0, 1_500)}`;
  if (r.status !== 2) return null;
  if (r.stdout !== "") return `exit 2 with output on stdout: ${r.stdout.slice(0, 200)}`;
  if (file === null) return r.stderr.trim() === "" ? "exit 2 without a word on stderr" : null;
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  const unplaced = lines.find((l) => !(POSITIONED.exec(l)?.[1] === file) && !SUMMARY.some((s) => s.test(l)));
  if (unplaced !== undefined) return `a stderr line without file:line:col: ${unplaced.slice(0, 300)}`;
  if (!lines.some((l) => POSITIONED.test(l))) return `rejected without a positioned problem: ${r.stderr.slice(0, 300)}`;
  return null;
}

/** Runs `fault` over the inputs; the failures described (the first few in full). */
export function failures(all: Iterable<Mutation>, fault: (m: Mutation) => string | null): { runs: number; failed: string[] } {
  const failed: string[] = [];
  let runs = 0;
  for (const m of all) {
    runs++;
    const f = fault(m);
    if (f !== null) failed.push(`${describe(m)}\n  → ${f}`);
  }
  return { runs, failed };
}

export { describe, render };
