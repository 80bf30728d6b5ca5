// Part A of `vps bench farm`: the batch of `vps bench run` (src/bench/batch.ts) on a farm of 1, 2
// and 4 local `vps worker` processes of one slot each (so the figures do not depend on the cores
// beyond four), through `vps run --queue` on a private redis-server. Reported per farm: wall time,
// premium mean turnaround, deadline compliance, titles published, and the coordinator's overhead
// per task (src/bench/overhead.ts) from the run's own report.
//
// Deadlines: the first two premium titles are due at 1.5× the finish `vps plan` predicts for them
// on that many slots — what a person would promise from the plan, with a margin.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { quantile } from "../cost/linalg";
import type { Plan } from "../model";
import { ExternalError } from "../util/errors";
import { makeSources, mean, round, type Source, workloadYaml } from "./batch";
import { handOvers } from "./overhead";
import { type Child, runVps, startAll, startChild, stopAll } from "./procs";

export interface FarmBatchOptions {
  media: string;
  /** The shared directory: sources, outputs and reports of every farm size. */
  dir: string;
  vps: readonly string[];
  redisUrl: string;
  /** Farm sizes, in workers of one slot (1, 2, 4). */
  sizes: readonly number[];
  /** A smaller batch (tests): only these title ids. */
  only?: readonly string[];
}

export interface FarmBatchRun {
  workers: number;
  wallSeconds: number;
  premiumTurnaround: number | null;
  deadlineCompliance: number | null;
  titles: number;
  published: number;
  /** Seconds from a worker's slot freeing to the next task starting on it, with a task ready. */
  overhead: { handOvers: number; median: number; p99: number; max: number };
}

/** Premium titles' deadlines from the plan on `slots` slots (src header). */
function withDeadlines(opts: FarmBatchOptions, sources: readonly Source[], batch: string, slots: number): Source[] {
  const plain = sources.map((s) => ({ ...s, deadline: undefined }));
  writeFileSync(batch, workloadYaml(plain, slots));
  const r = spawnSync(opts.vps[0]!, [...opts.vps.slice(1), "plan", batch, "--json", "--cache", join(opts.dir, "cache")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new ExternalError(`vps plan failed in the bench (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const finish = new Map((JSON.parse(r.stdout) as Plan).titles.map((t) => [t.id, t.finish]));
  const due = plain.filter((s) => s.tier === "premium").slice(0, 2).map((s) => s.id);
  return plain.map((s) => (due.includes(s.id) && finish.get(s.id) != null ? { ...s, deadline: round(1.5 * finish.get(s.id)!, 1) } : s));
}

function startWorkers(opts: FarmBatchOptions, n: number): Promise<Child[]> {
  const args = (i: number) => ["worker", "--queue", opts.redisUrl, "--shared-dir", opts.dir, "--pool", "cpu", "--slots", "1", "--name", `bench-w${i + 1}`];
  return startAll(Array.from({ length: n }, (_, i) => () => startChild(opts.vps, args(i), " ready: ")));
}

function summarise(n: number, report: Plan, wallSeconds: number): FarmBatchRun {
  const premium = report.titles.filter((t) => t.tier === "premium" && t.finish !== null);
  const gaps = handOvers(report).map((h) => h.gap);
  const q = (p: number) => (gaps.length === 0 ? 0 : round(quantile(gaps, p)));
  return {
    workers: n,
    wallSeconds: round(wallSeconds),
    premiumTurnaround: premium.length === 0 ? null : round(mean(premium.map((t) => t.finish! - t.arrival))),
    deadlineCompliance: report.metrics.deadlineCompliance,
    titles: report.titles.length,
    published: report.titles.filter((t) => !t.failed && t.finish !== null).length,
    overhead: { handOvers: gaps.length, median: q(0.5), p99: q(0.99), max: round(Math.max(0, ...gaps)) },
  };
}

/** One farm size: start its workers, run the batch through them, stop them. */
async function runOn(opts: FarmBatchOptions, sources: readonly Source[], n: number): Promise<FarmBatchRun> {
  const batch = join(opts.dir, `batch-${n}.yaml`);
  const due = withDeadlines(opts, sources, batch, n);
  writeFileSync(batch, workloadYaml(due, n));
  const out = join(opts.dir, `farm-${n}`);
  const workers = await startWorkers(opts, n);
  try {
    const t0 = performance.now();
    await runVps(opts.vps, ["run", batch, "--queue", opts.redisUrl, "--shared-dir", opts.dir, "--out-dir", out, "--cache", join(opts.dir, "cache"), "--json"]);
    const wall = (performance.now() - t0) / 1000;
    return summarise(n, JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as Plan, wall);
  } finally {
    await stopAll(workers);
  }
}

export async function farmBatch(opts: FarmBatchOptions): Promise<FarmBatchRun[]> {
  mkdirSync(opts.dir, { recursive: true });
  const sources = makeSources({ media: opts.media, dir: opts.dir, copyMedia: true, ...(opts.only ? { only: opts.only } : {}) });
  const runs: FarmBatchRun[] = [];
  for (const n of opts.sizes) runs.push(await runOn(opts, sources, n));
  return runs;
}
