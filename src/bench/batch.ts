// The batch of `vps bench run` and `vps bench farm`: twelve short real titles (the shared clips and
// synthetic lavfi sources, 4–12 s each, three premium, in arrival order with premium ones late), and
// the small helpers both benchmarks run it with.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { ExternalError, InputError } from "../util/errors";

export interface Source {
  id: string;
  tier: "premium" | "standard" | "ugc";
  file: string;
  /** Seconds after the run's start, for titles with a release time. */
  deadline?: number;
}

/** Synthetic sources (ffmpeg's own generators), each a different kind of content. */
const LAVFI: { name: string; graph: string; seconds: number }[] = [
  { name: "testcard", graph: "testsrc2=size=640x360:rate=25", seconds: 8 },
  { name: "fractal", graph: "mandelbrot=size=640x360:rate=25", seconds: 6 },
  { name: "grainy-bars", graph: "smptehdbars=size=640x360:rate=24,noise=alls=25:allf=t+u", seconds: 10 },
  { name: "life", graph: "life=size=640x360:rate=30:mold=10:ratio=0.1:death_color=#224466", seconds: 8 },
  { name: "cellular", graph: "cellauto=size=640x360:rate=25:rule=110", seconds: 6 },
  { name: "gradients", graph: "gradients=size=640x360:rate=30:speed=0.02", seconds: 12 },
  { name: "plasma", graph: "testsrc2=size=640x360:rate=30,hue=H=2*PI*t/4,noise=alls=8:allf=t", seconds: 10 },
  { name: "zoom", graph: "mandelbrot=size=480x270:rate=25:start_scale=2:end_scale=0.05", seconds: 8 },
];

const SHARED = ["animation_bbb_5s_720p_h264.mp4", "animation_caminandes1_10s_360p.mp4", "liveaction_tears_of_steel_10s_360p.mp4", "talkinghead_carphone_qcif_4s.mp4"];

function ffmpeg(args: string[]): void {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.error || r.status !== 0) throw new ExternalError(`ffmpeg could not make a bench source: ${r.stderr || r.error?.message}`);
}

/**
 * The twelve titles in arrival order: premium ones late in the list, as a naive queue meets them.
 * `only`: just these ids (a smaller batch for tests); their sources alone are made.
 */
export function makeSources(opts: { media: string; dir: string; copyMedia?: boolean; only?: readonly string[] }): Source[] {
  const makers = [
    ...LAVFI.map((s) => () => {
      const file = join(opts.dir, `${s.name}.mp4`);
      ffmpeg(["-f", "lavfi", "-i", s.graph, "-t", String(s.seconds), "-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-pix_fmt", "yuv420p", file]);
      return file;
    }),
    ...SHARED.map((f) => () => {
      if (!opts.copyMedia) return join(opts.media, f);
      // A farm's workers see only --shared-dir: the clips go in it.
      try {
        copyFileSync(join(opts.media, f), join(opts.dir, f));
      } catch (e) {
        throw new InputError(`the shared clip ${f} cannot be read from ${opts.media} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the clips' folder with --media DIR`);
      }
      return join(opts.dir, f);
    }),
  ];
  const tiers: Source["tier"][] = ["ugc", "standard", "ugc", "ugc", "premium", "ugc", "standard", "ugc", "premium", "ugc", "ugc", "premium"];
  const all = makers.map((make, i) => ({ id: `t${String(i + 1).padStart(2, "0")}`, tier: tiers[i]!, make }));
  return all.filter((s) => opts.only === undefined || opts.only.includes(s.id)).map(({ make, ...s }) => ({ ...s, file: make() }));
}

export function workloadYaml(sources: readonly Source[], slots: number): string {
  const titles = sources.map((s) => {
    const deadline = s.deadline === undefined ? "" : `, deadline: ${s.deadline}`;
    return `  - { id: ${s.id}, tier: ${s.tier}, content: { source: ${JSON.stringify(s.file)} }, deliverables: [h264-sdr]${deadline} }`;
  });
  return `epoch: 2026-01-01T00:00:00Z\ncapacity:\n  pools:\n    cpu: ${slots}\ntitles:\n${titles.join("\n")}\n`;
}

export function spawnDone(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? -1));
  });
}

export const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
