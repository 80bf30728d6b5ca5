// The I/O behind the rules: the size of every file a rung references, and ffprobe's view of its
// init + first segment. Everything the rules judge comes from here or from the manifests.
import { stat } from "node:fs/promises";
import type { ToolRunner } from "../../util/proc/runner";
import { fsReason } from "../../load/read";
import { probeInputs, probeSegment } from "./probe";
import type { Facts, FileRef, FileSize, Manifest, Rung, RungFacts } from "./types";

export async function sizeOf(ref: FileRef): Promise<FileSize> {
  if (ref.path === null) return "not local";
  let size: number;
  try {
    const st = await stat(ref.path);
    if (!st.isFile()) return { missing: "is not a regular file" };
    size = st.size;
  } catch (e) {
    return { missing: fsReason(e, "is missing") };
  }
  if (ref.range === null) return size;
  const end = ref.range.offset + ref.range.length;
  return end <= size ? ref.range.length : { missing: `is ${size} bytes, shorter than its byte range ${ref.range.length}@${ref.range.offset}` };
}

const present = (s: FileSize): boolean => typeof s === "number";

async function rungFacts(rung: Rung, run: ToolRunner): Promise<RungFacts> {
  const initBytes = await Promise.all(rung.inits.map(sizeOf));
  const segmentBytes = await Promise.all(rung.segments.map(sizeOf));
  const inputs = probeInputs(rung);
  // Probed only when the files it reads are all there: a missing one is reported as missing.
  const readable = inputs !== null && present(segmentBytes[0]!) && (inputs.init === null || present(initBytes[0]!));
  const probe = readable ? await probeSegment(inputs.init, inputs.segment, run) : null;
  return { initBytes, segmentBytes, probe };
}

/** Facts for every rung of `manifest`, by rung id. */
export async function gatherFacts(manifest: Manifest, run: ToolRunner): Promise<Facts> {
  const facts: Facts = {};
  for (const rung of manifest.rungs) facts[rung.id] = await rungFacts(rung, run);
  return facts;
}
