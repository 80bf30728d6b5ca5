// `vps forecast workload.yaml`: before processing begins, demand per pool per hour against capacity,
// the backlog curve and when it clears, and which deadline titles are at risk and why.
// read → compute (src/forecast, pure) → print.
import type { Command } from "commander";
import { defaultCostModel } from "../cost/model";
import { buildForecast } from "../forecast/build";
import { formatForecast, riskLines } from "../forecast/format";
import type { Forecast } from "../forecast/types";
import { loadRecipeDir } from "../load/recipes";
import { loadMeasuredWorkload } from "../load/sources";
import type { RecipeBook, Workload } from "../model";
import { generateWorkload } from "../scenario/generate";
import { loadScenarioFile, resolveScenario } from "../scenario/load";
import type { PolicyName } from "../sched/policy";
import { GateError, InputError } from "../util/errors";
import { parsePolicy, parseSeed } from "./options";
import { emitDocument, terminalWidth } from "./output";
import { recipesDir, scenariosDir } from "./paths";
import { addCacheOptions, cacheDirOf, costModelOf, type SourceFlags, withEventsFile } from "./plan";
import { addLadderOptions, ladderModelsOf, type LadderModeFlags, withLadders } from "./ladders";
import { checkDeliverables } from "./simulate";

export interface ForecastFlags extends LadderModeFlags, Pick<SourceFlags, "cache"> {
  scenario?: string;
  seed?: number;
  recipes?: string;
  events?: string;
  costModel?: string;
  policy: PolicyName;
  /** False with --no-plan: the fluid bound only, without simulating the plan. */
  plan: boolean;
  json?: boolean;
  table?: boolean;
  output?: string;
  failOnRisk?: boolean;
}

interface Input {
  workload: Workload;
  seed: number | null;
  /** Written values the measured source files contradict. */
  warnings: string[];
}

/**
 * The workload file (its titles' source files measured as `vps plan` measures them, same cache), or
 * a scenario's synthetic workload: exactly one of them.
 */
async function loadInput(file: string | undefined, flags: ForecastFlags, book: RecipeBook): Promise<Input> {
  if (file !== undefined && flags.scenario !== undefined) {
    throw new InputError(`vps forecast: give a workload file or --scenario, not both (found ${file} and --scenario ${flags.scenario})`);
  }
  if (flags.scenario !== undefined) {
    const seed = flags.seed ?? 42;
    const path = resolveScenario(flags.scenario, scenariosDir());
    const workload = generateWorkload(loadScenarioFile(path), seed);
    checkDeliverables(workload, book, path);
    return { workload, seed, warnings: [] };
  }
  if (file === undefined) throw new InputError("vps forecast: expected a workload file or --scenario NAME, found neither");
  if (flags.seed !== undefined) throw new InputError("vps forecast: --seed goes with --scenario; a workload file has no seed");
  const measured = await loadMeasuredWorkload(file, book, { cacheDir: cacheDirOf(flags) });
  return { workload: measured.workload, seed: null, warnings: measured.warnings };
}

function emit(forecast: Forecast, flags: ForecastFlags): void {
  emitDocument(forecast, flags, () => formatForecast(forecast, terminalWidth()));
}

/** --fail-on-risk: exit 1 when any deadline title is at risk, after the forecast is printed. */
function checkRisk(forecast: Forecast, failOnRisk: boolean | undefined): void {
  if (!failOnRisk || forecast.deadlines.atRisk === 0) return;
  const { atRisk, titles } = forecast.deadlines;
  throw new GateError(`${atRisk} of ${titles} deadline title(s) at risk`, riskLines(forecast));
}

export async function runForecast(file: string | undefined, flags: ForecastFlags): Promise<void> {
  const costModel = costModelOf(flags.costModel) ?? defaultCostModel;
  const rqModels = ladderModelsOf(flags);
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const input = await loadInput(file, flags, book);
  const { workload } = withLadders(withEventsFile(input.workload, flags.events), book, rqModels);
  const forecast = buildForecast(workload, book, { costModel, seed: input.seed, policy: flags.plan ? flags.policy : null });
  emit(forecast, flags);
  // On stderr, so JSON on stdout stays clean (a forecast has no warnings field to carry them).
  for (const w of input.warnings) process.stderr.write(`vps: warning: ${w}\n`);
  checkRisk(forecast, flags.failOnRisk);
}

export function registerForecast(program: Command): void {
  const cmd = program
    .command("forecast")
    .description(
      "before processing begins: demand per pool per hour against capacity, the backlog curve and when it clears, " +
        "and which deadline titles are at risk and why",
    )
    .argument("[workload]", "workload YAML file (or --scenario)")
    .option("--scenario <name|file>", "forecast a scenario's synthetic workload instead of a file")
    .option("--seed <n>", "random seed of the scenario's workload (default 42)", parseSeed)
    .option("--recipes <dir>", "recipe library directory (default: the shipped recipes/)")
    .option("--events <file>", "analytics events for the simulated plan, one JSON object per line (NDJSON)")
    .option("--cost-model <file>", "predict task costs with a model fitted by `vps calibrate` (default: the shipped model)")
    .option("--policy <name>", "policy of the simulated plan: value or fifo", parsePolicy, "value" as PolicyName)
    .option("--no-plan", "the fluid bound only: do not simulate the plan")
    .option("--json", "print the forecast JSON (the default when stdout is not a terminal; `vps schema forecast`)")
    .option("--table", "print tables even when stdout is not a terminal")
    .option("-o, --output <file>", "write the forecast JSON to a file (written whole, or not at all)")
    .option("--fail-on-risk", "exit 1 when any deadline title is at risk (for CI); the forecast is still printed");
  addLadderOptions(addCacheOptions(cmd)).action((file: string | undefined, flags: ForecastFlags) => runForecast(file, flags));
}
