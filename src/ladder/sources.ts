// The default title set of `vps bench recipes` and `vps ladder --fit`: the shared real clips plus
// synthetic sources for the classes they lack, generated with ffmpeg's lavfi at run time into the
// run's temp dir (nothing downloaded, nothing kept). The argv is pure; generation runs through
// the injected ToolRunner.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ToolRunner } from "../util/proc/runner";
import { InputError } from "../util/errors";

export interface SyntheticSource {
  name: string;
  /** The class it stands for (what `vps analyze` makes of it is checked at run time, not assumed). */
  stands: string;
  /** ffmpeg input arguments and filters producing 1280x720 25 fps video. */
  args: (seconds: number, media: string) => string[];
}

const SIZE = "1280x720";
/** The real clip the grain source is made from. */
export const GRAIN_BASE = "animation_bbb_5s_720p_h264.mp4";
const lavfi = (graph: string): string[] => ["-f", "lavfi", "-i", graph];

/**
 * 720p, so the fixed ladder keeps seven of its nine rungs (a 360p source keeps two).
 *  - motion: a Mandelbrot zoom (fast, accelerating motion over fine detail; maxiter 128 keeps
 *    generation to a few seconds);
 *  - screen: a board of sixteen 320x180 testsrc2 thumbnails (flat colour, sharp edges, small
 *    timecode text), a new board every second, frozen in between (slides, a dashboard, a screen
 *    share). A single testsrc picture a second was too easy to be useful: every rung of both
 *    ladders reached > 48 dB under 150 kb/s;
 *  - grain: the shared Big Buck Bunny clip with temporal noise (film grain on a real picture).
 */
export const SYNTHETIC: readonly SyntheticSource[] = [
  { name: "synthetic-motion", stands: "high-motion", args: () => lavfi(`mandelbrot=size=${SIZE}:rate=25:maxiter=128:start_scale=3:end_scale=0.002:end_pts=40`) },
  { name: "synthetic-screen", stands: "screen", args: () => lavfi("testsrc2=size=320x180:rate=16,tile=4x4,fps=25") },
  { name: "synthetic-grain", stands: "film-grain", args: (_, media) => ["-i", join(media, GRAIN_BASE), "-vf", `scale=${SIZE.replace("x", ":")},noise=alls=8:allf=t`] },
];

const TEARS = "liveaction_tears_of_steel_10s_360p.mp4";
const CAMINANDES = "animation_caminandes1_10s_360p.mp4";
const from = (media: string, clip: string, vf: string): string[] => ["-ss", "2", "-i", join(media, clip), "-vf", `${vf},fps=25`];

/**
 * More titles for `vps ladder --fit` (not the bench): the bench set spans complexity 0.16–0.62
 * with one title per class, too few for a model asked about any title a scenario draws. These
 * widen it with what a platform does receive: camera pans over detail (the shared clips cropped
 * from an upscale, moving), an SD master upscaled to 720p (soft: little to lose by scaling),
 * heavier grain, a slower zoom and a moving test card. Cellular automata and pure noise were
 * tried and left out: patterns no camera produces, each alone moved the fit more than the real
 * clips together (held-out error 10–33 dB on them). Screen content is not fitted
 * (UNFITTED_CLASSES in model.ts).
 */
export const FIT_EXTRA: readonly SyntheticSource[] = [
  { name: "fit-bbb-pan", stands: "generic", args: (_, media) => ["-i", join(media, GRAIN_BASE), "-vf", "scale=2560:1440,crop=1280:720:x='t*220':y='t*90',fps=25"] },
  { name: "fit-caminandes-pan", stands: "animation", args: (_, media) => from(media, CAMINANDES, "scale=1920:1080,crop=1280:720:x='t*120':y='t*40'") },
  { name: "fit-tears-upscaled", stands: "generic", args: (_, media) => from(media, TEARS, "scale=1280:720:flags=bicubic") },
  { name: "fit-tears-grain", stands: "film-grain", args: (_, media) => from(media, TEARS, "scale=1280:720:flags=bicubic,noise=alls=6:allf=t") },
  { name: "fit-bbb-heavy-grain", stands: "film-grain", args: (_, media) => ["-i", join(media, GRAIN_BASE), "-vf", "scale=854:480,noise=alls=16:allf=t,fps=25"] },
  { name: "fit-slow-zoom", stands: "high-motion", args: () => lavfi(`mandelbrot=size=${SIZE}:rate=25:maxiter=128:start_scale=1:end_scale=0.3:end_pts=60`) },
  { name: "fit-test-card", stands: "generic", args: () => lavfi(`testsrc2=size=${SIZE}:rate=25`) },
];

/** Lossless FFV1: the synthetic source is as clean as the generator made it. */
export function syntheticArgs(s: SyntheticSource, seconds: number, media: string, output: string): string[] {
  return ["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", ...s.args(seconds, media), "-t", seconds.toFixed(3), "-an", "-pix_fmt", "yuv420p", "-c:v", "ffv1", "-level", "3", "-f", "matroska", output];
}

/** Video files of the shared media folder, sorted by name. */
export function listMedia(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new InputError(`cannot read the shared media folder ${dir}: pass files, or check ../shared/data/media beside the package`);
  }
  return names.filter((n) => /\.(mp4|mkv|mov|webm|y4m|nut)$/i.test(n)).sort().map((n) => join(dir, n));
}

export interface TitleSource {
  /** A short name for tables (the file name, or the synthetic source's name). */
  name: string;
  file: string;
  synthetic: boolean;
}

/** Generates the synthetic sources into `dir` (one second longer than the excerpt, so it is never cut short). */
export async function makeSynthetic(dir: string, media: string, excerptSeconds: number, tools: ToolRunner, set: readonly SyntheticSource[] = SYNTHETIC): Promise<TitleSource[]> {
  const out: TitleSource[] = [];
  for (const s of set) {
    const file = join(dir, `${s.name}.mkv`);
    await tools("ffmpeg", syntheticArgs(s, excerptSeconds + 1, media, file), { timeoutMs: 300_000 });
    out.push({ name: s.name, file, synthetic: true });
  }
  return out;
}

/** Every shared clip, named by its file name. */
const realSources = (media: string): TitleSource[] => listMedia(media).map((file) => ({ name: file.slice(media.length + 1), file, synthetic: false }));

/** The default set: every shared clip, then the synthetic ones. */
export async function defaultSources(dir: string, media: string, excerptSeconds: number, tools: ToolRunner): Promise<TitleSource[]> {
  return [...realSources(media), ...(await makeSynthetic(dir, media, excerptSeconds, tools))];
}

/** The fit's default set: the shared clips, the bench's synthetic sources but screen content (which the model does not speak for), then FIT_EXTRA. */
export async function fitSources(dir: string, media: string, excerptSeconds: number, tools: ToolRunner): Promise<TitleSource[]> {
  const synthetic = [...SYNTHETIC.filter((s) => s.stands !== "screen"), ...FIT_EXTRA];
  return [...realSources(media), ...(await makeSynthetic(dir, media, excerptSeconds, tools, synthetic))];
}
