// For the tests of `vps run` with real processes: the CLI run with an environment and a working
// directory (sync, or async for the kill tests), tiny lavfi sources, workloads naming them, and
// readers for what a run leaves behind (journal, run.json, published files).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Plan } from "../../src/model";
import type { JournalEntry } from "../../src/run/journal";
import { assertBuilt, ROOT, type Run } from "../cli/run";
import { FAKE_FFMPEG } from "./jobs";

export { FAKE_FFMPEG };

export interface RunOptions {
  /** Added to this process's environment (the fake ffmpeg's cues). */
  env?: Record<string, string>;
  cwd?: string;
  /** Async only: the process leads a new process group, so a test can signal the group as a terminal's Ctrl-C does. */
  detached?: boolean;
}

const envOf = (opts: RunOptions): NodeJS.ProcessEnv => ({ ...process.env, FORCE_COLOR: "0", ...opts.env });
const VPS = join(ROOT, "bin/vps");

/** `vps ...args` to its end. */
export function vpsIn(opts: RunOptions, ...args: string[]): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, [VPS, ...args], { cwd: opts.cwd ?? ROOT, encoding: "utf8", env: envOf(opts), maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Running {
  child: ChildProcess;
  /** Settles when the process has exited and its pipes are drained. */
  done: Promise<Run & { signal: NodeJS.Signals | null }>;
}

/** `vps ...args` started and left running: the kill tests signal it. */
export function vpsStart(opts: RunOptions, ...args: string[]): Running {
  assertBuilt();
  const child = spawn(process.execPath, [VPS, ...args], { cwd: opts.cwd ?? ROOT, env: envOf(opts), stdio: ["ignore", "pipe", "pipe"], detached: opts.detached ?? false });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const done = new Promise<Run & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Polls `test` every 50 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!test()) {
    if (performance.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A test-pattern source: `seconds` at 24 fps, H.264 yuv420p (the real ffmpeg, not the fake). */
export function makeSource(path: string, size = "320x180", seconds = 1): void {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=24`, "-t", String(seconds), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${r.stderr}`);
}

/**
 * A test-pattern source with a tone: `seconds` at 24 fps, H.264 and AAC stereo 48 kHz, stating no
 * sample aspect ratio (as many real files do: its rungs must still share one display aspect).
 */
export function makeSourceWithAudio(path: string, size = "320x180", seconds = 1): void {
  const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=24`, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", String(seconds), "-vf", "setsar=0", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2", path];
  const r = spawnSync("ffmpeg", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${r.stderr}`);
}

export interface TitleSpec {
  id: string;
  tier: "premium" | "ugc" | "standard";
  /** The source file, relative to the workload's folder. */
  source: string;
  deliverables?: string[];
}

export function workloadYaml(titles: TitleSpec[]): string {
  const lines = titles.map((t) => `  - { id: ${t.id}, tier: ${t.tier}, content: { source: ${t.source} }, deliverables: [${(t.deliverables ?? ["h264-sdr"]).join(", ")}] }`);
  return `epoch: 2026-12-03T00:00:00Z\ncapacity: { pools: { cpu: 2 } }\ntitles:\n${lines.join("\n")}\n`;
}

/** The journal's entries in order; a torn last line (a kill mid-write) is left out. */
export function journalOf(outDir: string): JournalEntry[] {
  const path = join(outDir, ".vps/journal.ndjson");
  if (!existsSync(path)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    try {
      if (line.trim() !== "") entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // torn
    }
  }
  return entries;
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
export const reportOf = (outDir: string): Plan => readJson<Plan>(join(outDir, "run.json"));

/**
 * Every file under `dir` (hidden ones included), relative to it, sorted. A published title is a
 * link to its current version: it is walked through the link, and the versions folder itself
 * (published/.versions) is not listed a second time.
 */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === ".versions" && e.isDirectory()) continue;
      if (e.isDirectory() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isDirectory())) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export const sha256Of = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Frames a full decode of the file's video finds (ffprobe -count_frames); throws when it does not decode. */
export function decodedFrames(path: string): number {
  const r = spawnSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "json", path], { encoding: "utf8" });
  if (r.status !== 0 || r.stderr.trim() !== "") throw new Error(`ffprobe cannot decode ${path}: ${r.stderr}`);
  const stream = (JSON.parse(r.stdout) as { streams: { nb_read_frames: string }[] }).streams[0];
  if (!stream) throw new Error(`${path} has no video stream`);
  return Number(stream.nb_read_frames);
}

/** Pids of processes (other than this one) whose command line mentions `text`. */
export function processesMentioning(text: string): number[] {
  const r = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .filter((l) => l.includes(text) && !l.includes("ps -eo"))
    .map((l) => Number.parseInt(l.trim(), 10))
    .filter((pid) => pid !== process.pid);
}

/** Pids of the direct children of process `pid` (the ffmpeg processes a run started). */
export function childrenOf(pid: number): number[] {
  const r = spawnSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === pid)
    .map(([child]) => child!);
}

/** What a published title's title.json says about its renditions. */
export interface Manifest {
  title: string;
  publishedAt: string;
  failedRenditions: { task: string; deliverable: string; rendition: string; reason: string }[];
  deliverables: {
    deliverable: string;
    package?: { formats: string[]; manifests: Record<string, string>; audio: { name: string; codecs: string; channels: number }[] };
    renditions: { name: string; codecs: string; width: number; height: number; bandwidth: number; sha256?: string; frames?: number; deferred?: boolean }[];
    files: { path: string; bytes: number; sha256: string }[];
  }[];
}

/** Each published rung as its HLS media playlist (`title/deliverable/720p.m3u8`): segments, init files, master and audio aside. */
export function publishedRungs(outDir: string): string[] {
  return filesUnder(join(outDir, "published")).filter((f) => f.endsWith(".m3u8") && !/\/(master|audio-[^/]*)\.m3u8$/.test(f));
}

export const manifestOf = (outDir: string, title: string): Manifest => readJson<Manifest>(join(outDir, "published", title, "title.json"));

/**
 * An ffmpeg for `--ffmpeg` that cues test/run/fake-ffmpeg by what a call writes, so a fault hits
 * the task it is meant for whatever the order the scheduler picks: keys are `title`,
 * `title/deliverable/rendition` or `*` (any task), the first that matches wins, each with its own
 * call counter (a cue list "fail,ok" is per key). Calls writing nothing under .work (the preflight's
 * `-version`) run the real ffmpeg.
 */
export function cuedFfmpeg(dir: string, cues: Record<string, string>, delaySeconds = 3): string {
  const glob = (key: string) => {
    if (key === "*") return "*/.work/*";
    const [title, deliverable, rendition] = key.split("/");
    return rendition === undefined ? `*/.work/${title}/*` : `*/.work/${title}/${deliverable}/*${rendition}.mp4*`;
  };
  const cases = Object.entries(cues).map(([key, c], i) => `  ${glob(key)}) cue=${JSON.stringify(c)} state=${JSON.stringify(join(dir, `calls-${i}`))} ;;`);
  const script = [
    "#!/usr/bin/env bash",
    'out=""; if (($# > 0)); then out="${!#}"; fi',
    'cue=ok; state=""',
    'case "$out" in',
    // The package step (src/run/package.ts) always runs the real ffmpeg: the cues are the encodes'.
    '  */.work/*/package/*) ;;',
    ...cases,
    "esac",
    `export VPS_FAKE_FFMPEG="$cue" VPS_FAKE_FFMPEG_STATE="$state" VPS_FAKE_FFMPEG_DELAY=${delaySeconds}`,
    `exec ${JSON.stringify(FAKE_FFMPEG)} "$@"`,
    "",
  ].join("\n");
  const path = join(dir, "cued-ffmpeg");
  writeFileSync(path, script, { mode: 0o755 });
  return path;
}

/** How many times the fake ran with the cues of `cues`' key number `index` (0 when never). */
export function callsOf(dir: string, index: number): number {
  const path = join(dir, `calls-${index}`);
  return existsSync(path) ? Number(readFileSync(path, "utf8").trim()) : 0;
}
