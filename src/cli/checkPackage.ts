// `vps check-package DIR`: validates an HLS/DASH package — vps's or another tool's — against its
// own manifests: every file there, segment durations within the limit, rungs as long as each other
// and the source, BANDWIDTH at least the measured peak, codecs and sizes as ffprobe reads them;
// with --play, played in headless Chromium. Exit 0 all pass, 1 a check failed, 2 no usable
// package, 3 ffprobe or Chromium missing.
import type { Command } from "commander";
import { formatReport, problemLines } from "../package/check/report";
import { checkPackage } from "../package/check/run";
import { GateError } from "../util/errors";
import { localTools } from "../util/proc/runner";
import { stableJson, terminalWidth } from "./output";

interface CheckPackageFlags {
  json?: boolean;
  play?: boolean;
  source?: string;
}

export async function runCheckPackage(target: string, flags: CheckPackageFlags): Promise<void> {
  // Loaded only when asked for: puppeteer is large and most runs never start a browser.
  const play = flags.play ? (await import("../package/check/play/play")).playPackage : undefined;
  const report = await checkPackage(target, { source: flags.source, play }, localTools);
  process.stdout.write(flags.json ? stableJson(report) : formatReport(report, terminalWidth()));
  const problems = problemLines(report);
  if (!report.ok) throw new GateError(`${target}: ${problems.length} problem(s)`, problems.map((p) => `  ${p}`));
  if (!flags.json) {
    const rungs = report.manifests.reduce((n, m) => n + m.rungs.length, 0);
    process.stdout.write(`${target}: every check passed — ${report.manifests.length} manifest(s), ${rungs} rung(s)${report.played ? ", played in the browser" : ""}\n`);
  }
}

export function registerCheckPackage(program: Command): void {
  program
    .command("check-package")
    .description("validate an HLS/DASH package: files, segment durations, rung durations, BANDWIDTH, codecs and sizes; --play plays it in headless Chromium")
    .argument("<dir>", "the package dir (its top-level *.m3u8 masters and *.mpd), or one manifest file")
    .option("--play", "also play every manifest in headless Chromium (VPS_CHROMIUM, else chromium on PATH)")
    .option("--source <file>", "the source video whose duration the rungs must match (default: title.json's source.duration)")
    .option("--json", "print the report as JSON")
    .action((dir: string, flags: CheckPackageFlags) => runCheckPackage(dir, flags));
}
