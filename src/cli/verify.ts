// `vps verify plan.json`: checks a plan — this tool's, one edited by hand, or another tool's —
// against the plan contract: the JSON Schema, then the invariants (capacity, dependencies,
// finishes, deadline outcomes). Exit 0 sound, 1 an invariant is broken, 2 not a plan at all.
import Ajv, { type ErrorObject } from "ajv";
import type { Command } from "commander";
import { contractSchema } from "../plan/schema";
import type { Plan } from "../model";
import { verifyPlan } from "../plan/verify";
import { GateError, InputError } from "../util/errors";
import { readUserFile } from "../load/read";

/** Ajv's error as "expected …, found …", the form every other vps message takes. */
function explain(e: ErrorObject): string {
  const found = e.data === undefined ? "none" : JSON.stringify(e.data)?.slice(0, 60);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `expected key "${String(p.missingProperty)}", found none`;
    case "additionalProperties":
      return `expected no key "${String(p.additionalProperty)}" (not in the plan contract), found one`;
    case "const":
      return `expected ${JSON.stringify(p.allowedValue)}, found ${found}`;
    case "enum":
      return `expected one of ${JSON.stringify(p.allowedValues)}, found ${found}`;
    case "type":
      return `expected ${String(p.type)}, found ${found}`;
    default:
      return `expected a value that ${e.message ?? "fits the schema"}, found ${found}`;
  }
}

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

function readPlan(file: string): Plan {
  const text = readUserFile(file, "plan");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: expected plan JSON, found text that does not parse (${(e as Error).message})`);
  }
  const policies = comparisonOf(data);
  if (policies !== null) {
    const one = policies[0] ?? "value";
    throw new InputError(
      `${file}: expected a plan, found vps simulate's comparison of ${policies.length} plans (${policies.join(", ")}); ` +
        `verify one of its plans: jq '.plans.${one}' ${file} > ${one}.json && vps verify ${one}.json (or simulate with --policy ${one})`,
    );
  }
  const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(contractSchema());
  if (!validate(data)) {
    const lines = (validate.errors ?? []).slice(0, 20).map((e) => `${file} ${e.instancePath || "(root)"}: ${explain(e)}`);
    throw new InputError(`${file}: not a plan of schemaVersion 1`, []).withLines(lines);
  }
  return data as Plan;
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
