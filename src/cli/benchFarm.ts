// `vps bench farm`: issue 12's benchmark of the farm (`vps run --queue` and `vps worker`) on this
// machine: part A, the real batch of `bench run` on 1, 2 and 4 one-slot workers (src/bench/farmBatch.ts);
// part B, no-op tasks through the coordinator and the queue against BullMQ alone (src/bench/farmScale.ts).
// Each part on its own private redis-server (src/farm/redisServer.ts), stopped at the end.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type FarmBatchRun, farmBatch } from "../bench/farmBatch";
import { bullmqAlone, sameJobs, type ScaleOptions, throughCoordinator, type Throughput } from "../bench/farmScale";
import { startRedis } from "../farm/redisServer";
import { loadRecipeDir } from "../load/recipes";
import type { RecipeBook, Workload } from "../model";
import { createScheduler } from "../plan/build";
import { checkTools } from "../run/preflight";
import { generateWorkload } from "../scenario/generate";
import { loadScenarioFile, resolveScenario } from "../scenario/load";
import { stableJson, terminalWidth } from "./output";
import { renderTable } from "../util/table";
import { packageRoot, recipesDir, scenariosDir } from "./paths";

export interface FarmFlags {
  json?: boolean;
  keep?: string;
  media?: string;
  seed: number;
  /** Farm sizes of part A (default 1,2,4); titles of the batch (default all twelve). */
  workers: number[];
  titles?: string[];
  /** Part B: no-op tasks (at least), its workers and their slots each. */
  tasks: number;
  noopWorkers: number;
  noopSlots: number;
  /** Only one part: a, the real batch; b, the no-op tasks. */
  part?: "a" | "b";
}

const TARGETS = { overheadMedianMs: 50, throughputRatio: 0.5 };

/** Titles of the peak-hour scenario, all arriving at once, until the pipeline makes at least `tasks` tasks. */
function noopWorkload(tasks: number, book: RecipeBook, seed: number): Workload {
  const all = generateWorkload(loadScenarioFile(resolveScenario("peak-hour", scenariosDir())), seed);
  const titles = all.titles.map((t) => ({ ...t, arrival: 0, deadline: null }));
  const sched = createScheduler({ ...all, titles, events: [] }, book, { policy: "value", seed: null, trace: null });
  const perTitle = new Array<number>(titles.length).fill(0);
  for (const t of sched.state.tasks) perTitle[t.titleIdx]!++;
  let n = 0;
  let k = 0;
  while (k < titles.length && n < tasks) n += perTitle[k++]!;
  return { ...all, titles: titles.slice(0, k), events: [] };
}

async function scale(flags: FarmFlags, dir: string, vps: readonly string[]) {
  const book = loadRecipeDir(recipesDir());
  const redis = await startRedis();
  try {
    const opts: ScaleOptions = { vps, redisUrl: redis.url, dir, workers: flags.noopWorkers, slots: flags.noopSlots, workload: noopWorkload(flags.tasks, book, flags.seed), book };
    const coordinator = await throughCoordinator(opts);
    const alone = await bullmqAlone(opts, sameJobs(opts, coordinator.tasks));
    return { workers: flags.noopWorkers, slotsPerWorker: flags.noopSlots, coordinator, bullmqAlone: alone, ratio: Math.round((coordinator.tasksPerSecond / alone.tasksPerSecond) * 1000) / 1000 };
  } finally {
    await redis.stop();
  }
}

async function batch(flags: FarmFlags, dir: string, vps: readonly string[]): Promise<FarmBatchRun[]> {
  const redis = await startRedis();
  try {
    const media = flags.media ?? join(packageRoot(), "..", "shared", "data", "media");
    return await farmBatch({ media, dir, vps, redisUrl: redis.url, sizes: flags.workers, ...(flags.titles ? { only: flags.titles } : {}) });
  } finally {
    await redis.stop();
  }
}

export interface FarmReport {
  bench: "farm";
  batch: FarmBatchRun[];
  scale: Awaited<ReturnType<typeof scale>> | null;
  targets: typeof TARGETS;
  meets: { overheadMedian: boolean | null; throughputRatio: boolean | null };
}

export async function farmBenchCommand(flags: FarmFlags): Promise<void> {
  checkTools("ffmpeg");
  const dir = flags.keep ? resolve(flags.keep) : mkdtempSync(join(tmpdir(), "vps-bench-farm-"));
  if (flags.keep) mkdirSync(dir, { recursive: true });
  const vps = [process.execPath, process.argv[1]!];
  try {
    const runs = flags.part === "b" ? [] : await batch(flags, join(dir, "batch"), vps);
    const s = flags.part === "a" ? null : await scale(flags, join(dir, "noop"), vps);
    const report: FarmReport = {
      bench: "farm",
      batch: runs,
      scale: s,
      targets: TARGETS,
      // null: the part that measures it did not run (--part).
      meets: {
        overheadMedian: runs.length === 0 ? null : runs.every((r) => r.overhead.median * 1000 <= TARGETS.overheadMedianMs),
        throughputRatio: s === null ? null : s.ratio >= TARGETS.throughputRatio,
      },
    };
    process.stdout.write(flags.json ? stableJson(report) : formatFarm(report, terminalWidth()));
  } finally {
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (s: number) => `${Math.round(s * 1000)} ms`;
const rate = (t: Throughput) => `${t.tasksPerSecond} tasks/s (${t.tasks} in ${t.seconds} s)`;

function formatFarm(r: FarmReport, width: number): string {
  const yes = (b: boolean | null) => (b === null ? "not measured" : b ? "met" : "NOT met");
  const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);
  const lines = [`bench farm — the bench run batch on local one-slot vps workers through a private redis-server`];
  const head = ["workers", "wall", "premium mean", "deadlines", { head: "published", drop: 3 }, { head: "hand-overs", drop: 2 }, "overhead median", "p99", { head: "max", drop: 1 }];
  const rows = r.batch.map((b) => {
    const premium = b.premiumTurnaround === null ? "—" : `${b.premiumTurnaround} s`;
    return [b.workers, `${b.wallSeconds} s`, premium, pct(b.deadlineCompliance), `${b.published}/${b.titles}`, b.overhead.handOvers, ms(b.overhead.median), ms(b.overhead.p99), ms(b.overhead.max)];
  });
  if (r.batch.length > 0) lines.push(renderTable(head, rows, width));
  lines.push(`  overhead per task: median ≤ ${r.targets.overheadMedianMs} ms on every farm size: ${yes(r.meets.overheadMedian)}`);
  const s = r.scale;
  if (s === null) return lines.join("\n") + "\n";
  lines.push(`no-op tasks on ${s.workers} workers × ${s.slotsPerWorker} slots: coordinator + queue ${rate(s.coordinator)}, BullMQ alone ${rate(s.bullmqAlone)}`);
  lines.push(`  ratio ${s.ratio} (target ≥ ${r.targets.throughputRatio}: ${yes(r.meets.throughputRatio)})`);
  return lines.join("\n") + "\n";
}
