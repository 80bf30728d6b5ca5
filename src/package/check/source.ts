// How long the source is, for the rungs to be held to: the --source file as ffprobe measures it,
// else what the package's title.json says (`source: { duration, fps }`), else unknown (the check
// is skipped and the report says why).
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { probeFile } from "../../content/probe";
import type { ToolRunner } from "../../util/proc/runner";
import type { SourceFacts } from "./types";

export interface SourceLookup {
  source: SourceFacts | null;
  /** Why the source is not known, when it is not. */
  note: string | null;
}

const positive = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x > 0;

/**
 * The source as title.json states it; a reason instead when it does not. vps publishes title.json
 * beside a title's packages (published/<title>/title.json, a package in published/<title>/<deliverable>/),
 * so the package dir's parent is read when the dir itself has none.
 */
export async function fromTitleJson(dir: string): Promise<SourceFacts | string> {
  let text: string | null = null;
  for (const at of [dir, dirname(resolve(dir))]) {
    text = await readFile(join(at, "title.json"), "utf8").catch(() => null);
    if (text !== null) break;
  }
  if (text === null) return "no title.json in the package dir or its parent";
  let doc: { source?: { duration?: unknown; fps?: unknown } | null };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return "title.json is not JSON";
  }
  const s = doc.source;
  if (!s || !positive(s.duration)) return "title.json has no source.duration";
  return { duration: s.duration, fps: positive(s.fps) ? s.fps : null, from: "title.json" };
}

export async function lookUpSource(dir: string, sourceFile: string | undefined, run: ToolRunner): Promise<SourceLookup> {
  if (sourceFile !== undefined) {
    const p = await probeFile(sourceFile, resolve(sourceFile), run);
    return { source: { duration: p.duration, fps: p.fps, from: sourceFile }, note: null };
  }
  const t = await fromTitleJson(dir);
  if (typeof t !== "string") return { source: t, note: null };
  return { source: null, note: `source duration not checked: ${t} and no --source FILE` };
}
