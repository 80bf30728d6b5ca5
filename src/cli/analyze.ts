// `vps analyze FILE...`: measure each file with ffprobe/ffmpeg and print its content profile — a
// table per file on a terminal, a JSON array otherwise. Every file is tried, so one run names every
// bad one (`file: message` on stderr); but a rejected input writes no output: when any file fails,
// stdout stays empty and the exit code says what went wrong (2 a bad input, 3 ffmpeg missing or
// failing). The good files' analyses are cached, so the run after the fix starts no ffmpeg for them.
import chalk from "chalk";
import type { Command } from "commander";
import { analyseFiles, defaultCacheDir, type FileOutcome } from "../content/analyse";
import type { Analysis } from "../content/types";
import { ExternalError, InputError } from "../util/errors";
import { type Column, renderTable, UNLIMITED } from "../util/table";
import { localTools } from "../util/proc/runner";
import { stableJson, terminalWidth, wantsJson } from "./output";
import { showingTools, stepProgress } from "./progress";

interface AnalyzeFlags {
  json?: boolean;
  table?: boolean;
  /** A directory from --cache DIR, false from --no-cache, undefined for the default. */
  cache?: string | false;
}

const num = (x: number, digits = 1) => x.toFixed(digits);

function audioText(a: Analysis): string {
  if (!a.audio) return chalk.dim("none");
  const rate = a.audio.sampleRate ? ` ${num(a.audio.sampleRate / 1000)} kHz` : "";
  const more = a.audio.streams > 1 ? ` (+${a.audio.streams - 1} more)` : "";
  return `${a.audio.codec}, ${a.audio.channels} ch${rate}${more}`;
}

function analysedText(a: Analysis): string {
  const m = a.measurement;
  const where = a.sampled ? `${m.windows.length} windows × ${num(m.windows[0]?.seconds ?? 0)} s (sampled)` : "whole file";
  return `${m.framesAnalysed} frames, ${where}, at ${m.analysisWidth}x${m.analysisHeight}`;
}

const ANALYSIS_COLUMNS: Column[] = [{ head: "" }, { head: "", wrap: true }];

/** One file's profile as a two-column table: what it is, what was measured, what it was classed as and why. */
export function formatAnalysis(a: Analysis, width = UNLIMITED): string {
  const p = a.probe;
  const f = a.features;
  const hdr = p.hdr === "sdr" ? "SDR" : chalk.magenta(p.hdr.toUpperCase());
  const rows = [
    ["duration", `${num(p.duration, 2)} s`],
    ["video", `${p.codec}, ${p.width}x${p.height}, ${p.interlaced ? `interlaced (${p.fieldOrder})` : "progressive"}`],
    ["frame rate", `${num(p.fps, 3)} fps${p.variableFrameRate ? chalk.yellow(" (variable)") : ""}`],
    ["bit depth", `${p.bitDepth}-bit ${p.pixelFormat}`],
    ["HDR", `${hdr}${p.colorPrimaries ? `, primaries ${p.colorPrimaries}` : ""}`],
    ["audio", audioText(a)],
    ["SI mean / max", `${num(f.siMean)} / ${num(f.siMax)}`],
    ["TI mean / max", `${num(f.tiMean)} / ${num(f.tiMax)}`],
    ["cuts / min", num(f.cutsPerMinute)],
    ["stillness", `${num(f.stillFrameShare * 100, 0)}% frozen frames, ${num(f.staticPixelShare * 100, 0)}% static pixels`],
    ["edges, noise", `edge width ${f.edgeWidth === null ? "—" : `${num(f.edgeWidth, 2)} px`}, noise floor ${num(f.noiseFloor, 2)}`],
    ["complexity", num(a.profile.complexity, 2)],
    ["class", chalk.bold.green(a.classification.contentClass)],
    ["because", a.classification.reasons.join("\n")],
    ["analysed", analysedText(a)],
  ];
  if (a.warnings.length > 0) rows.push(["warnings", chalk.yellow(a.warnings.join("\n"))]);
  return `${chalk.bold(a.file)}\n${renderTable(ANALYSIS_COLUMNS, rows, width)}`;
}

/** The line for a failed file: its name, then the reason (unless the reason already names it). */
function errorLine(o: { file: string; error: Error }): string {
  return o.error.message.startsWith(`${o.file}:`) ? o.error.message : `${o.file}: ${o.error.message}`;
}

function isError(o: FileOutcome): o is { file: string; error: Error } {
  return "error" in o;
}

export async function runAnalyze(files: string[], flags: AnalyzeFlags): Promise<void> {
  const cacheDir = flags.cache === false ? null : (flags.cache ?? defaultCacheDir());
  const progress = stepProgress("vps analyze", files.length, "files");
  const tools = showingTools(localTools, progress);
  const outcomes = await analyseFiles(files, { cacheDir, tools }, 2, () => progress.step()).finally(() => progress.stop());
  const analyses = outcomes.flatMap((o) => ("analysis" in o ? [o.analysis] : []));
  const failures = outcomes.filter(isError);
  // Anything that is neither a user error nor a tool error is a bug: let the entry point print its stack.
  const bug = failures.find((o) => !(o.error instanceof InputError) && !(o.error instanceof ExternalError));
  if (bug) throw bug.error;
  if (failures.length === 0) {
    if (wantsJson(flags.json, flags.table)) process.stdout.write(stableJson(analyses));
    else for (const a of analyses) process.stdout.write(`${formatAnalysis(a, terminalWidth())}\n`);
    return;
  }
  for (const o of failures) process.stderr.write(`${errorLine(o)}\n`);
  const summary = `analyze: ${failures.length} of ${files.length} file(s) could not be analysed`;
  if (failures.some((o) => o.error instanceof ExternalError)) throw new ExternalError(summary);
  throw new InputError(summary);
}

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("measure video files with ffprobe/ffmpeg: format, SI/TI, scene cuts, noise, and a content class with the features that decided it")
    .argument("<files...>", "video files")
    .option("--json", "print a JSON array of analyses (the default when stdout is not a terminal)")
    .option("--table", "print tables even when stdout is not a terminal")
    .option("--cache <dir>", "analysis cache directory (default: $VPS_CACHE_DIR, else ~/.cache/vps)")
    .option("--no-cache", "neither read nor write the analysis cache")
    .action((files: string[], flags: AnalyzeFlags) => runAnalyze(files, flags));
}
