// runJob against real processes: the real ffmpeg for the happy path and abort, the fake one for
// faults. Outcomes are asserted, not durations: the machine may be busy.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuMsOfStat, type JobProgress, runJob } from "../../src/run/process";
import { tempDir } from "../tempDir";
import { cue, encodeArgs, endlessArgs, FAKE_FFMPEG } from "./jobs";

const STALL_MS = 1500;

describe("runJob", () => {
  it("runs a real encode to the end, reporting progress on the way", async () => {
    const { args, out } = encodeArgs(tempDir(), "ok.mp4");
    const seen: JobProgress[] = [];
    const outcome = await runJob({ exe: "ffmpeg", args, stallTimeoutMs: 30_000, onProgress: (p) => seen.push(p) });
    expect(outcome).toMatchObject({ ok: true });
    expect(existsSync(out)).toBe(true);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ end: true, frame: 10 });
    expect(last.outTimeSeconds).toBeGreaterThan(0);
    if (outcome.ok) {
      expect(outcome.wallMs).toBeGreaterThan(0);
      expect(outcome.cpuMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("reports a non-zero exit with the end of stderr", async () => {
    const { args } = encodeArgs(tempDir(), "bad.mp4", 1, ["-c:v", "no-such-encoder"]);
    const outcome = await runJob({ exe: "ffmpeg", args, stallTimeoutMs: 30_000 });
    expect(outcome).toMatchObject({ ok: false, reason: "exit", signal: null });
    if (outcome.ok) return;
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderrTail).toMatch(/no-such-encoder/);
    expect(outcome.stderrTail.split("\n").length).toBeLessThanOrEqual(10);
    expect(outcome.command).toContain("-progress pipe:1 -nostats");
  });

  it("reports a full disk as an exit failure carrying ffmpeg's words", async () => {
    const { args } = encodeArgs(tempDir(), "full.mp4");
    const outcome = await runJob({ exe: FAKE_FFMPEG, args, env: cue("diskfull"), stallTimeoutMs: 30_000 });
    expect(outcome).toMatchObject({ ok: false, reason: "exit", code: 1 });
    expect(!outcome.ok && outcome.stderrTail).toMatch(/No space left on device/);
  });

  it("reports a crash as death by signal", async () => {
    const { args } = encodeArgs(tempDir(), "crash.mp4");
    const outcome = await runJob({ exe: FAKE_FFMPEG, args, env: cue("crash"), stallTimeoutMs: 30_000 });
    expect(outcome).toMatchObject({ ok: false, reason: "signal", code: null, signal: "SIGSEGV" });
  });

  it("stops a job that goes silent, with SIGTERM", async () => {
    const { args } = encodeArgs(tempDir(), "hang.mp4");
    const outcome = await runJob({ exe: FAKE_FFMPEG, args, env: cue("hang"), stallTimeoutMs: STALL_MS });
    expect(outcome).toMatchObject({ ok: false, reason: "stalled", signal: "SIGTERM" });
  });

  it("kills a silent job that ignores SIGTERM once the grace is over", async () => {
    const { args } = encodeArgs(tempDir(), "deaf.mp4");
    const outcome = await runJob({ exe: FAKE_FFMPEG, args, env: cue("hang-hard"), stallTimeoutMs: STALL_MS });
    expect(outcome).toMatchObject({ ok: false, reason: "stalled", signal: "SIGKILL" });
  });

  it("does not call a slow job that keeps reporting progress stalled", async () => {
    const { args } = encodeArgs(tempDir(), "slow.mp4");
    const env = cue("slow-ok", { VPS_FAKE_FFMPEG_DELAY: "5" });
    const outcome = await runJob({ exe: FAKE_FFMPEG, args, env, stallTimeoutMs: 4000 });
    expect(outcome).toMatchObject({ ok: true });
  });

  it("stops a running job when its signal aborts", async () => {
    const abort = new AbortController();
    const outcome = await runJob({ exe: "ffmpeg", args: endlessArgs(tempDir()), stallTimeoutMs: 30_000, signal: abort.signal, onProgress: () => abort.abort() });
    expect(outcome).toMatchObject({ ok: false, reason: "aborted" });
  });

  it("does not start a job whose signal has already aborted", async () => {
    const dir = tempDir();
    const { args, out } = encodeArgs(dir, "never.mp4");
    const outcome = await runJob({ exe: "ffmpeg", args, stallTimeoutMs: 30_000, signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ ok: false, reason: "aborted", code: null, signal: null });
    expect(existsSync(out)).toBe(false);
  });

  it("reports a program that cannot be started", async () => {
    const outcome = await runJob({ exe: "/nonexistent/ffmpeg", args: ["out.mp4"], stallTimeoutMs: 30_000 });
    expect(outcome).toMatchObject({ ok: false, reason: "spawn", code: null });
    expect(!outcome.ok && outcome.stderrTail).toMatch(/ENOENT/);
  });

  it("stops the job and rejects when onProgress throws (a caller bug, not a job failure)", async () => {
    const run = runJob({ exe: "ffmpeg", args: endlessArgs(tempDir()), stallTimeoutMs: 30_000, onProgress: () => { throw new Error("bug in the caller"); } });
    await expect(run).rejects.toThrow("bug in the caller");
  });

  it("refuses a stall timeout that is not a positive number", () => {
    expect(() => runJob({ exe: "ffmpeg", args: [], stallTimeoutMs: 0 })).toThrow(/stallTimeoutMs/);
  });
});

describe("cpuMsOfStat", () => {
  it("adds user and system time, in USER_HZ ticks, after a command name with spaces", () => {
    const stat = "4242 (ff mpeg) S 1 4242 4242 0 -1 4194304 500 0 0 0 150 25 0 0 20 0 3 0 100 1000 200";
    expect(cpuMsOfStat(stat)).toBe(1750);
    expect(cpuMsOfStat("garbage")).toBeNull();
  });
});
