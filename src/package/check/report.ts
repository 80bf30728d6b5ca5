// The check as people read it: per manifest, its rungs as measured and (HLS) its variants'
// declared rates beside the measured ones, then what was not checked. Problems are not printed
// here: the CLI hands them to GateError, one line each, as `vps verify` does.
import chalk from "chalk";
import Table from "cli-table3";
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

// No rule between rows: each table reads as one block.
const COMPACT = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };
const table = (head: string[]): Table.Table => new Table({ head: head.map((h) => chalk.bold(h)), style: { head: [], border: [] }, chars: COMPACT });

function rungTable(m: ManifestReport): string {
  const t = table(["rung", "kind", "segments", "duration", "media (ffprobe)", "peak kb/s", "average kb/s"]);
  for (const r of m.rungs) t.push([r.id, r.kind, String(r.segments), `${r.duration.toFixed(3)} s`, media(r), kbps(r.peak), kbps(r.average)]);
  return t.toString();
}

function variantTable(m: ManifestReport): string {
  const t = table(["variant", "BANDWIDTH", "measured peak", "AVERAGE-BANDWIDTH", "measured average", "CODECS", "RESOLUTION"]);
  const n = (x: number | null) => (x === null ? "—" : String(x));
  for (const v of m.variants) t.push([v.uri, n(v.bandwidth), n(v.measuredPeak), n(v.averageBandwidth), n(v.measuredAverage), v.codecs ?? "—", v.resolution ?? "—"]);
  return t.toString();
}

function manifestText(m: ManifestReport): string {
  const status = m.problems.length === 0 ? chalk.green("passes") : chalk.red(`${m.problems.length} problem(s)`);
  const parts = [`${chalk.bold(m.path)} (${m.kind === "hls" ? "HLS" : "DASH"}): ${status}`, rungTable(m)];
  if (m.variants.length > 0) parts.push(variantTable(m));
  for (const n of m.notes) parts.push(chalk.dim(`  note: ${n}`));
  return parts.join("\n");
}

function playedText(p: PlayedManifest): string {
  const status = p.ok ? chalk.green("played") : chalk.red(`${p.problems.length} problem(s) in playback`);
  const lines = [`${chalk.bold(p.path)} in the browser: ${status}`];
  for (const r of p.rungs) lines.push(`  ${r.id}${r.width ? ` ${r.width}x${r.height}` : ""}: ${r.result}${r.detail ? ` (${r.detail})` : ""}`);
  for (const n of p.notes) lines.push(chalk.dim(`  note: ${n}`));
  return lines.join("\n");
}

export function formatReport(r: CheckReport): string {
  const source = r.source ? `source: ${r.source.duration.toFixed(3)} s${r.source.fps ? ` at ${Number(r.source.fps.toFixed(3))} fps` : ""} (${r.source.from})` : null;
  const parts = [...r.manifests.map(manifestText), ...(r.played ?? []).map(playedText)];
  if (source) parts.push(source);
  for (const n of r.notes) parts.push(chalk.dim(`note: ${n}`));
  return `${parts.join("\n\n")}\n`;
}

/** Every problem of the report, one line each: the manifests' checks, then playback. */
export function problemLines(r: CheckReport): string[] {
  return [...r.manifests.flatMap((m) => m.problems), ...(r.played ?? []).flatMap((p) => p.problems)];
}
