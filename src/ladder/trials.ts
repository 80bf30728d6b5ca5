// The I/O edge of per-title ladders: cut the excerpt, run trial and rung encodes, measure them.
// Every file lives in one temp dir per run that is always removed; every process is started by
// the injected ToolRunner (src/util/proc), so tests can fake or count runs. The argv comes from
// ffmpegArgs.ts and the parsing from parse.ts; this file only sequences them.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolRunner } from "../util/proc/runner";
import { ToolFailed } from "../util/proc/tool";
import { ExternalError, InputError } from "../util/errors";
import { containerOverheadBytes, type EncoderSpec, excerptArgs, excerptBytes, frameCountArgs, measureArgs, RAW_EXCERPT_LIMIT_BYTES, rungArgs, trialArgs } from "./ffmpegArgs";
import type { Excerpt } from "./grid";
import { parseFrameCount, parseQuality, type Quality } from "./parse";
import type { RatePoint, Size, TrialPoint, TrialSpec } from "./types";

export interface Workspace {
  dir: string;
  tools: ToolRunner;
  /** Encodes run side by side (each single-threaded). */
  jobs: number;
  /** Measure SSIM beside PSNR (the bench turns it off: it scores PSNR only). */
  ssim: boolean;
}

/** Two at a time on a 2-core machine, never more than four: ffmpeg's decoders and filters use threads too. */
export const defaultJobs = (): number => Math.max(1, Math.min(4, availableParallelism()));

/** Runs `fn` with a fresh temp dir that is removed afterwards, whatever happens. */
export async function withWorkspace<T>(tools: ToolRunner, jobs: number, fn: (ws: Workspace) => Promise<T>, ssim = true): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "vps-ladder-"));
  try {
    return await fn({ dir, tools, jobs, ssim });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Maps with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The excerpt every trial is encoded from and measured against. */
export interface Reference extends Size {
  path: string;
  frames: number;
  fps: number;
  bitDepth: number;
}

/** Generous limits: a minute, plus 30 s per second of excerpt per 1080p30 worth of pixels. */
function timeoutMs(size: Size, fps: number, frames: number): number {
  const load = Math.max(0.25, (size.width * size.height) / (1920 * 1080)) * Math.max(1, fps / 30);
  return Math.round(60_000 + (frames / Math.max(1, fps)) * 30_000 * load);
}

export interface SourceInfo extends Size {
  fps: number;
  interlaced: boolean;
}

/** Cuts the excerpt; a source ffmpeg cannot decode is the input's fault (exit 2). */
export async function cutExcerpt(ws: Workspace, file: string, input: string, source: SourceInfo, excerpt: Excerpt, bitDepth: number): Promise<Reference> {
  const path = join(ws.dir, "excerpt.nut");
  const raw = excerptBytes(source, source.fps, excerpt, bitDepth) <= RAW_EXCERPT_LIMIT_BYTES;
  const frames0 = Math.ceil(excerpt.seconds * source.fps);
  try {
    await ws.tools("ffmpeg", excerptArgs({ input, excerpt, interlaced: source.interlaced, bitDepth, raw, output: path }), { timeoutMs: timeoutMs(source, source.fps, frames0) * 2 });
  } catch (e) {
    if (e instanceof ToolFailed && e.code !== null) throw new InputError(`${file}: ffmpeg could not decode the video (${e.stderrTail.split("\n").pop() || `exit code ${e.code}`})`);
    throw e;
  }
  const counted = parseFrameCount((await ws.tools("ffprobe", frameCountArgs(path), { timeoutMs: 60_000 })).stdout);
  if (counted === null || counted < 2) throw new InputError(`${file}: the excerpt at ${excerpt.start} s has ${counted ?? 0} frame(s); trials need at least 2`);
  return { path, frames: counted, fps: source.fps, width: source.width, height: source.height, bitDepth };
}

/** Kilobits per second of an encode's picture bits. */
async function kbpsOf(path: string, encoder: string, ref: Reference): Promise<number> {
  const bytes = (await stat(path)).size - containerOverheadBytes(encoder, ref.frames);
  return (bytes * 8) / (ref.frames / ref.fps) / 1000;
}

async function measure(ws: Workspace, encoded: string, ref: Reference): Promise<Quality> {
  const out = await ws.tools("ffmpeg", measureArgs({ encoded, excerpt: ref.path, source: ref, bitDepth: ref.bitDepth, ssim: ws.ssim }), { timeoutMs: timeoutMs(ref, ref.fps, ref.frames) });
  const q = parseQuality(out.stderr, ws.ssim);
  if (!q) throw new ExternalError(`ffmpeg's psnr/ssim filters printed no summary for ${encoded}`);
  return q;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** One point: what an encode cost and kept. Its file is deleted once measured (disk stays small). */
async function pointOf(ws: Workspace, path: string, encoder: string, ref: Reference): Promise<{ kbps: number; psnr: number; ssim: number | null }> {
  const kbps = await kbpsOf(path, encoder, ref);
  const q = await measure(ws, path, ref);
  await rm(path, { force: true });
  return { kbps: round(kbps, 1), psnr: round(q.psnr, 3), ssim: q.ssim === null ? null : round(q.ssim, 5) };
}

/** Trial encodes at constant quality over the grid, measured. */
export async function runTrials(ws: Workspace, ref: Reference, encoder: EncoderSpec, grid: readonly TrialSpec[]): Promise<TrialPoint[]> {
  return mapLimit(grid, ws.jobs, async (t, i) => {
    const output = join(ws.dir, `trial-${i}.bin`);
    const size = { width: t.width, height: t.height };
    await ws.tools("ffmpeg", trialArgs({ excerpt: ref.path, size, source: ref, encoder, crf: t.crf, output }), { timeoutMs: timeoutMs(ref, ref.fps, ref.frames) });
    return { ...t, ...(await pointOf(ws, output, encoder.encoder, ref)) };
  });
}

export interface RungTarget extends Size {
  kbps: number;
}

/** Rungs encoded at their bitrates (two-pass where the encoder has it), measured. */
export async function encodeRungs(ws: Workspace, ref: Reference, encoder: EncoderSpec, rungs: readonly RungTarget[], tag: string): Promise<(RatePoint & { targetKbps: number })[]> {
  return mapLimit(rungs, ws.jobs, async (r, i) => {
    const output = join(ws.dir, `${tag}-${i}.bin`);
    const size = { width: r.width, height: r.height };
    const passes = rungArgs({ excerpt: ref.path, size, source: ref, encoder, kbps: r.kbps, passLog: join(ws.dir, `${tag}-${i}.pass`), output });
    for (const args of passes) await ws.tools("ffmpeg", args, { timeoutMs: timeoutMs(ref, ref.fps, ref.frames) });
    return { ...size, targetKbps: r.kbps, ...(await pointOf(ws, output, encoder.encoder, ref)) };
  });
}
