// `vps calibrate HISTORY`: read a history of observed runs → fit and cross-validate → print the
// accuracy (a table, or the model document as JSON) and write the model file (`-o`), whole or not at all.
import chalk from "chalk";
import { type Command, InvalidArgumentError } from "commander";
import { calibrate, type CostModelDoc } from "../cost/calibrate";
import { specFeatures, workPerSecond } from "../cost/fit";
import { loadHistoryFile } from "../cost/history";
import type { Codec } from "../model";
import { parseSeed } from "./options";
import { emitDocument, terminalWidth } from "./output";
import { renderTable, UNLIMITED, wrapText } from "../util/table";
import { pct } from "../util/format";

interface CalibrateFlags {
  json?: boolean;
  table?: boolean;
  output?: string;
  folds: number;
  seed: number;
}

function parseFolds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 2 || n > 100) throw new InvalidArgumentError(`expected a whole number of folds from 2 to 100, found "${value}"`);
  return n;
}

/** Rejected rows and ignored columns go to stderr, so JSON on stdout stays clean. */
function reportLoad(problems: string[], warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`vps: warning: ${w}\n`);
  for (const p of problems.slice(0, 20)) process.stderr.write(`vps: skipped: ${p}\n`);
  if (problems.length > 20) process.stderr.write(`vps: skipped: … and ${problems.length - 20} more problems\n`);
}

/** Work per second of a plain 1080p30 encode at the codec's most used preset: what a reader can compare. */
function level(doc: CostModelDoc, codec: string): number {
  const presets = Object.entries(doc.training.presets).filter(([k]) => k.startsWith(`${codec}/`));
  const preset = presets.sort((a, b) => b[1] - a[1])[0]?.[0].slice(codec.length + 1) ?? "medium";
  const rendition = { name: "1080p", width: 1920, height: 1080, bitrateKbps: 0 };
  const content = { duration: 1, width: 1920, height: 1080, fps: 30, bitDepth: 8, hdr: "sdr" as const, contentClass: "generic" as const, complexity: 0.5, source: null };
  const f = specFeatures({ codec: codec as Codec, preset, bitDepth: 8, rendition, content, seconds: 1 });
  return workPerSecond({ coefficients: doc.coefficients, prior: doc.prior }, f);
}

export function formatCalibration(doc: CostModelDoc, width = UNLIMITED): string {
  const t = doc.training;
  const head = `${chalk.bold("vps calibrate")} — ${t.source}: ${t.runs} runs of ${t.videos} videos${t.skippedRows ? `, ${t.skippedRows} rows skipped` : ""}; model ${doc.form}`;
  const cv = doc.crossValidation;
  if (!cv) return `${head}\nno cross-validation: it needs runs of at least two videos\n`;
  const acc = renderTable(
    ["absolute error", "median", "p90"],
    [
      ["per task", pct(cv.perTask.median), pct(cv.perTask.p90)],
      ["per title (video)", pct(cv.perTitle.median), pct(cv.perTitle.p90)],
      [`batch total (${cv.folds} held-out batches)`, pct(cv.batchTotal.median), `${pct(cv.batchTotal.p90)} (max ${pct(cv.batchTotal.max)})`],
    ],
    width,
  );
  const c = doc.coefficients;
  const codecRows = Object.entries(t.codecs).map(([codec, runs]) => [codec, runs, level(doc, codec).toFixed(2), (c.sizeExponent[codec] ?? 0).toFixed(2), (c.rateExponent[codec] ?? 0).toFixed(2)]);
  const codecs = renderTable(["codec", "runs", "slot-s per s, 1080p30", { head: "size exp.", drop: 2 }, { head: "rate exp.", drop: 1 }], codecRows, width);
  const lines = `${head}\n${cv.folds}-fold cross-validation holding out whole videos (seed ${cv.seed})`;
  return `${wrapText(lines, width)}\n${acc}\n${codecs}\n`;
}

export function runCalibrate(file: string, flags: CalibrateFlags): void {
  const history = loadHistoryFile(file);
  reportLoad(history.problems, history.warnings);
  const doc = calibrate(history.rows, { source: file, folds: flags.folds, seed: flags.seed, skippedRows: history.problems.length });
  emitDocument(doc, flags, () => formatCalibration(doc, terminalWidth()));
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("fit the cost model to a history of observed runs (CSV or NDJSON) and report its accuracy on held-out videos")
    .argument("<history>", "runs: CSV with a header row, or NDJSON (.ndjson/.jsonl); the columns are in src/cost/README.md")
    .option("--json", "print the model document as JSON (the default when stdout is not a terminal)")
    .option("--table", "print the accuracy table even when stdout is not a terminal")
    .option("-o, --output <file>", "write the model file for --cost-model (written whole, or not at all)")
    .option("--folds <k>", "cross-validation folds; each holds out whole videos", parseFolds, 5)
    .option("--seed <n>", "seed of the assignment of videos to folds", parseSeed, 42)
    .action((file: string, flags: CalibrateFlags) => runCalibrate(file, flags));
}
