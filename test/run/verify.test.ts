// verifyOutput on real files: a good encode passes with its facts; cut, garbage and wrong files
// fail with a problem that says what is wrong.
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../src/run/process";
import { type OutputExpectation, verifyOutput } from "../../src/run/verify";
import { ffmpeg } from "../content/media";
import { tempDir } from "../tempDir";
import { cue, encodeArgs, FAKE_FFMPEG } from "./jobs";

const dir = tempDir();
const EXPECT: OutputExpectation = { codec: "h264", width: 160, height: 90, pixFmt: "yuv420p", durationSeconds: 1, fps: 10 };
let good: string;

beforeAll(async () => {
  const job = encodeArgs(dir, "good.mp4");
  const outcome = await runJob({ exe: "ffmpeg", args: job.args, stallTimeoutMs: 30_000 });
  expect(outcome.ok).toBe(true);
  good = job.out;
});

/** Problems of a verdict that must have failed, joined for matching. */
async function problemsOf(file: string, expect: OutputExpectation): Promise<string> {
  const v = await verifyOutput(file, expect);
  if (v.ok) throw new Error(`${file} passed verification`);
  return v.problems.join("\n");
}

describe("verifyOutput", () => {
  it("accepts a good encode and reports its frames, duration, size and hash", async () => {
    const v = await verifyOutput(good, EXPECT);
    expect(v).toEqual({
      ok: true,
      frames: 10,
      duration: 1,
      bytes: statSync(good).size,
      sha256: createHash("sha256").update(readFileSync(good)).digest("hex"),
    });
  });

  it("rejects a garbage file (the fake ffmpeg's truncate, exit 0) as unreadable, naming the missing moov atom", async () => {
    const { args, out } = encodeArgs(dir, "truncated.mp4");
    expect(await runJob({ exe: FAKE_FFMPEG, args, env: cue("truncate"), stallTimeoutMs: 30_000 })).toMatchObject({ ok: true });
    const problems = await problemsOf(out, EXPECT);
    expect(problems).toMatch(/^cannot be read/);
    expect(problems).toMatch(/moov atom not found/);
  });

  it("rejects the first half of a real MP4 (its index is at the end)", async () => {
    const half = join(dir, "half.mp4");
    const bytes = readFileSync(good);
    writeFileSync(half, bytes.subarray(0, bytes.length >> 1));
    expect(await problemsOf(half, EXPECT)).toMatch(/moov atom not found/);
  });

  it("rejects a file whose index is whole but whose data was cut short", async () => {
    const full = join(dir, "faststart.mp4");
    ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", full]);
    const cut = join(dir, "faststart-cut.mp4");
    const bytes = readFileSync(full);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const problems = await problemsOf(cut, { ...EXPECT, durationSeconds: 3 });
    expect(problems).toMatch(/frames, expected 30/);
  });

  it("rejects a file of the wrong size, codec or pixel format", async () => {
    const problems = await problemsOf(good, { ...EXPECT, codec: "hevc", width: 320, height: 180, pixFmt: "yuv420p10le" });
    expect(problems).toContain("codec h264, expected hevc");
    expect(problems).toContain("frame size 160x90, expected 320x180");
    expect(problems).toContain("pixel format yuv420p, expected yuv420p10le");
  });

  it("rejects a file shorter than promised", async () => {
    const problems = await problemsOf(good, { ...EXPECT, durationSeconds: 2 });
    expect(problems).toContain("duration 1.000 s, expected 2.000 s (±1 frame at 10 fps)");
    expect(problems).toContain("10 frames, expected 20 (±1)");
  });

  it("allows the count and the duration the given tolerance", async () => {
    expect((await verifyOutput(good, { ...EXPECT, durationSeconds: 1.1 })).ok).toBe(true);
    expect((await verifyOutput(good, { ...EXPECT, durationSeconds: 1.2 })).ok).toBe(false);
    expect((await verifyOutput(good, { ...EXPECT, durationSeconds: 1.2, toleranceFrames: 2 })).ok).toBe(true);
  });

  it("rejects a missing file", async () => {
    expect(await problemsOf(join(dir, "absent.mp4"), EXPECT)).toMatch(/^cannot be read.*No such file or directory/);
  });

  it("refuses an expectation that cannot describe a video", async () => {
    await expect(verifyOutput(good, { ...EXPECT, fps: 0 })).rejects.toThrow(/must be positive/);
  });
});
