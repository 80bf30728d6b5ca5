// `vps verify plan.json`: checks a plan — this tool's, one edited by hand, or another tool's —
// against the plan contract: the JSON Schema, then the invariants (capacity, dependencies,
// finishes, deadline outcomes). Exit 0 sound, 1 an invariant is broken, 2 not a plan at all.
import type { Command } from "commander";
import { contractSchema } from "../plan/schema";
import type { Plan } from "../model";
import { verifyPlan } from "../plan/verify";
import { GateError, InputError } from "../util/errors";
import { readUserFile } from "../load/read";
import { jsonSchemaProblems, parseJson } from "../load/json";

/**
 * `vps simulate` without `--policy` prints `{ schemaVersion, scenario, seed, comparison, plans }`:
 * several plans, not one. Its schema errors ("expected key epoch") would not say so.
 */
function comparisonOf(data: unknown): string[] | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const doc = data as Record<string, unknown>;
  if (!("comparison" in doc) || typeof doc.plans !== "object" || doc.plans === null || "epoch" in doc) return null;
  return Object.keys(doc.plans);
}

/** Built once: the schema's identity is what keeps its compiled validator cached. */
let contract: object | null = null;

/** The plan in a file's text, or an InputError with each problem at its line and column. */
export function parsePlanText(file: string, text: string): Plan {
  const json = parseJson(file, text, "plan JSON");
  const policies = comparisonOf(json.data);
  if (policies !== null) {
    const one = policies[0] ?? "value";
    const message =
      `expected a plan, found vps simulate's comparison of ${policies.length} plans (${policies.join(", ")}); ` +
      `verify one of its plans: jq '.plans.${one}' ${file} > ${one}.json && vps verify ${one}.json (or simulate with --policy ${one})`;
    throw new InputError(`${file}: a comparison, not a plan`, [{ pos: { file, line: 1, col: 1, path: "(root)" }, message }]);
  }
  contract ??= contractSchema();
  const problems = jsonSchemaProblems(json, contract);
  if (problems.length > 0) throw new InputError(`${file}: not a plan of schemaVersion 1`, problems);
  return json.data as Plan;
}

function readPlan(file: string): Plan {
  return parsePlanText(file, readUserFile(file, "plan"));
}

export function runVerify(file: string): void {
  const plan = readPlan(file);
  const problems = verifyPlan(plan);
  if (problems.length > 0) throw new GateError(`${file}: ${problems.length} broken invariant(s)`, problems.map((p) => `  ${p}`));
  process.stdout.write(`${file}: sound plan — ${plan.titles.length} titles, ${plan.tasks.length} tasks, no pool over capacity, every dependency respected\n`);
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("check a plan JSON against the plan contract: schema, capacity, dependencies, finishes and deadline outcomes")
    .argument("<plan>", "plan JSON file (as written by vps plan -o)")
    .action((file: string) => runVerify(file));
}
