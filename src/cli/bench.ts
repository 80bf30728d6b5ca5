// `vps bench <name>`: performance claims as commands, each against a baseline in the same run.
// `scale` runs every measurement in a fresh child process (`bench scale-run`), so each run's
// peak memory is its own and no run inherits another's garbage; policies are interleaved so drift
// in the machine's speed affects both alike, and medians are reported.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { runBench, type RunBenchReport } from "../bench/run";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { bullmqWorker } from "../bench/farmScale";
import { type FarmFlags, farmBenchCommand } from "./benchFarm";
import { PREMIUM_STRETCH_TARGET, priorityReport, type SeedFigures, seedFigures, seedSeries, type Spread } from "../bench/priority";
import { formatCostBench, runCostBench } from "../bench/cost";
import { allocationBench, type AllocationReport } from "../bench/allocation";
import { deadlinesReport, formatDeadlinesBench } from "../bench/deadlines";
import { parseWtPair } from "../bench/orlib";
import { readUserFile } from "../load/read";
import { SHIPPED_FIT } from "../cost/shipped";
import { runScale, type ScaleRun } from "../bench/scale";
import { loadTranscodeTimes } from "../cost/transcodeTimes";
import { loadRecipeDir } from "../load/recipes";
import { generateWorkload } from "../scenario/generate";
import { loadScenarioFile, resolveScenario } from "../scenario/load";
import type { PolicyName } from "../sched/policy";
import { ExternalError } from "../util/errors";
import { runRecipesBenchCommand } from "./ladder";
import { parsePolicy, parsePositive, parseSeed, parseSeeds } from "./options";
import { renderTable } from "../util/table";
import { stableJson, terminalWidth, wantsJson } from "./output";
import { stepProgress } from "./progress";
import { packageRoot, recipesDir, scenariosDir } from "./paths";

const BENCHES = ["scale", "priority", "cost", "recipes", "run", "farm", "deadlines"] as const;
/** Internal: one measured run, in the process that `scale` spawns. */
const CHILD = "scale-run";
/** Internal: one plain BullMQ worker of `farm`'s part B (src/bench/farmScale.ts). */
const BULLMQ_CHILD = "farm-bullmq-worker";
/** The scenario each simulated bench runs unless --scenario names one (then that one, even peak-hour). */
const DEFAULT_SCENARIO: Record<string, string> = { scale: "peak-hour", [CHILD]: "peak-hour", priority: "peak-load", cost: "backlog" };

/** `farm`'s own flags are in src/cli/benchFarm.ts. */
interface BenchFlags extends FarmFlags {
  seed: number;
  /** `priority`: run every one of these seeds and judge the bars at each. */
  seeds?: number[];
  scenario: string;
  repeat: number;
  policy?: PolicyName;
  json?: boolean;
  /** `cost`: the transcode-times data and the folds of its cross-validation. */
  data?: string;
  folds: number;
  /** `recipes`: encoder preset of both ladders, excerpt seconds, encodes side by side, shared clips folder. */
  preset?: string;
  seconds?: number;
  jobs?: number;
  media?: string;
  /** `run`, `farm`: keep the sources, outputs and reports in this folder. */
  keep?: string;
  /** Only for `farm`'s internal BullMQ worker. */
  queue?: string;
  /** `deadlines`: the OR-Library weighted-tardiness instances and their optima. */
  instances?: string;
  optima?: string;
}

interface ChildRun extends ScaleRun {
  titles: number;
  generateSeconds: number;
  peakRssMiB: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One run in this process: generate, expand, simulate, assemble; then this process's peak RSS. */
function childRun(flags: BenchFlags): ChildRun {
  const t0 = performance.now();
  const scenario = loadScenarioFile(resolveScenario(flags.scenario, scenariosDir()));
  const workload = generateWorkload(scenario, flags.seed);
  const generateSeconds = (performance.now() - t0) / 1000;
  const run = runScale(workload, loadRecipeDir(recipesDir()), flags.policy ?? "value", flags.seed, () => performance.now());
  return { ...run, titles: workload.titles.length, generateSeconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/** One measured run in its own process; asynchronous, so the progress line keeps its clock while it runs. */
function spawnRun(flags: BenchFlags, policy: PolicyName): Promise<ChildRun> {
  const args = [process.argv[1]!, "bench", CHILD, "--policy", policy, "--seed", String(flags.seed), "--scenario", flags.scenario];
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new ExternalError(`bench run (${policy}) failed with exit ${String(error.code)}: ${stderr.trim()}`));
      else ok(JSON.parse(stdout) as ChildRun);
    });
  });
}

/** The median by simulate time: one slow run (a GC pause, a busy neighbour) does not decide. */
function median(runs: ChildRun[]): ChildRun {
  return [...runs].sort((a, b) => a.simulateSeconds - b.simulateSeconds)[Math.floor(runs.length / 2)]!;
}

async function scaleReport(flags: BenchFlags) {
  const runs: Record<"value" | "fifo", ChildRun[]> = { value: [], fifo: [] };
  const progress = stepProgress("vps bench scale", 2 * flags.repeat, "runs");
  try {
    for (let i = 0; i < flags.repeat; i++) {
      for (const policy of ["value", "fifo"] as const) {
        progress.detail(`${policy}, run ${i + 1} of ${flags.repeat}`);
        runs[policy].push(await spawnRun(flags, policy));
        progress.step();
      }
    }
  } finally {
    progress.stop();
  }
  const value = median(runs.value);
  const fifo = median(runs.fifo);
  const peakRssMiB = Math.max(...runs.value.map((r) => r.peakRssMiB));
  return {
    bench: "scale",
    scenario: flags.scenario,
    seed: flags.seed,
    repeat: flags.repeat,
    titles: value.titles,
    generateSeconds: round(value.generateSeconds),
    runs: { value, fifo },
    ratios: {
      // How much the value policy's bookkeeping costs over the plain fifo baseline.
      valueOverFifoSimulateTime: round(value.simulateSeconds / Math.max(fifo.simulateSeconds, 1e-9)),
      valueOverFifoTotalTime: round(value.totalSeconds / Math.max(fifo.totalSeconds, 1e-9)),
    },
    peakRssMiB,
    targets: { tasks: 200_000, peakRunningEncodes: 5_000, totalSeconds: 10, peakRssMiB: 1024 },
    meets: {
      tasks: value.tasks >= 200_000,
      peakRunningEncodes: value.peakRunningEncodes >= 5_000,
      totalSeconds: value.totalSeconds < 10,
      peakRssMiB: peakRssMiB < 1024,
    },
  };
}

function priority(flags: BenchFlags): ReturnType<typeof priorityReport> & { bench: string; scenario: string; seed: number } {
  const scenario = flags.scenario;
  const workload = generateWorkload(loadScenarioFile(resolveScenario(scenario, scenariosDir())), flags.seed);
  return { bench: "priority", scenario, seed: flags.seed, ...priorityReport(workload, loadRecipeDir(recipesDir()), flags.seed) };
}

/** Part (b) of `bench cost`: the backlog scenario (or --scenario) under every allocation. */
function allocation(flags: BenchFlags): AllocationReport & { scenario: string } {
  const scenario = flags.scenario;
  const workload = generateWorkload(loadScenarioFile(resolveScenario(scenario, scenariosDir())), flags.seed);
  return { scenario, ...allocationBench(workload, loadRecipeDir(recipesDir()), flags.seed, SHIPPED_FIT.titleSigma) };
}

/** `bench priority --seeds`: the bench at every seed, and the spread of its figures. */
function prioritySeeds(flags: BenchFlags, seeds: readonly number[]) {
  const scenario = loadScenarioFile(resolveScenario(flags.scenario, scenariosDir()));
  const book = loadRecipeDir(recipesDir());
  const progress = stepProgress("vps bench priority", seeds.length, "seeds");
  const runs = seeds.map((seed): SeedFigures => {
    const r = priorityReport(generateWorkload(scenario, seed), book, seed);
    progress.step();
    return seedFigures(seed, r);
  });
  progress.stop();
  return { bench: "priority", scenario: flags.scenario, ...seedSeries(runs), bars: { premiumReductionAtLeast: 0.5, premiumReductionTarget: 0.8, standardCostAtMost: 0.2, premiumStretchTarget: PREMIUM_STRETCH_TARGET } };
}

function printPrioritySeeds(r: ReturnType<typeof prioritySeeds>): void {
  const pct = (x: number | null | undefined) => (x == null ? "—" : `${x > 0 ? "+" : ""}${(x * 100).toFixed(1)}%`);
  const times = (x: number | null | undefined) => (x == null ? "—" : `${x.toFixed(2)}×`);
  const rows = r.runs.map((x) => [x.seed, pct(x.premiumReduction === null ? null : -x.premiumReduction), times(x.premiumStretch), pct(x.standardCost), pct(x.ugcCost), x.meets ? "met" : "NOT met"]);
  const line = (name: string, s: Spread | null) => `  ${name}: min ${pct(s?.min)}, median ${pct(s?.median)}, max ${pct(s?.max)}`;
  const share = (x: number | undefined) => (x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
  const reduction = r.premiumReduction;
  process.stdout.write(
    [
      `bench priority — scenario ${r.scenario}, ${r.seeds.length} seeds: value against fifo, mean turnaround per tier`,
      renderTable(["seed", "premium", { head: "premium stretch", drop: 1 }, "standard", "ugc", "bars (premium ≤ −50%, standard ≤ +20%)"], rows, terminalWidth()),
      `  premium reduction: min ${share(reduction?.min)}, median ${share(reduction?.median)}, max ${share(reduction?.max)} (bar 50% at every seed, target 80%)`,
      `  premium stretch (turnaround ÷ alone on the farm): min ${times(r.premiumStretch?.min)}, median ${times(r.premiumStretch?.median)}, max ${times(r.premiumStretch?.max)} (target ${times(r.bars.premiumStretchTarget)})`,
      line("standard", r.standardCost),
      line("ugc", r.ugcCost),
      `bars met at ${r.seedsMeetingBars} of ${r.seeds.length} seeds${r.seedsBelowBars.length > 0 ? ` (not at ${r.seedsBelowBars.join(", ")})` : ""}`,
    ].join("\n") + "\n",
  );
}

function printPriority(r: ReturnType<typeof priority>): void {
  const pct = (x: number | null) => (x === null ? "—" : `${x > 0 ? "+" : ""}${(x * 100).toFixed(0)}%`);
  const mins = (s: number | null | undefined) => (s == null ? "—" : `${(s / 60).toFixed(0)} min`);
  const lines = [`bench priority — scenario ${r.scenario}, seed ${r.seed}, ${r.titles} titles`];
  for (const tier of Object.keys(r.turnaround.fifo)) {
    const v = r.turnaround.value[tier];
    const f = r.turnaround.fifo[tier]!;
    lines.push(`  ${tier.padEnd(9)} mean ${mins(v?.mean)} vs fifo ${mins(f.mean)}, p95 ${mins(v?.p95)} vs ${mins(f.p95)}`);
  }
  const reduction = r.premiumReduction === null ? "—" : `${(r.premiumReduction * 100).toFixed(0)}%`;
  lines.push(`premium mean turnaround ${reduction} lower than fifo (bar 50%, target 80%); standard ${pct(r.costToOthers.standard)}, ugc ${pct(r.costToOthers.ugc)} (bar for standard: at most +20%)`);
  const times = (x: number | null) => (x === null ? "—" : `${x.toFixed(2)}×`);
  lines.push(`premium stretch (turnaround ÷ alone on the farm) ${times(r.premiumStretch.value)} (fifo ${times(r.premiumStretch.fifo)}, target ${times(r.bars.premiumStretchTarget)})`);
  lines.push(`viral: ${r.viral.promotions} promoted, ${mins(r.viral.promotionDelay.mean)} mean from the first report above the threshold; value change → dispatch max ${r.viral.valueChangeDelay.max} s`);
  lines.push(`longest ugc wait ${mins(r.longestUgcWait.value)} (fifo ${mins(r.longestUgcWait.fifo)}, bound ${mins(r.longestUgcWait.bound)}); bars ${r.bars.meets ? "met" : "NOT met"}`);
  process.stdout.write(lines.join("\n") + "\n");
}

function printScale(r: Awaited<ReturnType<typeof scaleReport>>): void {
  const line = (run: ChildRun) =>
    `${run.policy.padEnd(6)} ${run.tasks} tasks, ${run.events} events, peak ${run.peakRunningEncodes} encodes running; ` +
    `expand ${round(run.expandSeconds, 2)} s, simulate ${round(run.simulateSeconds, 2)} s (${run.tasksPerSecond} tasks/s, ` +
    `${run.eventsPerSecond} events/s), total ${round(run.totalSeconds, 2)} s, peak RSS ${run.peakRssMiB} MiB`;
  process.stdout.write(
    `bench scale — scenario ${r.scenario}, seed ${r.seed}, ${r.titles} titles, median of ${r.repeat} runs per policy, each in its own process\n` +
      `${line(r.runs.value)}\n${line(r.runs.fifo)}\n` +
      `value/fifo simulate time ${r.ratios.valueOverFifoSimulateTime}×, total time ${r.ratios.valueOverFifoTotalTime}×\n`,
  );
}

/** `bench run`: real encodes on this machine, by vps run and by a naive parallel batch (src/bench/run.ts). */
async function runBenchCommand(flags: BenchFlags): Promise<void> {
  const dir = flags.keep ? resolve(flags.keep) : mkdtempSync(join(tmpdir(), "vps-bench-run-"));
  if (flags.keep) mkdirSync(dir, { recursive: true });
  try {
    const media = flags.media ?? join(packageRoot(), "..", "shared", "data", "media");
    const r = await runBench({ media, dir, slots: availableParallelism(), vps: [process.execPath, process.argv[1]!] });
    if (flags.json) process.stdout.write(stableJson({ bench: "run", ...r }));
    else process.stdout.write(formatRunBench(r));
  } finally {
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function formatRunBench(r: RunBenchReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const yes = (b: boolean) => (b ? "met" : "NOT met");
  return [
    `bench run — ${r.titles} real titles on ${r.slots} slots, vps run against a naive batch (arrival order, ${r.slots} ffmpeg at once, default threads)`,
    `  wall time        vps ${r.vps.wallSeconds} s, naive ${r.naive.wallSeconds} s (${r.ratios.wall}×; bar ≤ 1: ${yes(r.bars.wallAtMostNaive)})`,
    `  premium mean     vps ${r.vps.premiumTurnaround} s, naive ${r.naive.premiumTurnaround} s (${r.ratios.premiumTurnaround}×; bar ≤ 0.5: ${yes(r.bars.premiumHalved)})`,
    `  deadlines        ${r.vps.deadlineCompliance === null ? "—" : pct(r.vps.deadlineCompliance)} on time, ${r.vps.downgrades} downgrade(s) (${yes(r.bars.deadlinesMet)})`,
    `  CPU busy         while work was queued: vps ${pct(r.vps.cpuBusyQueued)}, naive ${pct(r.naive.cpuBusyQueued)} (bar ≥ 90%: ${yes(r.bars.cpuBusy90)}); whole batch: vps ${pct(r.vps.cpuBusy)}, naive ${pct(r.naive.cpuBusy)}`,
    `  width kept       ${pct(r.widthUse.within)} of ${r.widthUse.encodes} encodes used at most 110% of their slots (median ${pct(r.widthUse.median)}, max ${pct(r.widthUse.max)})`,
    `  encode error     median ${pct(r.calibration.encodeErrorBefore)} with the shipped model, ${pct(r.calibration.encodeErrorAfter)} after vps calibrate on the first half (${yes(r.bars.calibrationHelps)})`,
  ].join("\n") + "\n";
}

/** `bench deadlines`: vps, EDD and ATC on the OR-Library wt40 instances (src/bench/deadlines.ts). */
function deadlinesBenchCommand(flags: BenchFlags): void {
  const dir = join(packageRoot(), "..", "shared", "data", "orlib-wt40");
  const instancesFile = flags.instances ?? join(dir, "wt40.txt");
  const optimaFile = flags.optima ?? join(dir, "wtopt40.txt");
  const { instances, optima } = parseWtPair(readUserFile(instancesFile, "the weighted-tardiness instances"), readUserFile(optimaFile, "the optima"), {
    instances: instancesFile,
    optima: optimaFile,
  });
  const report = { bench: "deadlines", instancesFile, optimaFile, ...deadlinesReport(instances, optima) };
  process.stdout.write(wantsJson(flags.json, undefined) ? stableJson(report) : formatDeadlinesBench(report, terminalWidth()));
}

const wholeNumber = (v: string) => Math.max(1, Math.round(parsePositive(v)));
const parseCounts = (v: string) => v.split(",").map((x) => wholeNumber(x.trim()));

/** The internal BullMQ worker of `farm`: until SIGTERM. */
async function bullmqChild(flags: BenchFlags): Promise<void> {
  if (!flags.queue) throw new InvalidArgumentError("farm-bullmq-worker needs --queue");
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  await bullmqWorker(flags.queue, flags.noopSlots, stop.signal);
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description(`run a benchmark against its baseline in the same run (${BENCHES.join(", ")})`)
    .argument("<name>", `one of ${BENCHES.join(", ")}`, (v: string) => {
      if ((BENCHES as readonly string[]).includes(v) || v === CHILD || v === BULLMQ_CHILD) return v;
      throw new InvalidArgumentError(`expected one of ${BENCHES.join(", ")}, found "${v}"`);
    })
    .argument("[files...]", "(recipes) video files (default: ../shared/data/media plus synthetic sources)")
    .option("--seed <n>", "random seed", parseSeed, 42)
    .option("--seeds <range>", "(priority) every seed of a range (1-20) or list (1,7,42): figures per seed and their min, median and max", parseSeeds)
    .option("--scenario <name|file>", "scenario (default: peak-hour for scale, peak-load for priority, backlog for cost)")
    .option("--repeat <n>", "runs per policy; the median is reported", (v: string) => Math.max(1, Math.round(parsePositive(v))), 3)
    .option("--policy <name>", "(scale-run only) the policy of the one run", parsePolicy)
    .option("--json", "print the result as JSON")
    .option("--data <dir>", "(cost) the transcode-times data: segments.csv and videos.csv (default: ../shared/data/transcode-times)")
    .option("--folds <k>", "(cost) folds of the cross-validation by video", (v: string) => Math.max(2, Math.round(parsePositive(v))), 5)
    .option("--preset <name>", "(recipes) x264 preset of both ladders' encodes (default veryfast)")
    .option("--seconds <s>", "(recipes) excerpt length in seconds (default 4)", parsePositive)
    .option("--jobs <n>", "(recipes) encodes run side by side (default: cores, at most 4)", (v: string) => Math.max(1, Math.round(parsePositive(v))))
    .option("--media <dir>", "(recipes, run) the shared clips (default: ../shared/data/media)")
    .option("--keep <dir>", "(run, farm) keep the batch's sources, outputs, run reports and history in this folder")
    .option("--workers <list>", "(farm) farm sizes of the real batch, one-slot workers each", parseCounts, [1, 2, 4])
    .option("--titles <ids>", "(farm) only these titles of the batch (t01…t12, comma-separated)", (v: string) => v.split(",").map((x) => x.trim()))
    .option("--tasks <n>", "(farm) no-op tasks through the coordinator and through BullMQ alone", wholeNumber, 10_000)
    .option("--noop-workers <n>", "(farm) worker processes of the no-op part", wholeNumber, 4)
    .option("--noop-slots <n>", "(farm) slots (BullMQ concurrency) of each no-op worker", wholeNumber, 4)
    .option("--instances <file>", "(deadlines) OR-Library weighted-tardiness instances, any job count (default: ../shared/data/orlib-wt40/wt40.txt)")
    .option("--optima <file>", "(deadlines) their optimal objective values, one per instance, in order (default: ../shared/data/orlib-wt40/wtopt40.txt)")
    .addOption(new Option("--part <a|b>", "(farm) only part a (the real batch) or b (no-op tasks)").choices(["a", "b"]))
    .addOption(new Option("--queue <url>", "(farm-bullmq-worker, internal) the Redis").hideHelp())
    .action(async (name: string, files: string[], given: Omit<BenchFlags, "scenario"> & { scenario?: string }) => {
      const flags: BenchFlags = { ...given, scenario: given.scenario ?? DEFAULT_SCENARIO[name] ?? "peak-hour" };
      if (name === "recipes") return runRecipesBenchCommand(files, flags);
      if (name === "run") return runBenchCommand(flags);
      if (name === "farm") return farmBenchCommand(flags);
      if (name === "deadlines") return deadlinesBenchCommand(flags);
      if (name === BULLMQ_CHILD) return bullmqChild(flags);
      if (name === CHILD) {
        process.stdout.write(JSON.stringify(childRun(flags)));
        return;
      }
      if (name === "cost") {
        const data = flags.data ?? join(packageRoot(), "..", "shared", "data", "transcode-times");
        const report = runCostBench(loadTranscodeTimes(data), { data, folds: flags.folds, seed: flags.seed, repeat: flags.repeat }, allocation(flags));
        process.stdout.write(flags.json ? stableJson(report) : formatCostBench(report));
        return;
      }
      if (name === "priority" && flags.seeds) {
        const report = prioritySeeds(flags, flags.seeds);
        if (flags.json) process.stdout.write(stableJson(report));
        else printPrioritySeeds(report);
        return;
      }
      if (name === "priority") {
        const report = priority(flags);
        if (flags.json) process.stdout.write(stableJson(report));
        else printPriority(report);
        return;
      }
      const report = await scaleReport(flags);
      if (flags.json) process.stdout.write(stableJson(report));
      else printScale(report);
    });
}
