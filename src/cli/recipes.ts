// `vps recipes explain workload.yaml`: which recipe each title got for each deliverable and why,
// the ladder after the format constraints, and the normalisation its source needs. Source files
// are measured as `vps plan` measures them (same cache). A table per title for people, JSON for tools.
import chalk from "chalk";
import { type Column, renderTable, UNLIMITED, wrapText } from "../util/table";
import type { Command } from "commander";
import { explainWorkload, type DeliverableExplanation, type TitleExplanation } from "../encode/explain";
import { loadRecipeDir } from "../load/recipes";
import { loadMeasuredWorkload } from "../load/sources";
import { addLadderOptions, ladderModelsOf, type LadderModeFlags, withLadders } from "./ladders";
import { fpsText } from "../util/format";
import { stableJson, terminalWidth, wantsJson } from "./output";
import { recipesDir } from "./paths";
import { addCacheOptions, cacheDirOf, type SourceFlags } from "./plan";

interface ExplainFlags extends SourceFlags {
  recipes?: string;
  json?: boolean;
  table?: boolean;
}

const settingsText = (s: Record<string, string | number | boolean>) =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");

function ladderText(d: DeliverableExplanation): string {
  const psnr = (r: DeliverableExplanation["ladder"][number]) => (r.psnr === undefined ? "" : `, ${r.psnr.toFixed(1)} dB`);
  const from = d.ladderFrom === "per-title" ? [chalk.dim("per title (rate–quality model):")] : [];
  const kept = d.ladder.map((r) => `${r.name} ${r.bitrateKbps} kb/s${psnr(r)}${r.output && r.output !== `${r.width}x${r.height}` ? ` (${r.output})` : ""}`);
  // Every rung is dropped for the same reason (above the source): one line says so.
  const dropped = d.dropped.length === 0 ? [] : [chalk.dim(`dropped ${d.dropped.map((r) => r.name).join(", ")}: ${d.dropped[0]!.reason}`)];
  return [...from, ...kept, ...dropped].join("\n");
}

function headline(t: TitleExplanation): string {
  const c = t.content;
  const from = c.from === "written" && c.measuredClass !== null && c.measuredClass !== c.class ? `written; measured ${c.measuredClass}` : c.from;
  const facts = `${c.size}, ${fpsText(c.fps)} fps, ${c.bitDepth}-bit ${c.hdr.toUpperCase()}${t.chunks > 1 ? `, ${t.chunks} chunks` : ""}`;
  const lines = [`${chalk.bold(t.title)} — ${chalk.green(c.class)} (${from})${t.source ? ` from ${t.source}` : ""}: ${facts}`];
  for (const r of c.from === "measured" ? c.reasons : []) lines.push(`  because ${r}`);
  for (const n of t.normalise) lines.push(chalk.yellow(`  normalise first: ${n}`));
  return lines.join("\n");
}

/** Every column wraps (reasons, settings and ladders are prose); the least read go first at 80 columns. */
const EXPLAIN_COLUMNS: Column[] = [
  { head: "deliverable" },
  { head: "recipe and why", wrap: true },
  { head: "settings", wrap: true },
  { head: "ladder", wrap: true, drop: 3 },
  { head: "constraints", wrap: true, drop: 1 },
  { head: "downgrades", wrap: true, drop: 2 },
];

export function formatExplanation(titles: readonly TitleExplanation[], width = UNLIMITED): string {
  return titles
    .map((t) => {
      const rows = t.deliverables.map((d) => [
        d.deliverable,
        `${d.recipe.id}, ${d.recipe.encoder} ${d.recipe.preset}: ${d.recipe.reason}`,
        settingsText(d.recipe.settings),
        ladderText(d),
        d.constraints.join("\n") || chalk.dim("—"),
        d.downgrades.join("\n"),
      ]);
      return `${wrapText(headline(t), width)}\n${renderTable(EXPLAIN_COLUMNS, rows, width)}\n`;
    })
    .join("\n");
}

export async function runExplain(file: string, flags: ExplainFlags & LadderModeFlags): Promise<void> {
  const rqModels = ladderModelsOf(flags);
  const book = loadRecipeDir(flags.recipes ?? recipesDir());
  const m = await loadMeasuredWorkload(file, book, { cacheDir: cacheDirOf(flags) });
  const { workload } = withLadders(m.workload, book, rqModels);
  const titles = explainWorkload({ titles: workload.titles, book, sources: m.sources, analyses: m.analyses, classFrom: m.classFrom });
  if (wantsJson(flags.json, flags.table)) process.stdout.write(stableJson({ titles, warnings: m.warnings }));
  else process.stdout.write(formatExplanation(titles, terminalWidth()));
  for (const w of m.warnings) process.stderr.write(`vps: warning: ${w}\n`);
}

export function registerRecipes(program: Command): void {
  const recipes = program.command("recipes").description("the recipe library: which recipe each title gets, and why");
  const explain = recipes
    .command("explain")
    .description("per title and deliverable: content class and what decided it, recipe and reason, settings, the ladder after constraints, normalisation")
    .argument("<workload>", "workload YAML file")
    .option("--recipes <dir>", "recipe library directory (default: the shipped recipes/)")
    .option("--json", "print JSON (the default when stdout is not a terminal)")
    .option("--table", "print tables even when stdout is not a terminal");
  addLadderOptions(addCacheOptions(explain)).action((file: string, flags: ExplainFlags & LadderModeFlags) => runExplain(file, flags));
}
