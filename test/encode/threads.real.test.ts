// Slots are cores, for real: each shipped deliverable's generic recipe encodes a small clip with
// the argv encodeArgv builds for one slot, and the encode's CPU seconds ÷ wall seconds (read from
// /proc while it runs) stay at about one core. Only an upper bound: on a busy machine an encode
// gets less than it asks for, never more, so this cannot flake under load. (ffmpeg's -threads 1
// alone measured 1.84 cores with libx265 and 1.85 with libsvtav1 on 720p; the numbers for more
// slots are in src/encode/encoders.ts.)
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeArgv } from "../../src/encode/argv";
import type { Recipe } from "../../src/model";
import { aContent } from "../builders";
import { aProbe } from "../content/builders";
import { lavfi, makeClip, tempDir } from "../content/media";
import { measureCpu } from "../cpuUse";
import { shippedBook } from "../load/helpers";

const tmp = tempDir("vps-threads-");
afterAll(() => tmp.remove());

const ONE_SLOT_MAX_CORES = 1.25;

// Sizes and lengths that keep each encode to a second or two on one core: long enough for the
// encoder's threads to be up and busy, short enough for the suite.
const CASES = [
  { deliverable: "h264-sdr", width: 640, height: 360, seconds: 4 },
  { deliverable: "hevc-sdr", width: 320, height: 180, seconds: 2 },
  { deliverable: "av1", width: 320, height: 180, seconds: 2 },
  { deliverable: "vp9", width: 320, height: 180, seconds: 2 },
] as const;

const sources = new Map<string, string>();
beforeAll(() => {
  for (const c of CASES) {
    const key = `${c.width}x${c.height}@${c.seconds}`;
    if (!sources.has(key)) sources.set(key, makeClip(tmp.dir, key, lavfi(`testsrc2=size=${key.split("@")[0]}:rate=30`), c.seconds));
  }
}, 60_000);

function argvFor(c: (typeof CASES)[number], recipe: Recipe): string[] {
  const source = sources.get(`${c.width}x${c.height}@${c.seconds}`)!;
  const content = aContent({ source, width: c.width, height: c.height, fps: 30, duration: c.seconds });
  const facts = { content, probe: aProbe({ width: c.width, height: c.height, fps: 30, duration: c.seconds }), needs: [] };
  // The top rung: never upscaled, so the encode is at the clip's own size.
  return encodeArgv(facts, { title: c.deliverable, recipe, rendition: recipe.ladder[0]!, preset: recipe.preset, chunk: null, slots: 1 }, "out");
}

describe.each(CASES)("one slot of $deliverable", (c) => {
  it("keeps the encode to about one core", async () => {
    const recipe = shippedBook().recipes.find((r) => r.id === `${c.deliverable}/generic`)!;
    const argv = argvFor(c, recipe);
    mkdirSync(join(tmp.dir, dirname(argv.at(-1)!)), { recursive: true });
    const use = await measureCpu("ffmpeg", argv, tmp.dir);
    const seen = `${recipe.encoder}: ${use.cpuSeconds} CPU s in ${use.wallSeconds.toFixed(2)} s (${use.samples} samples); ${argv.join(" ")}`;
    expect(use.samples, seen).toBeGreaterThan(5);
    expect(use.cores, seen).toBeLessThanOrEqual(ONE_SLOT_MAX_CORES);
  }, 60_000);
});
