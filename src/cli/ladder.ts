// `vps ladder FILE...`: a per-title ladder from real trial encodes — the rungs picked for a person
// (the hull and every trial with --verbose), the whole result as JSON for tools.
// `vps ladder --fit [FILE...] -o model.json`: re-derives the rate–quality model's constants from
// trial encodes (by default on the bench's title set: the shared clips plus synthetic sources).
import { join } from "node:path";
import chalk from "chalk";
import { type Command, InvalidArgumentError } from "commander";
import { DEFAULTS as BENCH_DEFAULTS, formatRecipesBench, runRecipesBench } from "../bench/recipes";
import { defaultCacheDir } from "../content/analyse";
import { localTools } from "../util/proc/runner";
import { fitFromSources } from "../ladder/fitRun";
import { DEFAULT_EXCERPT_SECONDS } from "../ladder/grid";
import { ladderForFile, type TitleLadder } from "../ladder/ladder";
import { type RqModelDoc, shippedRqModel } from "../ladder/modelFile";
import { DEFAULT_RULES, type RungRules } from "../ladder/rungs";
import { fitSources, type TitleSource } from "../ladder/sources";
import { defaultJobs, withWorkspace } from "../ladder/trials";
import type { Rung, TrialPoint } from "../ladder/types";
import { loadRecipeDir } from "../load/recipes";
import { InputError } from "../util/errors";
import { parsePositive } from "./options";
import { emitDocument, stableJson, terminalWidth, wantsJson } from "./output";
import { showingTools, stepProgress } from "./progress";
import { type Column, renderTable, UNLIMITED, wrapText } from "../util/table";
import { loadRqModel } from "./ladders";
import { packageRoot, recipesDir } from "./paths";
import { signedPct } from "../util/format";

interface LadderFlags {
  deliverable: string;
  recipes?: string;
  preset?: string;
  seconds: number;
  spacing: "ratio" | "quality";
  minRatio: number;
  stepDb: number;
  bottomKbps: number;
  jobs?: number;
  json?: boolean;
  table?: boolean;
  verbose?: boolean;
  cache?: string | false;
  model?: string;
  fit?: boolean;
  output?: string;
  media?: string;
}

/** Trials are meant to be short: a longer excerpt is a mistake, not a wish (25 encodes of it). */
const MAX_EXCERPT_SECONDS = 30;

function parseSeconds(value: string): number {
  const n = parsePositive(value);
  if (n > MAX_EXCERPT_SECONDS) throw new InvalidArgumentError(`expected at most ${MAX_EXCERPT_SECONDS} seconds of excerpt, found "${value}"`);
  return n;
}

function parseRatio(value: string): number {
  const n = parsePositive(value);
  if (n <= 1) throw new InvalidArgumentError(`expected a bitrate ratio above 1 (1.5 = rungs 50% apart), found "${value}"`);
  return n;
}

function parseSpacing(value: string): "ratio" | "quality" {
  if (value === "ratio" || value === "quality") return value;
  throw new InvalidArgumentError(`expected ratio or quality, found "${value}"`);
}

const parseJobs = (v: string): number => Math.max(1, Math.round(parsePositive(v)));

function rulesOf(f: LadderFlags): RungRules {
  const spacing = f.spacing === "quality" ? { kind: "quality" as const, stepDb: f.stepDb } : { kind: "ratio" as const, minRatio: f.minRatio };
  return { ...DEFAULT_RULES, spacing, bottomKbps: f.bottomKbps };
}

/** The shared clips, beside the package as in `vps bench cost` (../shared/data/media). */
export const defaultMediaDir = (): string => join(packageRoot(), "..", "shared", "data", "media");

const kbps = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} Mb/s` : `${Math.round(x)} kb/s`);
function rungTable(rungs: readonly Rung[], predicted: readonly Rung[] | null, width: number): string {
  const rows = rungs.map((r) => [r.name, `${r.width}x${r.height}`, kbps(r.kbps), `${r.psnr.toFixed(2)} dB`]);
  const model = predicted && predicted.length > 0 ? `\n${wrapText(`the rate–quality model alone predicts: ${predicted.map((r) => `${r.name} ${kbps(r.kbps)}`).join(", ")}`, width)}` : "";
  return renderTable(["rung", "size", "bitrate", "PSNR-Y (trials)"], rows, width) + model;
}

function pointTable(title: string, points: readonly TrialPoint[], width: number): string {
  const rows = points.map((p) => [`${p.width}x${p.height}`, p.crf, kbps(p.kbps), `${p.psnr.toFixed(2)} dB`, p.ssim === null ? "—" : p.ssim.toFixed(4)]);
  return `${chalk.bold(title)}\n${renderTable(["size", "CRF", "bitrate", "PSNR-Y", { head: "SSIM-Y", drop: 1 }], rows, width)}`;
}

export function formatLadder(l: TitleLadder, verbose: boolean, width = UNLIMITED): string {
  const head =
    `${chalk.bold(l.file)} — ${chalk.green(l.contentClass)} (complexity ${l.complexity.toFixed(2)}), ${l.source.width}x${l.source.height} ${l.source.fps} fps; ` +
    `recipe ${l.recipe}, ${l.encoder.encoder} preset ${l.encoder.preset}\n` +
    `${l.trials.length} trials on ${l.excerpt.seconds} s from ${l.excerpt.start} s (${l.excerpt.frames} frames); ${l.hull.length} on the hull; ` +
    `caps: top ${kbps(l.caps.topKbps)}, ${l.caps.maxRungs} rungs`;
  const parts = [wrapText(head, width), rungTable(l.rungs, l.predicted, width)];
  if (verbose) parts.push(pointTable("hull", l.hull, width), pointTable("trials", l.trials, width));
  return parts.join("\n") + "\n";
}

async function runLadder(files: string[], flags: LadderFlags): Promise<void> {
  if (files.length === 0) throw new InputError("vps ladder: name at least one video file (or use --fit)");
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const model = loadRqModel(flags.model);
  const cacheDir = flags.cache === false ? null : (flags.cache ?? defaultCacheDir());
  const progress = stepProgress("vps ladder", files.length, "files");
  const opts = {
    deliverable: flags.deliverable,
    book,
    preset: flags.preset ?? null,
    excerptSeconds: flags.seconds,
    rules: rulesOf(flags),
    tools: showingTools(localTools, progress),
    cacheDir,
    jobs: flags.jobs ?? defaultJobs(),
    model,
  };
  const ladders: TitleLadder[] = [];
  try {
    for (const file of files) {
      ladders.push(await ladderForFile(file, opts));
      progress.step();
    }
  } finally {
    progress.stop();
  }
  if (wantsJson(flags.json, flags.table)) process.stdout.write(stableJson(ladders));
  else for (const l of ladders) process.stdout.write(formatLadder(l, flags.verbose === true, terminalWidth()));
}

function fitCommand(files: string[], flags: LadderFlags): string {
  const parts = ["vps ladder --fit", ...files];
  if (flags.deliverable !== "h264-sdr") parts.push("--deliverable", flags.deliverable);
  if (flags.preset) parts.push("--preset", flags.preset);
  if (flags.seconds !== DEFAULT_EXCERPT_SECONDS) parts.push("--seconds", String(flags.seconds));
  if (flags.output) parts.push("-o", flags.output);
  return parts.join(" ");
}

/** At 80 columns the fit's inputs go first: the errors are what a reader of a fit came for. */
const FIT_COLUMNS: (string | Column)[] = [
  { head: "title", wrap: true },
  { head: "class", drop: 4 },
  { head: "complexity", drop: 2 },
  { head: "detail", drop: 1 },
  { head: "size", drop: 3 },
  { head: "points", drop: 5 },
  "RMSE (fitted)",
  "RMSE (held out)",
  "ladder gap (held out)",
];

export function formatFit(doc: RqModelDoc, width = UNLIMITED): string {
  const rows = doc.fit.titles.map((x) => {
    const held = x.heldOutRmseDb === null ? "—" : `${x.heldOutRmseDb.toFixed(2)} dB`;
    return [x.title, x.contentClass, x.complexity.toFixed(3), x.detail.toFixed(3), `${x.width}x${x.height}`, x.points, `${x.rmseDb.toFixed(2)} dB`, held, signedPct(x.heldOutLadderGap)];
  });
  const t = renderTable(FIT_COLUMNS, rows, width);
  const gap = doc.fit.heldOutLadderGap;
  const gapLine = gap
    ? `ladder gap on held-out titles (BD-rate of the predicted ladder against the trials' own, on the title's trial curves): mean ${signedPct(gap.mean)}, median ${signedPct(gap.median)}, worst ${signedPct(gap.worst)}\n`
    : "";
  const params = Object.entries(doc.params).map(([k, v]) => `${k} ${v}`).join(", ");
  const before = `${chalk.bold("vps ladder --fit")} — ${doc.deliverable} (${doc.encoder}, preset ${doc.preset}), ${doc.fit.points} trial points of ${doc.fit.titles.length} titles\n${doc.formula}\n${params}`;
  const after = `PSNR-Y RMSE ${doc.fit.rmseDb.toFixed(2)} dB fitted, ${doc.fit.heldOutRmseDb === null ? "—" : `${doc.fit.heldOutRmseDb.toFixed(2)} dB`} on titles held out (leave one title out)\n${gapLine}`;
  return `${wrapText(before, width)}\n${t}\n${wrapText(after, width)}`;
}

async function runFit(files: string[], flags: LadderFlags): Promise<void> {
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const jobs = flags.jobs ?? defaultJobs();
  const doc = await withWorkspace(localTools, jobs, async (ws) => {
    const sources: TitleSource[] = files.length > 0 ? files.map((file) => ({ name: file, file, synthetic: false })) : await fitSources(ws.dir, flags.media ?? defaultMediaDir(), flags.seconds, localTools);
    const progress = stepProgress("vps ladder --fit", sources.length, "titles");
    return fitFromSources(sources, {
      deliverable: flags.deliverable,
      book,
      preset: flags.preset ?? null,
      excerptSeconds: flags.seconds,
      tools: showingTools(localTools, progress),
      cacheDir: flags.cache === false ? null : (flags.cache ?? defaultCacheDir()),
      jobs,
      command: fitCommand(files, flags),
      onTitle: (name, n) => {
        progress.log(`vps ladder --fit: ${name}: ${n} trial points`);
        progress.step();
      },
    }).finally(() => progress.stop());
  });
  emitDocument(doc, flags, () => formatFit(doc, terminalWidth()));
}

export function registerLadder(program: Command): void {
  program
    .command("ladder")
    .description("per-title ladder from short real trial encodes: rate–quality hull and the rungs picked from it (--fit: re-derive the rate–quality model)")
    .argument("[files...]", "video files (with --fit: the titles to fit on; default the bench set)")
    .option("--deliverable <id>", "the deliverable whose recipe encodes the trials", "h264-sdr")
    .option("--recipes <dir>", "recipe library (default: the shipped recipes/)")
    .option("--preset <name>", "encoder preset for every trial (default: the recipe's)")
    .option("--seconds <s>", `excerpt length in seconds, centred in the file (at most ${MAX_EXCERPT_SECONDS})`, parseSeconds, DEFAULT_EXCERPT_SECONDS)
    .option("--spacing <rule>", "rung spacing: ratio (bitrates at least --min-ratio apart) or quality (every --step-db of PSNR)", parseSpacing, "ratio")
    .option("--min-ratio <r>", "smallest bitrate ratio between neighbouring rungs", parseRatio, 1.5)
    .option("--step-db <db>", "PSNR step between rungs with --spacing quality", parsePositive, 2)
    .option("--bottom-kbps <k>", "bitrate of the lowest rung, unless the hull starts higher", parsePositive, DEFAULT_RULES.bottomKbps)
    .option("--jobs <n>", "encodes run side by side (default: cores, at most 4)", parseJobs)
    .option("--json", "print JSON (the default when stdout is not a terminal)")
    .option("--table", "print tables even when stdout is not a terminal")
    .option("--verbose", "also print the hull and every trial point")
    .option("--cache <dir>", "analysis cache directory (default: $VPS_CACHE_DIR, else ~/.cache/vps)")
    .option("--no-cache", "neither read nor write the analysis cache")
    .option("--model <file>", "rate–quality model for the predicted ladder shown beside the measured one (default: the shipped recipes/rq-model.json)")
    .option("--fit", "fit the rate–quality model to the trials of FILES (default: the bench's titles and more synthetic ones, FIT_EXTRA in src/ladder/sources.ts) instead of printing ladders")
    .option("-o, --output <file>", "(--fit) write the model document here (written whole, or not at all)")
    .option("--media <dir>", "(--fit without files) the shared clips (default: ../shared/data/media beside the package)")
    .action((files: string[], flags: LadderFlags) => (flags.fit ? runFit(files, flags) : runLadder(files, flags)));
}

interface RecipesBenchFlags {
  json?: boolean;
  preset?: string;
  seconds?: number;
  jobs?: number;
  media?: string;
}

/** `vps bench recipes [FILES...]` (registered in bench.ts): progress on stderr, the report on stdout. */
export async function runRecipesBenchCommand(files: string[], flags: RecipesBenchFlags): Promise<void> {
  const report = await runRecipesBench(files, flags.media ?? defaultMediaDir(), {
    book: loadRecipeDir(recipesDir()),
    preset: flags.preset ?? BENCH_DEFAULTS.preset,
    excerptSeconds: Math.min(MAX_EXCERPT_SECONDS, flags.seconds ?? BENCH_DEFAULTS.excerptSeconds),
    rules: BENCH_DEFAULTS.rules,
    model: shippedRqModel(),
    tools: localTools,
    jobs: flags.jobs ?? defaultJobs(),
    onClip: (c) => process.stderr.write(`bench recipes: ${c.name}: ${c.note ?? `BD-rate ${c.bdRate === null ? "—" : `${(c.bdRate * 100).toFixed(1)}%`}`}\n`),
  });
  process.stdout.write(flags.json ? stableJson(report) : formatRecipesBench(report));
}
