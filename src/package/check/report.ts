// The check as people read it: per manifest, its rungs as measured and (HLS) its variants'
// declared rates beside the measured ones, then what was not checked. Problems are not printed
// here: the CLI hands them to GateError, one line each, as `vps verify` does.
import chalk from "chalk";
import { type Column, renderTable, UNLIMITED, wrapText } from "../../util/table";
import type { ManifestReport, RungReport } from "./judge";
import type { CheckReport, PlayedManifest } from "./run";

const kbps = (x: number | null): string => (x === null ? "—" : `${(x / 1000).toFixed(1)}`);

function media(r: RungReport): string {
  if (r.probe === null) return chalk.dim("not probed");
  if (!Array.isArray(r.probe)) return chalk.red("unreadable");
  return r.probe
    .map((s) => {
      const size = s.width && s.height ? ` ${s.width}x${s.height}` : "";
      const fps = s.fps ? ` ${Number(s.fps.toFixed(3))} fps` : "";
      const rate = s.sampleRate ? ` ${s.sampleRate / 1000} kHz` : "";
      return `${s.codec}${s.profile ? ` ${s.profile}` : ""}${size}${fps}${rate}`;
    })
    .join(", ");
}

const RUNG_COLUMNS: Column[] = [{ head: "rung" }, { head: "kind", drop: 1 }, { head: "segments" }, { head: "duration" }, { head: "media (ffprobe)", wrap: true }, { head: "peak kb/s" }, { head: "average kb/s", drop: 2 }];

function rungTable(m: ManifestReport, width: number): string {
  const rows = m.rungs.map((r) => [r.id, r.kind, r.segments, `${r.duration.toFixed(3)} s`, media(r), kbps(r.peak), kbps(r.average)]);
  return renderTable(RUNG_COLUMNS, rows, width);
}

/** The declared rates beside the measured ones stay; the averages and resolution go first at 80 columns. */
const VARIANT_COLUMNS: Column[] = [
  { head: "variant", wrap: true },
  { head: "BANDWIDTH" },
  { head: "measured peak" },
  { head: "AVERAGE-BANDWIDTH", drop: 2 },
  { head: "measured average", drop: 1 },
  { head: "CODECS", wrap: true },
  { head: "RESOLUTION", drop: 3 },
];

function variantTable(m: ManifestReport, width: number): string {
  const n = (x: number | null) => (x === null ? "—" : String(x));
  const rows = m.variants.map((v) => [v.uri, n(v.bandwidth), n(v.measuredPeak), n(v.averageBandwidth), n(v.measuredAverage), v.codecs ?? "—", v.resolution ?? "—"]);
  return renderTable(VARIANT_COLUMNS, rows, width);
}

function manifestText(m: ManifestReport, width: number): string {
  const status = m.problems.length === 0 ? chalk.green("passes") : chalk.red(`${m.problems.length} problem(s)`);
  const parts = [`${chalk.bold(m.path)} (${m.kind === "hls" ? "HLS" : "DASH"}): ${status}`, rungTable(m, width)];
  if (m.variants.length > 0) parts.push(variantTable(m, width));
  for (const n of m.notes) parts.push(chalk.dim(wrapText(`  note: ${n}`, width)));
  return parts.join("\n");
}

function playedText(p: PlayedManifest): string {
  const status = p.ok ? chalk.green("played") : chalk.red(`${p.problems.length} problem(s) in playback`);
  const lines = [`${chalk.bold(p.path)} in the browser: ${status}`];
  for (const r of p.rungs) lines.push(`  ${r.id}${r.width ? ` ${r.width}x${r.height}` : ""}: ${r.result}${r.detail ? ` (${r.detail})` : ""}`);
  for (const n of p.notes) lines.push(chalk.dim(`  note: ${n}`));
  return lines.join("\n");
}

export function formatReport(r: CheckReport, width = UNLIMITED): string {
  const source = r.source ? `source: ${r.source.duration.toFixed(3)} s${r.source.fps ? ` at ${Number(r.source.fps.toFixed(3))} fps` : ""} (${r.source.from})` : null;
  const parts = [...r.manifests.map((m) => manifestText(m, width)), ...(r.played ?? []).map((p) => wrapText(playedText(p), width))];
  if (source) parts.push(source);
  for (const n of r.notes) parts.push(chalk.dim(wrapText(`note: ${n}`, width)));
  return `${parts.join("\n\n")}\n`;
}

/** Every problem of the report, one line each: the manifests' checks, then playback. */
export function problemLines(r: CheckReport): string[] {
  return [...r.manifests.flatMap((m) => m.problems), ...(r.played ?? []).flatMap((p) => p.problems)];
}
