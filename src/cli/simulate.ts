// `vps simulate`: generate a synthetic workload from a scenario and a seed, simulate it under one
// policy or compare `value` with the `fifo` baseline side by side.
import { type Command, Option } from "commander";
import type { CostModel } from "../cost/types";
import { loadRecipeDir } from "../load/recipes";
import { workloadToYaml } from "../load/write";
import type { LadderSummary, Plan, RecipeBook, Workload } from "../model";
import { assemblePlan, buildPlan, createSimulator } from "../plan/build";
import { comparePlans, formatComparison } from "../plan/compare";
import { headline } from "../plan/format";
import { generateWorkload } from "../scenario/generate";
import { loadScenarioFile, resolveScenario } from "../scenario/load";
import type { PolicyName } from "../sched/policy";
import { InputError } from "../util/errors";
import { SHIPPED_FIT } from "../cost/shipped";
import { addAllocationOptions, type AllocationFlags, allocationOptions } from "./allocation";
import { checkCompliance } from "./gate";
import { addLadderOptions, ladderModelsOf, type LadderModeFlags, withLadders } from "./ladders";
import { parsePolicy, parsePositive, parseSeed } from "./options";
import { emitDocument, terminalWidth, writeFileAtomic } from "./output";
import { type PlanFlags, addPlanOutputOptions, costModelOf, emitPlan, reportWarnings, withEventsFile } from "./plan";
import { recipesDir, scenariosDir } from "./paths";
import { runPaced, stderrReporter, wallClock } from "./realtime";
import { wrapText } from "../util/table";

export interface SimulateFlags extends Omit<PlanFlags, "policy">, AllocationFlags, LadderModeFlags {
  scenario: string;
  seed: number;
  policy?: PolicyName;
  accelerate?: number;
  workloadOut?: string;
}

/** A scenario may name deliverables a user's own recipe library lacks: say so, never crash. */
export function checkDeliverables(workload: Workload, book: RecipeBook, scenario: string): void {
  const served = new Set(book.recipes.map((r) => r.deliverable));
  const missing = [...new Set(workload.titles.flatMap((t) => t.deliverables))].filter((d) => !served.has(d)).sort();
  if (missing.length > 0) {
    throw new InputError(`${scenario}: the scenario asks for deliverable(s) ${missing.join(", ")}, which no recipe in the library serves`);
  }
}

interface Planned {
  workload: Workload;
  costModel: CostModel | undefined;
  ladders?: LadderSummary;
}

async function simulatePlans({ workload, costModel, ladders }: Planned, book: RecipeBook, policies: PolicyName[], flags: SimulateFlags): Promise<Plan[]> {
  const options = (policy: PolicyName) => ({ policy, seed: flags.seed, trace: null, costModel, ladders, ...allocationOptions(flags, flags.seed) });
  if (flags.accelerate === undefined) return policies.map((p) => buildPlan(workload, book, options(p)));
  const sims = policies.map((p) => ({ name: p, sim: createSimulator(workload, book, options(p)) }));
  await runPaced(sims, flags.accelerate, wallClock, stderrReporter());
  return sims.map(({ name, sim }) => assemblePlan(workload, sim.state, options(name)));
}

function emitComparison(plans: Plan[], flags: SimulateFlags, scenario: string): void {
  const comparison = comparePlans(plans);
  const doc = { schemaVersion: 1, scenario, seed: flags.seed, comparison, plans: Object.fromEntries(plans.map((p) => [p.policy, p])) };
  emitDocument(doc, flags, () => {
    const width = terminalWidth();
    return `${plans.map((p) => wrapText(headline(p, "vps simulate"), width)).join("\n")}\n${formatComparison(comparison, width)}\n`;
  });
}

export async function runSimulate(flags: SimulateFlags): Promise<void> {
  const costModel = costModelOf(flags.costModel);
  const rqModels = ladderModelsOf(flags);
  const scenarioPath = resolveScenario(flags.scenario, scenariosDir());
  const scenario = loadScenarioFile(scenarioPath);
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const workload = withEventsFile(generateWorkload(scenario, flags.seed), flags.events);
  checkDeliverables(workload, book, scenarioPath);
  if (flags.workloadOut !== undefined) writeFileAtomic(flags.workloadOut, workloadToYaml(workload));
  const policies: PolicyName[] = flags.policy ? [flags.policy] : ["value", "fifo"];
  const plans = await simulatePlans({ ...withLadders(workload, book, rqModels), costModel }, book, policies, flags);
  if (plans.length === 1) emitPlan(plans[0]!, { ...flags, policy: plans[0]!.policy as PolicyName }, "vps simulate");
  else emitComparison(plans, flags, flags.scenario);
  for (const p of plans) reportWarnings(p, plans.length > 1 ? `${p.policy}: ` : "");
  checkCompliance(plans[0]!, flags.minCompliance, `${plans[0]!.policy}: `);
}

export function registerSimulate(program: Command): void {
  const cmd = program
    .command("simulate")
    .description("generate a synthetic workload from a scenario and simulate it; compares value with fifo unless --policy is given")
    .addOption(new Option("--scenario <name|file>", "a shipped scenario name or a scenario YAML file").default("default", "scenarios/default.yaml"))
    .option("--seed <n>", "random seed of the synthetic workload", parseSeed, 42)
    .option("--policy <name>", "simulate only this policy (value or fifo)", parsePolicy)
    .option("--accelerate <x>", "pace virtual time at x times wall-clock speed, with live progress on stderr", parsePositive)
    .option("--workload-out <file>", "write the generated workload as YAML that `vps plan` accepts");
  addLadderOptions(addAllocationOptions(addPlanOutputOptions(cmd), SHIPPED_FIT.titleSigma)).action((flags: SimulateFlags) => runSimulate(flags));
}
