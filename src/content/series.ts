// From ffmpeg's per-frame measurements (the text `metadata=mode=print` writes) to the content
// features the classifier reads. Pure: text in, numbers out.
import type { ContentFeatures } from "./types";

/**
 * A scene cut is a frame whose `scdet` score (0–100, how much of the picture changed beyond what
 * motion explains) reaches 15. ffmpeg's own default (10) also fires on camera flashes and fast
 * motion in our test material; hard cuts between shots score 18–25 there.
 */
export const CUT_SCORE = 15;
/** Cuts closer together than this are one event (a flash, a strobe, a whip pan), counted once. */
export const CUT_MIN_GAP = 0.5;
/** A frame whose TI is below this has (almost) not changed: a frozen slide, a paused screen. */
export const STILL_TI = 1;
/**
 * The noise branch computes Immerkær's fast noise estimate: the 3x3 mask
 * [1 −2 1; −2 4 −2; 1 −2 1] cancels smooth shading and straight edges and leaves fine noise;
 * σ = √(π/2)/6 · mean|I∗N|. ffmpeg stores |I∗N|/3 ×4 (rdiv 1/3, then a gain of 4 for resolution).
 */
export const NOISE_SIGMA_PER_LEVEL = (Math.sqrt(Math.PI / 2) / 6) * (3 / 4);

export interface FrameRecord {
  time: number;
  /** Keys without the `lavfi.` prefix: `siti.si`, `scd.score`, `signalstats.YLOW`, `blur`. */
  values: Record<string, number>;
}

/** Parses `frame:N pts:P pts_time:T` blocks followed by `lavfi.key=value` lines. */
export function parseFrameMetadata(text: string): FrameRecord[] {
  const frames: FrameRecord[] = [];
  let current: FrameRecord | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("frame:")) {
      const t = /pts_time:(\S+)/.exec(line);
      current = { time: t ? Number.parseFloat(t[1]!) : Number.NaN, values: {} };
      frames.push(current);
      continue;
    }
    const eq = line.indexOf("=");
    if (current === null || eq < 0) continue;
    const key = line.slice(0, eq).trim().replace(/^lavfi\./, "");
    current.values[key] = Number.parseFloat(line.slice(eq + 1));
  }
  return frames;
}

/** One decoded window's per-frame series. */
export interface WindowSeries {
  si: number[];
  /** TI of each frame after the first (the first has no previous frame). */
  ti: number[];
  edgeWidth: number[];
  staticShare: number[];
  noiseFloor: number[];
  cuts: number;
  frames: number;
  seconds: number;
}

const finite = (xs: number[]): number[] => xs.filter((x) => Number.isFinite(x));
const valuesOf = (frames: FrameRecord[], key: string): number[] => frames.map((f) => f.values[key] ?? Number.NaN);

/** Cut times from scdet scores: frames at or above CUT_SCORE, clusters closer than CUT_MIN_GAP merged. */
export function countCuts(frames: FrameRecord[]): number {
  let cuts = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const f of frames.slice(1)) {
    if ((f.values["scd.score"] ?? 0) < CUT_SCORE) continue;
    if (!(f.time - last < CUT_MIN_GAP)) cuts += 1;
    last = f.time;
  }
  return cuts;
}

/**
 * The series of one window from the files the measuring graph writes (see measure.ts): `frames`
 * (siti and scdet on the analysis frame), `still` (share of unchanged pixels between consecutive
 * frames), `edges` (blurdetect) and `noise` (local noise map on native pixels).
 */
export function windowSeries(files: { frames: string; still: string; edges: string; noise: string }, fps: number): WindowSeries {
  const frames = parseFrameMetadata(files.frames);
  const still = parseFrameMetadata(files.still);
  const edges = parseFrameMetadata(files.edges);
  const noise = parseFrameMetadata(files.noise);
  const times = finite(frames.map((f) => f.time));
  const span = times.length > 0 ? Math.max(...times) - Math.min(...times) + 1 / fps : 0;
  return {
    si: finite(valuesOf(frames, "siti.si")),
    ti: finite(valuesOf(frames.slice(1), "siti.ti")),
    edgeWidth: finite(valuesOf(edges, "blur")),
    staticShare: finite(valuesOf(still, "blackframe.pblack")).map((percent) => percent / 100),
    noiseFloor: finite(valuesOf(noise, "signalstats.YLOW")).map((y) => y * NOISE_SIGMA_PER_LEVEL),
    cuts: countCuts(frames),
    frames: frames.length,
    seconds: span,
  };
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
/** Features are rounded so JSON stays readable and a value shown is the value the rules saw. */
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Features of all windows together: every frame counts once, whichever window it came from. */
export function combineSeries(windows: WindowSeries[]): ContentFeatures {
  const all = <K extends keyof WindowSeries>(k: K) => windows.flatMap((w) => w[k] as number[]);
  const ti = all("ti");
  const edges = all("edgeWidth");
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  const cuts = windows.reduce((a, w) => a + w.cuts, 0);
  return {
    siMean: round3(mean(all("si"))),
    siMax: round3(max(all("si"))),
    tiMean: round3(mean(ti)),
    tiMax: round3(max(ti)),
    stillFrameShare: round3(ti.length === 0 ? 1 : ti.filter((t) => t < STILL_TI).length / ti.length),
    staticPixelShare: round3(mean(all("staticShare"))),
    cutsPerMinute: round3(seconds > 0 ? (cuts / seconds) * 60 : 0),
    edgeWidth: edges.length === 0 ? null : round3(mean(edges)),
    noiseFloor: round3(mean(all("noiseFloor"))),
  };
}
