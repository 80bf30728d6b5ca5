// `vps plan workload.yaml`: read → compute → print.
import type { Command } from "commander";
import { loadRecipeDir } from "../load/recipes";
import { loadWorkloadFile } from "../load/workload";
import type { Plan } from "../model";
import { buildPlan } from "../plan/build";
import { formatPlan } from "../plan/format";
import type { PolicyName } from "../sched/policy";
import { checkCompliance } from "./gate";
import { parsePolicy, parseRatio } from "./options";
import { stableJson, wantsJson, writeFileAtomic } from "./output";
import { recipesDir } from "./paths";

export interface PlanFlags {
  recipes?: string;
  policy: PolicyName;
  json?: boolean;
  table?: boolean;
  output?: string;
  minCompliance?: number;
  allTitles?: boolean;
  tasks?: boolean;
}

/** Prints or writes a plan as asked: JSON for tools, tables for people. */
export function emitPlan(plan: Plan, flags: PlanFlags): void {
  if (flags.output) writeFileAtomic(flags.output, stableJson(plan));
  if (wantsJson(flags.json, flags.table)) {
    if (!flags.output || flags.json) process.stdout.write(stableJson(plan));
  } else {
    process.stdout.write(formatPlan(plan, { allTitles: flags.allTitles ?? false, tasks: flags.tasks ?? false }));
  }
}

export function runPlan(file: string, flags: PlanFlags): void {
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const workload = loadWorkloadFile(file, book);
  const plan = buildPlan(workload, book, { policy: flags.policy, seed: null, trace: null });
  emitPlan(plan, flags);
  checkCompliance(plan, flags.minCompliance);
}

export function addPlanOutputOptions(cmd: Command): Command {
  return cmd
    .option("--recipes <dir>", "recipe library directory (default: the shipped recipes/)")
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
    .option("--policy <name>", "ordering policy: value (default) or fifo", parsePolicy, "value" as PolicyName);
  addPlanOutputOptions(cmd).action((file: string, flags: PlanFlags) => runPlan(file, flags));
}
