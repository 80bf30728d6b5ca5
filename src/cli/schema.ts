// `vps schema workload|recipes|scenario|plan|forecast`: the JSON Schema of each input, of the plan and of the forecast.
import { type Command, InvalidArgumentError } from "commander";
import { forecastSchema } from "../forecast/schema";
import { recipeFileSchema, workloadSchema } from "../load/schemas";
import { planSchema } from "../plan/schema";
import { scenarioSchema } from "../scenario/schema";
import { stableJson } from "./output";

const SCHEMAS: Record<string, object> = {
  workload: workloadSchema,
  recipes: recipeFileSchema,
  scenario: scenarioSchema,
  plan: planSchema,
  forecast: forecastSchema,
};

function parseName(value: string): string {
  // Own names only: `__proto__` or `constructor` are not schemas, though `in` finds them on the prototype.
  if (Object.hasOwn(SCHEMAS, value)) return value;
  throw new InvalidArgumentError(`expected one of ${Object.keys(SCHEMAS).join(", ")}, found "${value}"`);
}

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of an input file or of the plan")
    .argument("<name>", `one of ${Object.keys(SCHEMAS).join(", ")}`, parseName)
    .action((name: string) => {
      process.stdout.write(stableJson(SCHEMAS[name]));
    });
}
