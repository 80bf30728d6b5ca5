// The fault fixture itself: the executor's retry tests rely on its cue list and call counter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJob } from "../../src/run/process";
import { verifyOutput } from "../../src/run/verify";
import { tempDir } from "../tempDir";
import { cue, encodeArgs, FAKE_FFMPEG } from "./jobs";

describe("fake-ffmpeg", () => {
  it("takes one cue per call from a list, counting calls in the state file, the last cue repeating", async () => {
    const dir = tempDir();
    const state = join(dir, "calls");
    const env = cue("fail,diskfull,ok", { VPS_FAKE_FFMPEG_STATE: state });
    const reasons: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { args } = encodeArgs(dir, `try${i}.mp4`);
      const outcome = await runJob({ exe: FAKE_FFMPEG, args, env, stallTimeoutMs: 30_000 });
      reasons.push(outcome.ok ? "ok" : `${outcome.reason}:${outcome.stderrTail.includes("No space left") ? "disk" : "encoder"}`);
    }
    expect(reasons).toEqual(["exit:encoder", "exit:disk", "ok", "ok"]);
    expect(readFileSync(state, "utf8").trim()).toBe("4");
  });

  it("runs the real ffmpeg on the ok cue", async () => {
    const { args, out } = encodeArgs(tempDir(), "real.mp4");
    expect(await runJob({ exe: FAKE_FFMPEG, args, env: cue("ok"), stallTimeoutMs: 30_000 })).toMatchObject({ ok: true });
    expect(await verifyOutput(out, { codec: "h264", width: 160, height: 90, durationSeconds: 1, fps: 10 })).toMatchObject({ ok: true, frames: 10 });
  });

  it("says so when given a cue it does not know", async () => {
    const outcome = await runJob({ exe: FAKE_FFMPEG, args: ["out.mp4"], env: cue("explode"), stallTimeoutMs: 30_000 });
    expect(outcome).toMatchObject({ ok: false, reason: "exit", code: 2 });
    expect(!outcome.ok && outcome.stderrTail).toMatch(/unknown cue 'explode'/);
  });
});
