// `vps plan workload.yaml`: read → compute → print.
import type { Command } from "commander";
import type { CostModel } from "../cost/types";
import { loadCostModelFile } from "../cost/modelFile";
import { defaultCacheDir } from "../content/analyse";
import { DEFAULT_OUT_DIR } from "../encode/argv";
import { taskCommands } from "../encode/commands";
import { loadRecipeDir } from "../load/recipes";
import { loadMeasuredWorkload } from "../load/sources";
import { byTime, loadEventsFile } from "../load/analytics";
import type { Plan, Workload } from "../model";
import { LIMITS, grouped } from "../util/limits";
import { parseIso } from "../util/time";
import { InputError } from "../util/errors";
import { buildPlan } from "../plan/build";
import { formatPlan } from "../plan/format";
import type { PolicyName } from "../sched/policy";
import { checkCompliance } from "./gate";
import { addLadderOptions, ladderModelsOf, type LadderModeFlags, withLadders } from "./ladders";
import { addAllocationOptions, type AllocationFlags, allocationOptions } from "./allocation";
import { parsePolicy, parseRatio, parseSeed } from "./options";
import { emitDocument, terminalWidth } from "./output";
import { recipesDir } from "./paths";

export interface PlanFlags {
  recipes?: string;
  events?: string;
  policy: PolicyName;
  json?: boolean;
  table?: boolean;
  output?: string;
  minCompliance?: number;
  allTitles?: boolean;
  tasks?: boolean;
  /** A model file written by `vps calibrate -o`; the shipped cost model without one. */
  costModel?: string;
}

/** How `vps plan` and `vps recipes explain` measure source files and name their outputs. */
export interface SourceFlags {
  /** A directory from --cache DIR, false from --no-cache, undefined for the default. */
  cache?: string | false;
  /** Where the argv of each task writes (relative paths stay relative). */
  outDir?: string;
}

export const cacheDirOf = (flags: SourceFlags): string | null => (flags.cache === false ? null : (flags.cache ?? defaultCacheDir()));

/** The fitted cost model of `--cost-model`, read before anything is written; undefined = the shipped one. */
export function costModelOf(file: string | undefined): CostModel | undefined {
  return file === undefined ? undefined : loadCostModelFile(givenPath("--cost-model", file));
}

/** A path an option was given: an empty one is a mistake to say, not a flag to ignore. */
export function givenPath(option: string, file: string): string {
  if (file === "") throw new InputError(`${option}: expected a file path, found an empty one`);
  return file;
}

/** Adds the events of an NDJSON file (`--events`) to a workload's own, in time order. */
export function withEventsFile(workload: Workload, file: string | undefined): Workload {
  if (file === undefined) return workload;
  const fromFile = loadEventsFile(givenPath("--events", file), parseIso(workload.epoch) ?? 0);
  const total = workload.events.length + fromFile.length;
  if (total > LIMITS.events) {
    throw new InputError(`${file}: expected at most ${grouped(LIMITS.events)} analytics events with the workload's own, found ${grouped(total)}`);
  }
  return { ...workload, events: byTime([...workload.events, ...fromFile]) };
}

/** Warnings go to stderr, so JSON on stdout stays clean; the plan carries them all as well. */
export function reportWarnings(plan: Plan, label = ""): void {
  const shown = plan.warnings.slice(0, 10);
  for (const w of shown) process.stderr.write(`vps: warning: ${label}${w}\n`);
  if (plan.warnings.length > shown.length) process.stderr.write(`vps: warning: ${label}… and ${plan.warnings.length - shown.length} more (see the plan's warnings)\n`);
}

/** Prints or writes a plan as asked: JSON for tools, tables for people headed by the command that made it. */
export function emitPlan(plan: Plan, flags: PlanFlags, command: string): void {
  emitDocument(plan, flags, () => formatPlan(plan, { command, allTitles: flags.allTitles ?? false, tasks: flags.tasks ?? false, width: terminalWidth() }));
}

/**
 * Read → measure the titles' source files (cached) → plan → print. Everything is read and checked
 * before anything is written.
 */
export async function runPlan(file: string, flags: PlanFlags & SourceFlags & AllocationFlags & LadderModeFlags & { noiseSeed?: number }): Promise<void> {
  const costModel = costModelOf(flags.costModel);
  const rqModels = ladderModelsOf(flags);
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const measured = await loadMeasuredWorkload(file, book, { cacheDir: cacheDirOf(flags) });
  const { workload, ladders } = withLadders(withEventsFile(measured.workload, flags.events), book, rqModels);
  const commands = taskCommands(book, measured.sources, flags.outDir ?? DEFAULT_OUT_DIR, workload.titles);
  const run = allocationOptions(flags, flags.noiseSeed ?? 1);
  const plan = buildPlan(workload, book, { policy: flags.policy, seed: null, trace: null, costModel, commands, warnings: measured.warnings, ladders, ...run });
  emitPlan(plan, flags, "vps plan");
  reportWarnings(plan);
  checkCompliance(plan, flags.minCompliance);
}

export function addPlanOutputOptions(cmd: Command): Command {
  return cmd
    .option("--recipes <dir>", "recipe library directory (default: the shipped recipes/)")
    .option("--events <file>", "analytics events to apply during the run, one JSON object per line (NDJSON)")
    .option("--cost-model <file>", "predict task costs with a model fitted by `vps calibrate` (default: the shipped model)")
    .option("--json", "print the plan JSON (the default when stdout is not a terminal)")
    .option("--table", "print tables even when stdout is not a terminal")
    .option("-o, --output <file>", "write the plan JSON to a file (written whole, or not at all)")
    .option("--min-compliance <share>", "exit 1 when fewer than this share of deadline titles are on time", parseRatio)
    .option("--all-titles", "list every title in the table, not only those with a deadline or downgrade")
    .option("--tasks", "list every task (start, end, pool) in the table");
}

export function registerPlan(program: Command): void {
  const cmd = program
    .command("plan")
    .description("load a workload and the recipe library, simulate it on the fixed farm, and print the plan")
    .argument("<workload>", "workload YAML file")
    .option("--policy <name>", "ordering policy: value or fifo", parsePolicy, "value" as PolicyName)
    .option("--noise-seed <n>", "seed of the hidden true costs --noise draws (default 1)", parseSeed);
  addLadderOptions(addAllocationOptions(addSourceOptions(addPlanOutputOptions(cmd)), 0)).action((file: string, flags: PlanFlags & SourceFlags & AllocationFlags & LadderModeFlags) =>
    runPlan(file, flags),
  );
}

/** The analysis cache of titles' source files, as `vps analyze` has it. */
export function addCacheOptions(cmd: Command): Command {
  return cmd
    .option("--cache <dir>", "analysis cache for source files (default: $VPS_CACHE_DIR, else ~/.cache/vps)")
    .option("--no-cache", "measure source files without reading or writing the analysis cache");
}

/** The cache, and where the tasks' ffmpeg arguments (argv) write. */
export function addSourceOptions(cmd: Command): Command {
  return addCacheOptions(cmd).option("--out-dir <dir>", `output directory the tasks' ffmpeg arguments (argv) write under (default: ${DEFAULT_OUT_DIR})`);
}
