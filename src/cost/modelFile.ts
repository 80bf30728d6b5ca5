// A fitted model file (`vps calibrate -o model.json`) and the CostModel it becomes
// (`vps plan --cost-model model.json`). The file is checked against a JSON Schema; a bad one is an
// InputError with one line per problem, so a plan is never made from half a model.
import { readUserFile } from "../load/read";
import { jsonSchemaProblems, parseJson } from "../load/json";
import type { ContentProfile } from "../model";
import { InputError } from "../util/errors";
import { type CostModelDoc, MODEL_KIND } from "./calibrate";
import { FORM, specFeatures, workPerSecond } from "./fit";
import { defaultCostModel } from "./model";
import type { CostModel, EncodeSpec } from "./types";

/**
 * A coefficient is a term of ln(work per second): ±20 is a factor of 5·10⁸ either way, far past any
 * machine, codec or preset (fits give |c| < 3), and keeps exp(…) of a sum of them finite — a
 * hand-edited 1e308 made every task's end Infinity and crashed the simulator (exit 70).
 */
const num = { type: "number", minimum: -20, maximum: 20, "x-expected": "a fitted coefficient from -20 to 20" } as const;
const numbers = { type: "object", additionalProperties: num } as const;
/** Smearing turns a fitted median into a mean: about 1, never near 0 or huge. */
const positives = { type: "object", additionalProperties: { type: "number", exclusiveMinimum: 0, maximum: 1000, "x-expected": "a smearing factor above 0, at most 1000" } } as const;
const quantiles = { type: "object", required: ["median", "p90"], properties: { median: { type: "number" }, p90: { type: "number" } } } as const;

export const costModelSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "vps cost model",
  description: "A cost model fitted by `vps calibrate` from a history of observed runs; `vps plan --cost-model` uses it.",
  type: "object",
  required: ["schemaVersion", "kind", "form", "coefficients", "prior", "training", "crossValidation"],
  properties: {
    schemaVersion: { const: 1 },
    kind: { const: MODEL_KIND },
    form: { const: FORM, description: "the model form; see `formula`" },
    formula: { type: "string" },
    coefficients: {
      type: "object",
      required: ["machine", "codec", "preset", "sizeExponent", "rateExponent", "scaled", "sourceExponent", "complexity", "highBitDepth", "contentClass", "smearing"],
      properties: {
        machine: num,
        codec: numbers,
        preset: numbers,
        sizeExponent: numbers,
        rateExponent: numbers,
        scaled: numbers,
        sourceExponent: num,
        complexity: num,
        highBitDepth: num,
        contentClass: numbers,
        smearing: positives,
      },
    },
    prior: {
      type: "object",
      required: ["codec", "pixelExponent", "sourceExponent", "complexity", "highBitDepth"],
      properties: { codec: numbers, pixelExponent: num, sourceExponent: num, complexity: num, highBitDepth: num },
    },
    training: { type: "object", required: ["runs", "videos"], properties: { runs: { type: "integer", minimum: 1 }, videos: { type: "integer", minimum: 1 } } },
    crossValidation: {
      oneOf: [{ type: "null" }, { type: "object", required: ["perTask", "perTitle", "batchTotal"], properties: { perTask: quantiles, perTitle: quantiles, batchTotal: { type: "object" } } }],
    },
  },
} as const;

/** The document in a model file's text, or an InputError naming every problem at its line and column. */
export function parseCostModelDoc(file: string, text: string): CostModelDoc {
  const json = parseJson(file, text, "cost model (JSON written by vps calibrate)");
  const problems = jsonSchemaProblems(json, costModelSchema);
  if (problems.length > 0) {
    throw new InputError(`${file}: not a vps cost model`, problems).withLines([`${file}: not a vps cost model (write one with vps calibrate HISTORY -o ${file})`]);
  }
  return json.data as CostModelDoc;
}

/**
 * Encode work from the fitted form. The history holds encodes only, so the rest (slots, speedup
 * curve, memory, scratch, join, package, publish) stays the shipped model's — except analysis and
 * normalisation, which decode the source on the same machines and so run at the fitted machine speed.
 */
export function fittedCostModel(doc: CostModelDoc, name: string): CostModel {
  const model = { coefficients: doc.coefficients, prior: doc.prior };
  const machine = Math.exp(doc.coefficients.machine);
  return Object.freeze({
    ...defaultCostModel,
    name,
    encodeWork: (spec: EncodeSpec) => spec.seconds * workPerSecond(model, specFeatures(spec)),
    analyseWork: (content: ContentProfile) => defaultCostModel.analyseWork(content) * machine,
    normaliseWork: (content: ContentProfile) => defaultCostModel.normaliseWork(content) * machine,
  });
}

export function loadCostModelFile(path: string): CostModel {
  return fittedCostModel(parseCostModelDoc(path, readUserFile(path, "cost model")), path);
}
