// `--ladders recipe|per-title` and `--rq-model FILE` of `vps plan`, `simulate`, `forecast` and
// `recipes explain`: whether titles encode their recipe's fixed ladder or one predicted per title
// by the rate–quality model (src/ladder/perTitle.ts). Models are read and checked before anything
// is planned or written.
import { type Command, InvalidArgumentError } from "commander";
import { checkRqModel, type RqModelDoc, shippedRqModel } from "../ladder/modelFile";
import { withPerTitleLadders } from "../ladder/perTitle";
import { readUserFile } from "../load/read";
import { parseJson } from "../load/json";
import type { LadderSummary, RecipeBook, Workload } from "../model";
import { InputError } from "../util/errors";

export type LadderModeName = "recipe" | "per-title";

export interface LadderModeFlags {
  ladders?: LadderModeName;
  /** Files from --rq-model (repeatable); the shipped model without any. */
  rqModel?: string[];
}

/** A rate–quality model document from a file (`vps ladder --fit -o FILE`), checked; the shipped one without a path. */
export function loadRqModel(path: string | undefined): RqModelDoc {
  if (!path) return shippedRqModel();
  return parseRqModelText(path, readUserFile(path, "rate–quality model"));
}

/** A rate–quality model document from a file's text, checked: every problem at its line and column. */
export function parseRqModelText(file: string, text: string): RqModelDoc {
  const json = parseJson(file, text, "rate–quality model (JSON written by vps ladder --fit)");
  return checkRqModel(json.data, file, json.source);
}

function parseLadderMode(value: string): LadderModeName {
  if (value === "recipe" || value === "per-title") return value;
  throw new InvalidArgumentError(`expected recipe (each recipe's fixed ladder) or per-title (predicted by the rate–quality model), found "${value}"`);
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addLadderOptions(cmd: Command): Command {
  return cmd
    .option(
      "--ladders <mode>",
      "recipe: every title encodes its recipe's ladder; per-title: a ladder predicted for each title from its content by the rate–quality model (deliverables whose encoder no model covers, HDR deliverables and screen content keep the recipe's)",
      parseLadderMode,
    )
    .option("--rq-model <file>", "rate–quality model for --ladders per-title, from `vps ladder --fit -o FILE`; repeat for other encoders (default: the shipped recipes/rq-model.json)", collect);
}

/** Reads the models the flags name; null when ladders stay the recipes'. */
export function ladderModelsOf(flags: LadderModeFlags): RqModelDoc[] | null {
  if (flags.ladders !== "per-title") {
    if (flags.rqModel?.length) throw new InputError("--rq-model only applies with --ladders per-title");
    return null;
  }
  if (!flags.rqModel?.length) return [shippedRqModel()];
  const models = flags.rqModel.map(loadRqModel);
  // Two models for one encoder would leave which one decides to argument order: say so instead.
  models.forEach((m, i) => {
    const first = models.findIndex((x) => x.encoder === m.encoder);
    if (first !== i) throw new InputError(`${flags.rqModel![i]}: a second rate–quality model for ${m.encoder} (${flags.rqModel![first]} is one already): give one per encoder`);
  });
  return models;
}

/** The workload as it will be planned (per-title ladders attached when asked), and what they change. */
export function withLadders(workload: Workload, book: RecipeBook, models: RqModelDoc[] | null): { workload: Workload; ladders?: LadderSummary } {
  if (models === null) return { workload };
  const { workload: laddered, summary } = withPerTitleLadders(workload, book, models);
  return { workload: laddered, ladders: summary };
}
