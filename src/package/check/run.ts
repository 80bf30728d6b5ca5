// `vps check-package` without the CLI: read the package, gather the facts about its files, judge
// every manifest, and (when asked) play it in a browser. Read → measure → judge → report.
import type { ToolRunner } from "../../util/proc/runner";
import { gatherFacts } from "./gather";
import { judgeManifest, type ManifestReport } from "./judge";
import { loadPackage, type Package } from "./load";
import { lookUpSource } from "./source";
import type { SourceFacts } from "./types";

export interface CheckReport {
  ok: boolean;
  /** The package dir. */
  package: string;
  source: SourceFacts | null;
  notes: string[];
  manifests: ManifestReport[];
  played?: PlayedManifest[];
}

/** One manifest played in the browser (src/package/check/play). */
export interface PlayedManifest {
  path: string;
  ok: boolean;
  problems: string[];
  notes: string[];
  rungs: { id: string; width: number | null; height: number | null; result: "decoded" | "not playable in this browser" | "failed"; detail: string }[];
}

/** Plays a package's manifests, given what the checks found of each (sizes, kinds, durations). */
export type Player = (pkg: Package, reports: ManifestReport[]) => Promise<PlayedManifest[]>;

export interface CheckOptions {
  /** A source file to hold durations to (overrides title.json). */
  source?: string;
  /** Plays each manifest when given. */
  play?: Player;
}

export async function checkPackage(target: string, options: CheckOptions, run: ToolRunner): Promise<CheckReport> {
  const pkg = await loadPackage(target);
  const { source, note } = await lookUpSource(pkg.dir, options.source, run);
  const manifests: ManifestReport[] = [];
  for (const m of pkg.manifests) manifests.push(judgeManifest(m, await gatherFacts(m, run), source));
  const played = options.play ? await options.play(pkg, manifests) : undefined;
  const ok = manifests.every((m) => m.problems.length === 0) && (played ?? []).every((p) => p.ok);
  return { ok, package: target, source, notes: note ? [note] : [], manifests, ...(played ? { played } : {}) };
}
