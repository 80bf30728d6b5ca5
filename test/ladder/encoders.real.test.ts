// The ladder's per-encoder paths run for real on a tiny lossless clip: for libx265 (two-pass ABR
// through -x265-params pass/stats), libsvtav1 (one-pass VBR, 10-bit) and libvpx-vp9 (two-pass),
// the CRF trial grid is encoded and measured, then two rungs (one at the source's size, one scaled
// down, side by side so their pass statistics files must not collide) are encoded at their
// bitrates; ffprobe checks each rung's file before the ladder code deletes it. The library
// functions are called directly with each deliverable's generic recipe and a fast preset:
// 426x240 (one trial size), a 1 s excerpt at 24 fps, PSNR only (SSIM's parsing does not depend on
// the encoder and the x264 CLI test covers it). Then every x265 recipe opens under
// `--preset ultrafast`, and one `vps ladder --deliverable hevc-sdr` runs end to end.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { localTools, type ToolRunner } from "../../src/util/proc/runner";
import { encoderArgs, trialArgs } from "../../src/ladder/ffmpegArgs";
import { crfLevels, trialGrid } from "../../src/ladder/grid";
import { encoderOf, recipeForClass, type TitleLadder } from "../../src/ladder/ladder";
import { MAX_PSNR } from "../../src/ladder/parse";
import { cutExcerpt, encodeRungs, type Reference, runTrials, withWorkspace } from "../../src/ladder/trials";
import { vps } from "../cli/run";
import { ffmpeg, lavfi } from "../content/media";
import { shippedBook } from "../load/helpers";
import { tempDir } from "../tempDir";

const SOURCE = { width: 426, height: 240, fps: 24, interlaced: false };
const EXCERPT = { start: 0.5, seconds: 1 };
let clip: string;

beforeAll(() => {
  clip = join(tempDir(), "tiny.mkv");
  ffmpeg([...lavfi(`testsrc2=size=${SOURCE.width}x${SOURCE.height}:rate=${SOURCE.fps}`), "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "ffv1", clip]);
});

interface Probed {
  codec: string;
  pixFmt: string;
  width: number;
  height: number;
}

/** What ffprobe says of an encoded file's first video stream. */
function probe(path: string): Probed {
  const r = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,pix_fmt,width,height", "-of", "json", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffprobe ${path} failed: ${r.stderr}`);
  const s = (JSON.parse(r.stdout) as { streams: Record<string, string | number>[] }).streams[0]!;
  return { codec: String(s.codec_name), pixFmt: String(s.pix_fmt), width: Number(s.width), height: Number(s.height) };
}

/** The pass statistics file a first pass names: libvpx's -passlogfile prefix or x265's stats=. */
function passLogOf(args: readonly string[]): string {
  const i = args.indexOf("-passlogfile");
  if (i >= 0) return args[i + 1]!;
  const stats = /(?:^|:)stats=([^:]+)/.exec(args[args.indexOf("-x265-params") + 1] ?? "");
  if (!stats) throw new Error(`a first pass without a statistics file: ${args.join(" ")}`);
  return stats[1]!;
}

interface Seen {
  /** Rung passes (bitrate, not CRF), in the order they finished. */
  rungPasses: string[][];
  /** Per first pass: its statistics prefix → the non-empty files starting with it, right after it ran. */
  stats: Map<string, string[]>;
  /** Per measured encode: what ffprobe said of it (the ladder code deletes it once measured). */
  probed: Map<string, Probed>;
}

/** The real tools, watching what the rung encodes write. */
function watchingTools(seen: Seen): ToolRunner {
  return async (cmd, args, req) => {
    if (cmd === "ffmpeg" && args.includes("-filter_complex")) {
      const encoded = args[args.indexOf("-i") + 1]!;
      seen.probed.set(encoded, probe(encoded));
    }
    const out = await localTools(cmd, args, req);
    if (cmd === "ffmpeg" && args.includes("-b:v") && !args.includes("-crf")) {
      seen.rungPasses.push([...args]);
      if (args.at(-1) === "-") {
        const log = passLogOf(args);
        const files = readdirSync(dirname(log)).filter((f) => f.startsWith(basename(log)) && statSync(join(dirname(log), f)).size > 0);
        seen.stats.set(log, files);
      }
    }
    return out;
  };
}

const CASES = [
  { deliverable: "hevc-sdr", encoder: "libx265", preset: "ultrafast", codec: "hevc", pixFmt: "yuv420p", passes: 2 },
  { deliverable: "av1", encoder: "libsvtav1", preset: "12", codec: "av1", pixFmt: "yuv420p10le", passes: 1 },
  { deliverable: "vp9", encoder: "libvpx-vp9", preset: "5", codec: "vp9", pixFmt: "yuv420p", passes: 2 },
] as const;

describe.each(CASES)("$encoder ($deliverable) for real", (c) => {
  it("trial-encodes the CRF grid and encodes rungs at their bitrates", async () => {
    const recipe = recipeForClass(shippedBook(), c.deliverable, "generic");
    expect(recipe.encoder).toBe(c.encoder);
    const encoder = encoderOf(recipe, c.preset);
    const seen: Seen = { rungPasses: [], stats: new Map(), probed: new Map() };

    const { ref, trials, rungs } = await withWorkspace(
      watchingTools(seen),
      2,
      async (ws) => {
        const ref: Reference = await cutExcerpt(ws, clip, clip, SOURCE, EXCERPT, recipe.bitDepth);
        const trials = await runTrials(ws, ref, encoder, trialGrid(SOURCE, c.encoder));
        // Rates the encoder reaches easily: the middle CRF's, and half of it at 320x180.
        const mid = Math.round(trials[2]!.kbps);
        const targets = [
          { width: SOURCE.width, height: SOURCE.height, kbps: mid },
          { width: 320, height: 180, kbps: Math.round(mid / 2) },
        ];
        return { ref, trials, rungs: await encodeRungs(ws, ref, encoder, targets, "rung") };
      },
      false,
    );

    expect(ref).toMatchObject({ frames: 24, bitDepth: recipe.bitDepth });
    // Trials: finite points, rate and PSNR falling as CRF rises, a plausible best PSNR.
    expect(trials.map((t) => [t.width, t.height, t.crf])).toEqual(crfLevels(c.encoder).map((crf) => [426, 240, crf]));
    for (const t of trials) {
      expect(Number.isFinite(t.kbps) && t.kbps > 0).toBe(true);
      expect(Number.isFinite(t.psnr) && t.psnr < MAX_PSNR).toBe(true);
      expect(t.ssim).toBeNull();
    }
    for (let i = 1; i < trials.length; i++) {
      expect(trials[i]!.kbps).toBeLessThan(trials[i - 1]!.kbps);
      expect(trials[i]!.psnr).toBeLessThan(trials[i - 1]!.psnr);
    }
    expect(trials[0]!.psnr).toBeGreaterThan(20);

    // Rungs: the encoder's passes, a statistics file of its own per rung, and each output the codec
    // and size asked, near its bitrate (a generous factor: 24 frames leave rate control little room).
    expect(seen.rungPasses).toHaveLength(2 * c.passes);
    expect([...seen.stats.keys()].sort()).toEqual(c.passes === 2 ? [0, 1].map((i) => join(ref.path, "..", `rung-${i}.pass`)) : []);
    for (const files of seen.stats.values()) expect(files.length).toBeGreaterThan(0);
    expect(rungs).toHaveLength(2);
    for (const [i, r] of rungs.entries()) {
      expect(seen.probed.get(join(ref.path, "..", `rung-${i}.bin`))).toEqual({ codec: c.codec, pixFmt: c.pixFmt, width: r.width, height: r.height });
      expect(r.kbps / r.targetKbps).toBeGreaterThan(0.3);
      expect(r.kbps / r.targetKbps).toBeLessThan(3);
      expect(r.psnr).toBeGreaterThan(20);
    }
  }, 120_000);
});

describe("x265 recipes under a fast preset", () => {
  it("lengthens the lookahead past the recipe's B-frames only when the preset's is too short", () => {
    const spec = { encoder: "libx265", settings: { bframes: 8 }, bitDepth: 8 };
    const params = (preset: string, settings: Record<string, number> = spec.settings) => {
      const a = encoderArgs({ ...spec, preset, settings });
      return a[a.indexOf("-x265-params") + 1];
    };
    expect(params("ultrafast")).toBe("bframes=8:rc-lookahead=9:frame-threads=1:pools=none:log-level=error");
    expect(params("superfast")).toBe("bframes=8:frame-threads=1:pools=none:log-level=error");
    expect(params("slow")).toBe("bframes=8:frame-threads=1:pools=none:log-level=error");
    expect(params("ultrafast", { bframes: 8, "rc-lookahead": 12 })).toBe("bframes=8:rc-lookahead=12:frame-threads=1:pools=none:log-level=error");
  });

  // x265 refused hevc-sdr's animation recipe (bframes 8) under ultrafast: "Lookahead depth must be
  // greater than the max consecutive bframe count".
  it("opens every x265 recipe with --preset ultrafast", async () => {
    const recipes = shippedBook().recipes.filter((r) => r.encoder === "libx265");
    expect(recipes.length).toBeGreaterThan(6);
    await withWorkspace(localTools, 2, async (ws) => {
      const ref = await cutExcerpt(ws, clip, clip, SOURCE, { start: 0, seconds: 0.5 }, 8);
      for (const r of recipes) {
        const output = join(ws.dir, "t.hevc");
        await localTools("ffmpeg", trialArgs({ excerpt: ref.path, size: SOURCE, source: SOURCE, encoder: encoderOf(r, "ultrafast"), crf: 32, output }), { timeoutMs: 60_000 });
        expect(probe(output)).toMatchObject({ codec: "hevc", pixFmt: r.bitDepth > 8 ? "yuv420p10le" : "yuv420p" });
      }
    });
  }, 60_000);
});

describe("vps ladder --deliverable hevc-sdr", () => {
  it("trial-encodes with x265 end to end and picks rungs", () => {
    const r = vps("ladder", clip, "--deliverable", "hevc-sdr", "--preset", "ultrafast", "--seconds", "1", "--jobs", "1", "--json", "--no-cache");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [l] = JSON.parse(r.stdout) as TitleLadder[];
    expect(l!.encoder).toMatchObject({ encoder: "libx265", preset: "ultrafast" });
    expect(l!.excerpt).toMatchObject({ seconds: 1, frames: 24 });
    expect(l!.trials).toHaveLength(5);
    for (const t of l!.trials) {
      expect(t.kbps).toBeGreaterThan(0);
      expect(t.psnr).toBeGreaterThan(20);
      expect(t.ssim).toBeGreaterThan(0.5);
    }
    expect(l!.rungs.length).toBeGreaterThan(0);
  }, 60_000);
});
