// Workloads whose titles point at source files (`content.source`): load → measure each file
// (ffprobe/ffmpeg, cached by content hash, so a re-plan runs no tool) → merge what was measured
// into the title's content → the content rules. The measuring is the only asynchronous, process-
// starting step; `mergeMeasured` is pure.
//
// Written and measured values: the file's facts (duration, size, frame rate, bit depth, HDR
// transfer) are always the measured ones, with a warning when a written value disagrees
// materially. Judgements (class, complexity) are measured unless written: a written class is
// an editor's override and is kept, with a warning when the measurement disagrees.
import type { RecipeBook, Title, Workload } from "../model";
import { analyseFiles, type AnalyseOptions } from "../content/analyse";
import { normaliseNeeds, type SourceFacts } from "../content/normalise";
import type { Analysis } from "../content/types";
import { mayBeChunked } from "../pipeline/expand";
import { ExternalError, InputError } from "../util/errors";
import { fpsText } from "../util/format";
import { formatDuration } from "../util/time";
import type { Path } from "./problems";
import { readUserFile } from "./read";
import { checkSources, draftWorkload, finishWorkload, sourceOnDisk, type WorkloadDraft } from "./workload";

export type SourceOptions = Pick<AnalyseOptions, "cacheDir" | "tools" | "sampling">;

export interface MeasuredWorkload {
  workload: Workload;
  /** Per title id with a source file: what the argv builder needs. */
  sources: Map<string, SourceFacts>;
  /** Per title id with a source file: its analysis (the class and the features that decided it). */
  analyses: Map<string, Analysis>;
  /** Written values the measurement contradicts, in title order (the plan's warnings). */
  warnings: string[];
  /** Per title id: where its content class came from. */
  classFrom: Map<string, ClassOrigin>;
}

/** `measured` from the source file, `written` in the workload (an override when there is a source), or the `default` generic. */
export type ClassOrigin = "measured" | "written" | "default";

/** Reads, measures and checks a workload file; InputError (exit 2) or ExternalError (exit 3, ffmpeg). */
export async function loadMeasuredWorkload(path: string, book: RecipeBook, opts: SourceOptions): Promise<MeasuredWorkload> {
  const draft = draftWorkload(path, readUserFile(path, "workload"));
  checkSources(draft.workload, draft.problems, sourceOnDisk);
  // What is wrong with the file itself is said before any ffmpeg runs: every problem the rules find
  // without the measurements (the content of titles with a source is not known yet, so not judged).
  if (draft.problems.problems.length > 0) {
    draft.workload.titles.forEach((t, i) => {
      if (t.content.source !== null) draft.problems.skip(["titles", i, "content"]);
    });
    finishWorkload(draft, book);
  }
  const analyses = await measure(draft, opts);
  const result: MeasuredWorkload = { workload: draft.workload, sources: new Map(), analyses: new Map(), warnings: [], classFrom: new Map() };
  const measured = new Set<number>();
  draft.workload.titles.forEach((t, i) => {
    const a = analyses.get(i);
    const written = draft.written[i]?.has("class") ?? false;
    result.classFrom.set(t.id, written ? "written" : a ? "measured" : "default");
    if (!a) return;
    const merged = mergeMeasured(t, draft.written[i] ?? new Set(), a);
    draft.workload.titles[i] = merged.title;
    measured.add(i);
    result.sources.set(t.id, merged.facts);
    result.analyses.set(t.id, a);
    result.warnings.push(...merged.warnings);
  });
  result.workload = finishWorkload(draft, book, measured);
  return result;
}

/** Each distinct file once (two titles may share a source); problems go to the title's `source`. */
async function measure(draft: WorkloadDraft, opts: SourceOptions): Promise<Map<number, Analysis>> {
  const titles = draft.workload.titles;
  const files = [...new Set(titles.flatMap((t) => (t.content.source === null ? [] : [t.content.source])))];
  const outcomes = new Map((await analyseFiles(files, { cacheDir: opts.cacheDir, tools: opts.tools, sampling: opts.sampling })).map((o) => [o.file, o]));
  const out = new Map<number, Analysis>();
  titles.forEach((t, i) => {
    const o = t.content.source === null ? undefined : outcomes.get(t.content.source);
    if (!o) return;
    if ("analysis" in o) {
      out.set(i, o.analysis);
      return;
    }
    const at: Path = ["titles", i, "content", "source"];
    if (o.error instanceof InputError) {
      const said = o.error.message.startsWith(`${o.file}: `) ? o.error.message.slice(o.file.length + 2) : o.error.message;
      draft.problems.add(at, `expected a video file ffmpeg can read, found ${o.file}: ${said}`);
      // Its content is unknown: no rule should judge it (or ask for the fields the file was to give).
      draft.problems.skip(["titles", i, "content"]);
    } else if (o.error instanceof ExternalError) {
      throw new ExternalError(`cannot measure the source of title ${t.id} (${o.file}): ${o.error.message}`);
    } else throw o.error;
  });
  return out;
}

// ---- merging -------------------------------------------------------------------------------

/** Relative difference above which a written figure "disagrees" with the measured one. */
const MATERIAL = 0.01;

const differs = (written: number, measured: number): boolean => Math.abs(written - measured) > MATERIAL * Math.max(Math.abs(measured), 1e-9);

/**
 * The title with its measured content (and `normalise` reasons when the source needs a mezzanine),
 * the facts for its ffmpeg commands, and a warning per written value the file contradicts.
 */
export function mergeMeasured(title: Title, written: ReadonlySet<string>, a: Analysis): { title: Title; facts: SourceFacts; warnings: string[] } {
  const w = title.content;
  const m = a.profile;
  const warnings: string[] = [];
  const warn = (key: string, wrote: string, found: string, outcome = "using the measured value") =>
    warnings.push(`title ${title.id}: content.${key} is written as ${wrote} but its source measures ${found}; ${outcome}`);
  // Durations within a second are the same (container vs stream duration, a dropped last frame).
  if (written.has("duration") && differs(w.duration, m.duration) && Math.abs(w.duration - m.duration) > 1) warn("duration", formatDuration(w.duration), formatDuration(m.duration));
  const sizeKey = written.has("resolution") ? "resolution" : written.has("width") || written.has("height") ? "width/height" : null;
  if (sizeKey && (w.width !== m.width || w.height !== m.height)) warn(sizeKey, `${w.width}x${w.height}`, `${m.width}x${m.height}`);
  if (written.has("fps") && differs(w.fps, m.fps)) warn("fps", fpsText(w.fps), fpsText(m.fps));
  if (written.has("bitDepth") && w.bitDepth !== m.bitDepth) warn("bitDepth", String(w.bitDepth), String(m.bitDepth));
  if (written.has("hdr") && w.hdr !== m.hdr) warn("hdr", w.hdr, m.hdr);
  const keepClass = written.has("class");
  if (keepClass && w.contentClass !== m.contentClass) warn("class", w.contentClass, m.contentClass, "keeping the written class");
  const keepComplexity = written.has("complexity");
  const content = {
    ...m,
    contentClass: keepClass ? w.contentClass : m.contentClass,
    complexity: keepComplexity ? w.complexity : m.complexity,
    source: w.source,
    // The file decides: a source without an audio track ships video-only packages.
    ...(a.probe.audio === null ? { audio: false } : {}),
  };
  // Whether a rendition will be cut depends on its encode's cost: any title that may be is treated as cut.
  const needs = normaliseNeeds(a.probe, mayBeChunked(content.duration));
  const merged: Title = { ...title, content };
  if (needs.length > 0) merged.normalise = needs.map((n) => n.reason);
  return { title: merged, facts: { content, probe: a.probe, needs }, warnings };
}

