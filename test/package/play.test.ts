// `vps check-package --play` in the real headless Chromium: good packages play at every rung, a
// corrupted segment fails the rung it is in (which the static checks, probing only the first
// segment, cannot see), HEVC is skipped as not playable in this browser, and Chromium missing is
// exit 3. The browser is closed whatever the outcome.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/package/check/run";
import type { Run } from "../cli/run";
import { vpsIn } from "../run/cli";
import { tempDir } from "../tempDir";
import { copyOf, expectExit, makeDash, makeHls, problemsOf } from "./packages";

let hls: string;
let dash: string;
let mixed: string;

beforeAll(() => {
  hls = makeHls(join(tempDir(), "hls"));
  dash = makeDash(join(tempDir(), "dash"));
  mixed = makeHls(join(tempDir(), "mixed"), { small: "hevc" });
});

const play = (...args: string[]): Run => vpsIn({}, "check-package", "--play", ...args);

/** Overwrites the middle third of `file` with bytes that are no media. */
function garble(file: string): void {
  const bytes = readFileSync(file);
  for (let i = Math.floor(bytes.length / 3); i < Math.floor((2 * bytes.length) / 3); i++) bytes[i] = (i * 7919) % 256;
  writeFileSync(file, bytes);
}

describe("good packages play", () => {
  it("HLS: each rung decodes at its size and plays to the end (--json)", () => {
    const r = play(hls, "--json");
    expectExit(r, 0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.ok).toBe(true);
    expect(report.played).toEqual([
      {
        path: "master.m3u8",
        ok: true,
        problems: [],
        notes: [],
        rungs: [
          { id: "stream_0/index.m3u8", width: 320, height: 180, result: "decoded", detail: "decoded at 320x180, played to the end" },
          { id: "stream_1/index.m3u8", width: 160, height: 90, result: "decoded", detail: "decoded at 160x90, played to the end" },
        ],
      },
    ]);
  });

  it("DASH: each Representation forced in turn", () => {
    const r = play(dash);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/manifest\.mpd in the browser: played/);
    expect(r.stdout).toMatch(/representation 0 320x180: decoded \(decoded at 320x180, played to the end\)/);
    expect(r.stdout).toMatch(/representation 1 160x90: decoded \(decoded at 160x90, played to the end\)/);
    expect(r.stdout).toMatch(/every check passed — 1 manifest\(s\), 3 rung\(s\), played in the browser/);
  });

  it("an HEVC rung is not playable in this browser: skipped, not failed", () => {
    const r = play(mixed);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/stream_0\/index\.m3u8 320x180: decoded/);
    expect(r.stdout).toMatch(/stream_1\/index\.m3u8 160x90: not playable in this browser \(MediaSource\.isTypeSupported is false for video\/mp4; codecs="hvc1\.[^"]+"\)/);
  });
});

describe("what fails in playback (exit 1)", () => {
  it("HLS: garbage in the middle of a media segment fails its rung; the other still plays; the browser is closed", () => {
    const pkg = copyOf(hls);
    garble(join(pkg, "stream_0/seg_1.m4s"));
    // A VPS_CHROMIUM that notes its pid, then becomes the real browser.
    const dir = tempDir();
    const chromium = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout.trim();
    const wrapper = join(dir, "chromium");
    writeFileSync(wrapper, `#!/bin/sh\necho $$ > ${join(dir, "pid")}\nexec ${chromium} "$@"\n`, { mode: 0o755 });
    const r = vpsIn({ env: { VPS_CHROMIUM: wrapper } }, "check-package", "--play", pkg);
    expectExit(r, 1);
    // Only playback sees it: ffprobe reads the init and the first segment, which are intact.
    expect(problemsOf(r)).toEqual([expect.stringMatching(/^master\.m3u8 \(played\) stream_0\/index\.m3u8: /)]);
    expect(r.stdout).toMatch(/stream_1\/index\.m3u8 160x90: decoded/);
    const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
    expect(() => process.kill(pid, 0), `chromium ${pid} is still running`).toThrow(/ESRCH/);
  });

  it("DASH: a truncated media segment fails its Representation", () => {
    const pkg = copyOf(dash);
    const file = join(pkg, "chunk-stream1-00002.m4s");
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const r = play(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual([expect.stringMatching(/^manifest\.mpd \(played\) representation 1: /)]);
    expect(r.stdout).toMatch(/representation 0 320x180: decoded/);
  });

  it("a package of which nothing is playable in this browser", () => {
    const pkg = copyOf(mixed);
    const master = readFileSync(join(pkg, "master.m3u8"), "utf8");
    // Keep the HEVC variant and the audio; drop the H.264 one.
    writeFileSync(join(pkg, "master.m3u8"), master.replace(/#EXT-X-STREAM-INF:[^\n]*RESOLUTION=320x180[^\n]*\nstream_0\/index\.m3u8\n/, ""));
    const r = play(pkg);
    expectExit(r, 1);
    expect(problemsOf(r)).toEqual(["master.m3u8 (played): nothing in it is playable in this browser"]);
  });
});

describe("no browser", () => {
  it("chromium missing: exit 3, saying how to install it", () => {
    const r = vpsIn({ env: { VPS_CHROMIUM: "/nonexistent/chromium" } }, "check-package", "--play", hls);
    expectExit(r, 3);
    expect(r.stderr).toMatch(/chromium not found: VPS_CHROMIUM=\/nonexistent\/chromium is not an executable file; install it \(apt-get install -y chromium\)/);
  });
});
