// The process edge: a missing binary, a crashing one, one that runs too long, one that talks too much.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localTools } from "../../../src/util/proc/runner";
import { commandLine, lastLines, runTool, ToolFailed, ToolNotFound, ToolStopped } from "../../../src/util/proc/tool";
import { ExternalError } from "../../../src/util/errors";

const emptyDir = mkdtempSync(join(tmpdir(), "vps-nopath-"));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

/** An ffmpeg that never ends on its own: an endless test pattern into the null muxer. */
const ENDLESS = ["-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=5", "-f", "null", "-"];

describe("runTool", () => {
  it("returns stdout and stderr of a successful run", async () => {
    const out = await runTool("ffprobe", ["-version"], { timeoutMs: 10_000 });
    expect(out.stdout).toMatch(/^ffprobe version/);
  });

  it("reports a missing binary as an ExternalError telling how to install it", async () => {
    const run = runTool("ffprobe", ["-version"], { timeoutMs: 10_000, env: { PATH: emptyDir } });
    await expect(run).rejects.toBeInstanceOf(ToolNotFound);
    await expect(run).rejects.toBeInstanceOf(ExternalError);
    await expect(run).rejects.toThrow("ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)");
  });

  it("reports a failing run with the command and the end of stderr", async () => {
    const run = runTool("ffmpeg", ["-hide_banner", "-nostdin", "-no-such-option", "x"], { timeoutMs: 10_000 });
    await expect(run).rejects.toBeInstanceOf(ToolFailed);
    const e = (await run.catch((x: unknown) => x)) as ToolFailed;
    expect(e.code).not.toBe(0);
    expect(e.message).toContain("ffmpeg -hide_banner -nostdin -no-such-option x");
    expect(e.stderrTail).toMatch(/no-such-option/);
    expect(e.stderrTail.split("\n").length).toBeLessThanOrEqual(10);
  });

  it("stops a run past its time limit and leaves no process behind", async () => {
    const started = performance.now();
    const e = (await runTool("ffmpeg", ENDLESS, { timeoutMs: 300 }).catch((x: unknown) => x)) as ToolStopped;
    expect(e).toBeInstanceOf(ToolStopped);
    expect(e).toBeInstanceOf(ExternalError);
    expect(e.message).toMatch(/ran longer than 300 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // Reaped, not a zombie: the kernel has forgotten the pid.
    expect(existsSync(`/proc/${e.pid}`)).toBe(false);
  });

  it("stops a tool that prints more than its output limit", async () => {
    const args = ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=25", "-t", "10", "-f", "rawvideo", "-"];
    const run = runTool("ffmpeg", args, { timeoutMs: 10_000, maxStdoutBytes: 100_000 });
    await expect(run).rejects.toThrow(/printed more than 100000 bytes/);
  });

  it("takes arguments as an array: shell characters are just characters", async () => {
    const e = (await runTool("ffprobe", ["-v", "error", "-i", "file:/nonexistent/$(touch x); rm -rf ~.mp4"], { timeoutMs: 10_000 }).catch((x: unknown) => x)) as ToolFailed;
    expect(e).toBeInstanceOf(ToolFailed);
    expect(e.stderrTail).toContain("$(touch x); rm -rf ~.mp4");
  });
});

describe("localTools", () => {
  it("collects the files a tool wrote and removes its scratch directory", async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("vps-tool-")));
    const args = ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=5", "-frames:v", "3", "-vf", "siti,metadata=mode=print:file=out.txt", "-f", "null", "-"];
    const r = await localTools("ffmpeg", args, { timeoutMs: 10_000, collect: ["out.txt"] });
    expect(r.files["out.txt"]).toMatch(/lavfi\.siti\.si=/);
    const after = readdirSync(tmpdir()).filter((n) => n.startsWith("vps-tool-") && !before.has(n));
    expect(after).toEqual([]);
  });

  it("fails when the tool did not write a file it was expected to", async () => {
    const args = ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=5", "-frames:v", "1", "-f", "null", "-"];
    await expect(localTools("ffmpeg", args, { timeoutMs: 10_000, collect: ["missing.txt"] })).rejects.toThrow(/did not write missing.txt/);
  });
});

describe("messages", () => {
  it("quotes arguments with spaces or quotes when showing a command", () => {
    expect(commandLine("ffmpeg", ["-i", "my clip.mp4", "-vf", "a='b'"])).toBe(`ffmpeg -i 'my clip.mp4' -vf 'a='\\''b'\\'''`);
  });

  it("keeps the last non-empty lines", () => {
    expect(lastLines("a\n\nb\r\nc\n", 2)).toBe("b\nc");
  });
});
