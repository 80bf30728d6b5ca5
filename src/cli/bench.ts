// `vps bench <name>`: performance claims as commands, each against a baseline in the same run.
import { type Command, InvalidArgumentError } from "commander";
import { runScale, type ScaleRun } from "../bench/scale";
import { loadRecipeDir } from "../load/recipes";
import { generateWorkload } from "../scenario/generate";
import { loadScenarioFile, resolveScenario } from "../scenario/load";
import { parseSeed } from "./options";
import { stableJson } from "./output";
import { recipesDir, scenariosDir } from "./paths";

const BENCHES = ["scale"] as const;

interface BenchFlags {
  seed: number;
  scenario: string;
  json?: boolean;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function scaleReport(flags: BenchFlags) {
  const t0 = performance.now();
  const scenario = loadScenarioFile(resolveScenario(flags.scenario, scenariosDir()));
  const workload = generateWorkload(scenario, flags.seed);
  const generateSeconds = (performance.now() - t0) / 1000;
  const book = loadRecipeDir(recipesDir());
  const timer = () => performance.now();
  const value: ScaleRun = runScale(workload, book, "value", flags.seed, timer);
  const fifo: ScaleRun = runScale(workload, book, "fifo", flags.seed, timer);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return {
    bench: "scale",
    scenario: flags.scenario,
    seed: flags.seed,
    titles: workload.titles.length,
    generateSeconds: round(generateSeconds),
    runs: { value, fifo },
    ratios: {
      // How much the value policy's bookkeeping costs over the plain fifo baseline.
      valueOverFifoSimulateTime: round(value.simulateSeconds / Math.max(fifo.simulateSeconds, 1e-9)),
      valueOverFifoTotalTime: round(value.totalSeconds / Math.max(fifo.totalSeconds, 1e-9)),
    },
    peakRssMiB: Math.round(peakRssMiB),
    targets: { tasks: 200_000, peakRunningEncodes: 5_000, totalSeconds: 10, peakRssMiB: 1024 },
    meets: {
      tasks: value.tasks >= 200_000,
      peakRunningEncodes: value.peakRunningEncodes >= 5_000,
      totalSeconds: value.totalSeconds < 10,
      peakRssMiB: peakRssMiB < 1024,
    },
  };
}

function printScale(r: ReturnType<typeof scaleReport>): void {
  const line = (run: ScaleRun) =>
    `${run.policy.padEnd(6)} ${run.tasks} tasks, ${run.events} events, peak ${run.peakRunningEncodes} encodes running; ` +
    `expand ${round(run.expandSeconds, 2)} s, simulate ${round(run.simulateSeconds, 2)} s (${run.tasksPerSecond} tasks/s, ${run.eventsPerSecond} events/s), total ${round(run.totalSeconds, 2)} s`;
  process.stdout.write(
    `bench scale — scenario ${r.scenario}, seed ${r.seed}, ${r.titles} titles (generated in ${r.generateSeconds} s)\n` +
      `${line(r.runs.value)}\n${line(r.runs.fifo)}\n` +
      `value/fifo simulate time ${r.ratios.valueOverFifoSimulateTime}×; peak RSS ${r.peakRssMiB} MiB\n`,
  );
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("run a benchmark against its baseline in the same run (scale)")
    .argument("<name>", `one of ${BENCHES.join(", ")}`, (v: string) => {
      if ((BENCHES as readonly string[]).includes(v)) return v;
      throw new InvalidArgumentError(`expected one of ${BENCHES.join(", ")}, found "${v}"`);
    })
    .option("--seed <n>", "random seed", parseSeed, 42)
    .option("--scenario <name|file>", "scenario for the scale bench", "peak-hour")
    .option("--json", "print the result as JSON")
    .action((_name: string, flags: BenchFlags) => {
      const report = scaleReport(flags);
      if (flags.json) process.stdout.write(stableJson(report));
      else printScale(report);
    });
}
