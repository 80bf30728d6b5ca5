// Analysis of one source file: probe → measure → classify, cached by the file's content hash so a
// re-plan never decodes the same bytes twice (renaming or moving a file keeps its cache entry;
// editing it, even in place with the same mtime, does not). This module and src/util/proc are where
// content analysis touches the file system and processes; probe, measure and classify are pure
// or take the tool runner as an argument.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { localTools, type ToolRunner } from "../util/proc/runner";
import type { ContentProfile } from "../model";
import { InputError } from "../util/errors";
import { classify, profileOf } from "./classify";
import { DEFAULT_SAMPLING, measureFile, type SamplingOptions } from "./measure";
import { probeFile } from "./probe";
import type { Analysis, ProbeInfo } from "./types";

/** Bump when the Analysis shape or any measurement changes meaning: older cache entries are then ignored. */
export const ANALYSIS_FORMAT_VERSION = 3;

export interface AnalyseOptions {
  /** Cache root (entries under `<cacheDir>/analysis/`); null analyses without reading or writing a cache. */
  cacheDir: string | null;
  sampling?: SamplingOptions;
  /** Runs ffmpeg/ffprobe; tests inject a counting or failing runner. */
  tools?: ToolRunner;
  /** Analysis never reads the clock: results depend on the file's bytes only. */
  now?: never;
}

interface CacheEntry {
  formatVersion: number;
  sampling: SamplingOptions;
  analysis: Analysis;
}

/** `$VPS_CACHE_DIR` when set, else `~/.cache/vps`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VPS_CACHE_DIR && env.VPS_CACHE_DIR.length > 0 ? env.VPS_CACHE_DIR : join(homedir(), ".cache", "vps");
}

function notReadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "a directory, not a video file" : (e as Error).message;
  return new InputError(`${file}: ${why}`);
}

/** SHA-256 of the file's bytes, streamed: hashing a 50 GB master reads it once and holds 64 KB. */
export async function sha256File(file: string, absolutePath: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    await pipeline(createReadStream(absolutePath), hash);
  } catch (e) {
    throw notReadable(file, e);
  }
  return hash.digest("hex");
}

/** Traits a normalisation (mezzanine) step will have to handle before encoding. */
export function warningsOf(p: ProbeInfo): string[] {
  const w: string[] = [];
  if (p.interlaced) w.push(`interlaced (field order ${p.fieldOrder}): needs deinterlacing before encoding; measured after yadif`);
  if (p.variableFrameRate) w.push(`variable frame rate (average ${p.fps.toFixed(3)} fps): needs conversion to a constant rate`);
  if (p.pixelFormat !== "yuv420p" && p.pixelFormat !== "yuv420p10le") w.push(`pixel format ${p.pixelFormat}: deliverables take 4:2:0 at 8 or 10 bits (yuv420p, yuv420p10le)`);
  if (p.hdr !== "sdr" && p.bitDepth < 10) w.push(`HDR transfer ${p.hdr} on a ${p.bitDepth}-bit stream: HDR deliverables need 10 bits`);
  if (p.rotation !== 0) w.push(`display rotation ${p.rotation}°: frames are stored ${p.width}x${p.height} and shown rotated`);
  return w;
}

const cachePath = (cacheDir: string, sha: string) => join(cacheDir, "analysis", `${sha}.json`);
const sameSampling = (a: SamplingOptions, b: SamplingOptions) =>
  a.sampleAboveSeconds === b.sampleAboveSeconds && a.windows === b.windows && a.windowSeconds === b.windowSeconds;

/** A usable cache entry, or null: a missing, corrupt, old-format or differently sampled entry is a miss. */
async function readCache(cacheDir: string, sha: string, sampling: SamplingOptions): Promise<Analysis | null> {
  try {
    const entry = JSON.parse(await readFile(cachePath(cacheDir, sha), "utf8")) as Partial<CacheEntry>;
    const a = entry.analysis;
    if (entry.formatVersion !== ANALYSIS_FORMAT_VERSION || !entry.sampling || !sameSampling(entry.sampling, sampling)) return null;
    if (!a || a.sha256 !== sha || typeof a.profile !== "object" || typeof a.features !== "object" || typeof a.classification !== "object") return null;
    return a;
  } catch {
    return null;
  }
}

let tmpSeq = 0;

/** Writes the entry whole (temp file + rename) so a concurrent reader never sees half of it. */
async function writeCache(cacheDir: string, sha: string, entry: CacheEntry): Promise<void> {
  const dir = join(cacheDir, "analysis");
  const tmp = join(dir, `.${sha}.${process.pid}.${tmpSeq++}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, JSON.stringify(entry, undefined, 2) + "\n");
    await rename(tmp, cachePath(cacheDir, sha));
  } catch {
    // The cache only saves time: an unwritable cache directory must not fail the analysis.
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function measureAndClassify(file: string, absolutePath: string, sha: string, sampling: SamplingOptions, tools: ToolRunner): Promise<Analysis> {
  const probe = await probeFile(file, absolutePath, tools);
  const m = await measureFile(file, absolutePath, probe, sampling, tools);
  const decision = classify(m.features);
  return {
    file,
    sha256: sha,
    profile: profileOf(probe, m.features, decision.contentClass, file),
    probe,
    features: m.features,
    classification: { contentClass: decision.contentClass, reasons: decision.reasons },
    sampled: m.sampled,
    measurement: m.measurement,
    audio: probe.audio,
    warnings: warningsOf(probe),
  };
}

/**
 * Analyses `file` (a path as the user wrote it; it names the file in messages and in the profile's
 * `source`). InputError (exit 2) when it is missing or not a video; ExternalError (exit 3) when
 * ffmpeg is missing or fails.
 */
export async function analyseFile(file: string, opts: AnalyseOptions): Promise<Analysis> {
  const absolutePath = resolve(file);
  let isFile: boolean;
  try {
    isFile = (await stat(absolutePath)).isFile();
  } catch (e) {
    throw notReadable(file, e);
  }
  if (!isFile) throw new InputError(`${file}: not a regular file (a directory, a device or a pipe)`);
  const sampling = opts.sampling ?? DEFAULT_SAMPLING;
  const tools = opts.tools ?? localTools;
  const sha = await sha256File(file, absolutePath);
  const cached = opts.cacheDir === null ? null : await readCache(opts.cacheDir, sha, sampling);
  if (cached) return { ...cached, file, profile: { ...cached.profile, source: file } };
  const analysis = await measureAndClassify(file, absolutePath, sha, sampling, tools);
  if (opts.cacheDir !== null) await writeCache(opts.cacheDir, sha, { formatVersion: ANALYSIS_FORMAT_VERSION, sampling, analysis });
  return analysis;
}

export type FileOutcome = { file: string; analysis: Analysis } | { file: string; error: Error };

/**
 * Analyses files at most `concurrency` at a time (each ffmpeg already uses several threads; two
 * suit a 2-core machine), in input order, one file's failure never stopping the others. `onDone`
 * hears of each file as it finishes (for a progress line).
 */
export async function analyseFiles(files: readonly string[], opts: AnalyseOptions, concurrency = 2, onDone: (o: FileOutcome) => void = () => undefined): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array<FileOutcome>(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      try {
        outcomes[i] = { file, analysis: await analyseFile(file, opts) };
      } catch (e) {
        outcomes[i] = { file, error: e as Error };
      }
      onDone(outcomes[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return outcomes;
}

/**
 * For the loader/planner: the measured ContentProfile of a title's `source:` file (resolved by the
 * caller, e.g. relative to the workload file), with the warnings a normalisation step needs.
 * Cached under `cacheDir` (pass defaultCacheDir() for the user's cache, null for none).
 */
export async function measuredProfile(sourcePath: string, opts: AnalyseOptions): Promise<{ profile: ContentProfile; warnings: string[]; analysis: Analysis }> {
  const analysis = await analyseFile(sourcePath, opts);
  return { profile: analysis.profile, warnings: analysis.warnings, analysis };
}
