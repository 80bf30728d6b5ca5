// The progress line of long commands (analyze, ladder, bench scale): on a terminal one line cut at
// its width, gone at the end; on a pipe nothing but the lines that are meant to stay.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressText, showingTools, stepProgress } from "../../src/cli/progress";
import type { ToolRunner } from "../../src/util/proc/runner";

/** A stream that records what was written, a terminal of `columns` or a pipe. */
function stream(columns: number | null): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const s = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(s, { isTTY: columns !== null, columns: columns ?? 0, text: () => chunks.join("") });
  // cli-progress moves the cursor with these on a terminal.
  Object.assign(s, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return s;
}

describe("progressText", () => {
  it("shows the count, the time so far, an ETA once a step set the pace, and what runs", () => {
    expect(progressText("vps analyze", "files", { value: 0, total: 4, progress: 0 }, 3, "")).toBe("vps analyze ░░░░░░░░░░░░░░░░ 0/4 files · 3s");
    expect(progressText("vps analyze", "files", { value: 1, total: 4, progress: 0.25 }, 20, "ffmpeg running")).toBe("vps analyze ████░░░░░░░░░░░░ 1/4 files · 20s · ETA 1m00s · ffmpeg running");
  });
});

describe("stepProgress", () => {
  it("writes nothing on a pipe but the lines meant to stay", () => {
    const out = stream(null);
    const p = stepProgress("vps ladder", 2, "files", out);
    p.detail("ffmpeg running");
    p.step();
    p.log("kept line");
    p.stop();
    expect(out.text()).toBe("kept line\n");
  });

  it("on a terminal, draws one line no wider than the terminal and clears it at the end", () => {
    const out = stream(40);
    const p = stepProgress("vps bench scale", 2, "runs", out);
    p.detail("value, run 1 of 1, a detail long enough to be cut at forty columns");
    p.step();
    p.log("kept line");
    p.step();
    p.stop();
    const text = out.text();
    expect(text).toContain("kept line\n");
    expect(text).toContain("vps bench scale");
    // Each redraw starts at column 1 (ESC[1G) or a new line; escape codes take no columns.
    // eslint-disable-next-line no-control-regex
    const draws = text.split(/\r|\n|\x1b\[1G/).map((l) => l.replace(/\x1b[78]|\x1b\[[0-9;?]*[A-Za-z]/g, ""));
    expect(draws.filter((d) => d.startsWith("vps bench scale")).length).toBeGreaterThanOrEqual(2);
    for (const drawn of draws) expect([...drawn].length).toBeLessThanOrEqual(40);
  });
});

describe("showingTools", () => {
  it("names the tools running and counts the runs done, passing results and errors through", async () => {
    const details: string[] = [];
    const progress = { step: () => undefined, detail: (t: string) => details.push(t), log: () => undefined, stop: () => undefined };
    const base: ToolRunner = async (cmd) => {
      if (cmd === "ffprobe") throw new Error("broken");
      return { stdout: "ok", stderr: "", files: {} } as unknown as Awaited<ReturnType<ToolRunner>>;
    };
    const tools = showingTools(base, progress);
    const [a, b] = await Promise.allSettled([tools("ffmpeg", [], {} as never), tools("ffmpeg", [], {} as never)]);
    expect(a.status).toBe("fulfilled");
    expect(b.status).toBe("fulfilled");
    await expect(tools("ffprobe", [], {} as never)).rejects.toThrow("broken");
    expect(details).toContain("0 runs done, ffmpeg ×2 running");
    expect(details.at(-1)).toBe("3 runs done");
  });
});
