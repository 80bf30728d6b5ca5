// How long the source is, for the rungs to be held to: the --source file as ffprobe measures it,
// else what the package's title.json says (`source: { duration, fps }`), else unknown (the check
// is skipped and the report says why).
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { probeFile } from "../../content/probe";
import type { ToolRunner } from "../../util/proc/runner";
import type { SourceFacts } from "./types";

export interface SourceLookup {
  source: SourceFacts | null;
  /** Why the source is not known, when it is not. */
  note: string | null;
}

const positive = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x > 0;

/** The source as title.json states it; a reason instead when it does not. */
export async function fromTitleJson(dir: string): Promise<SourceFacts | string> {
  let text: string;
  try {
    text = await readFile(join(dir, "title.json"), "utf8");
  } catch {
    return "no title.json in the package dir";
  }
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
