// Scenario files: find (a shipped name or a path), read, parse, validate, normalise. The only file
// access of the scenario stage; everything after it is pure.
import { existsSync, readdirSync } from "node:fs";
import { readUserFile } from "../load/read";
import { join } from "node:path";
import { parseYaml, validateSchema } from "../load/yaml";
import { InputError } from "../util/errors";
import type { Written } from "./ctx";
import { normaliseScenario } from "./normalise";
import { scenarioSchema } from "./schema";
import type { Scenario } from "./types";

export function loadScenarioText(file: string, text: string): Scenario {
  const { source, data } = parseYaml(file, text);
  const schemaProblems = validateSchema(source, data, scenarioSchema);
  if (schemaProblems.length > 0) throw new InputError(`${file}: invalid scenario`, schemaProblems);
  const { scenario, problems } = normaliseScenario(source, data as Written);
  if (problems.length > 0) {
    const sorted = [...problems].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    throw new InputError(`${file}: invalid scenario`, sorted);
  }
  return scenario;
}

export function loadScenarioFile(path: string): Scenario {
  return loadScenarioText(path, readUserFile(path, "scenario"));
}

/** Names of the shipped scenarios (`<name>.yaml` in the folder), sorted. */
export function shippedScenarios(scenariosDir: string): string[] {
  if (!existsSync(scenariosDir)) return [];
  return readdirSync(scenariosDir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/**
 * A bare name (`peak-hour`) means a shipped scenario, `<scenariosDir>/peak-hour.yaml`; anything
 * with a path separator or a .yaml/.yml extension is a path and is used as it is.
 */
export function resolveScenario(nameOrPath: string, scenariosDir: string): string {
  if (/[/\\]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath)) return nameOrPath;
  const names = shippedScenarios(scenariosDir);
  if (!names.includes(nameOrPath)) {
    const list = names.length > 0 ? names.join(", ") : "(none found)";
    throw new InputError(`unknown scenario "${nameOrPath}": expected one of ${list}, or a path to a scenario file`);
  }
  return join(scenariosDir, `${nameOrPath}.yaml`);
}
