// `vps run` refusing what cannot run, before it writes anything: ffmpeg missing (exit 3), no title
// with a source, bad options (exit 2); and a source file that changes after it was measured, which
// fails its title (exit 4) and no other.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../cli/run";
import { tempDir } from "../tempDir";
import { cuedFfmpeg, decodedFrames, filesUnder, journalOf, makeSource, publishedRungs, reportOf, vpsIn, vpsStart, waitFor, workloadYaml } from "./cli";

let sources: string;
let cache: string;

beforeAll(() => {
  sources = tempDir();
  cache = tempDir();
  makeSource(join(sources, "a.mp4"), "320x180", 1);
  makeSource(join(sources, "b.mp4"), "320x180", 1);
  makeSource(join(sources, "other.mp4"), "320x180", 2);
});

const expectExit = (r: Run, code: number) => expect(r.status, `exit ${r.status}, stderr:\n${r.stderr}`).toBe(code);
const twoTitles = () =>
  workloadYaml([
    { id: "a", tier: "premium", source: join(sources, "a.mp4") },
    { id: "b", tier: "ugc", source: join(sources, "b.mp4") },
  ]);

describe("vps run: refused before anything is written", () => {
  const NO_SOURCE = `epoch: 2026-12-03T00:00:00Z
capacity: { pools: { cpu: 2 } }
titles:
  - { id: a, tier: premium, content: { duration: 1m, resolution: 320x180, fps: 24 }, deliverables: [h264-sdr] }
`;
  it.each([
    ["ffmpeg is missing (--ffmpeg /nonexistent)", 3, twoTitles, ["--ffmpeg", "/nonexistent"], /ffmpeg cannot be run \(\/nonexistent: ENOENT\)/],
    ["no title has a source file", 2, () => NO_SOURCE, [], /no title of the workload has a source file/],
    ["--slots is not pool=count", 2, twoTitles, ["--slots", "bogus"], /--slots <pool=n,…>. argument .bogus. is invalid. expected pool=count/],
    ["--slots names a pool the workload does not have", 2, twoTitles, ["--slots", "gpu=1"], /--slots names pool gpu/],
    ["--partial is neither hold nor publish", 2, twoTitles, ["--partial", "maybe"], /--partial <mode>. argument .maybe. is invalid. expected hold or publish/],
    ["--stall-timeout is not positive", 2, twoTitles, ["--stall-timeout", "0"], /--stall-timeout/],
  ])("when %s: exit %i", (_what, code, workload, flags, message) => {
    const dir = tempDir({ "w.yaml": workload() });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, ...flags);
    expectExit(r, code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "out")), "the out dir was created").toBe(false);
  });

  it("names the option when --max-tries is out of range", () => {
    const dir = tempDir({ "w.yaml": twoTitles() });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--max-tries", "0");
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--max-tries/);
  });
});

describe("vps run: a source changed after it was planned", () => {
  it("fails that title's analyse with 'changed since it was planned' (exit 4); the other title is published", async () => {
    const dir = tempDir();
    const changing = join(dir, "b.mp4");
    copyFileSync(join(sources, "b.mp4"), changing);
    const workload = workloadYaml([
      { id: "a", tier: "premium", source: join(sources, "a.mp4") },
      { id: "b", tier: "ugc", source: changing },
    ]);
    const run = tempDir({ "w.yaml": workload });
    // One slot: the premium title runs first, its encode slow, and b's analyse waits for it.
    const ffmpeg = cuedFfmpeg(run, { a: "slow-ok" }, 2);
    const out = join(run, "out");
    const running = vpsStart({ cwd: run }, "run", "w.yaml", "--out-dir", "out", "--cache", cache, "--ffmpeg", ffmpeg, "--slots", "cpu=1");
    await waitFor("a's encode to start", () => journalOf(out).some((e) => e.type === "start" && e.task === "a/encode/h264-sdr/240p"));
    expect(journalOf(out).some((e) => e.type === "start" && e.task === "b/analyse"), "b's analyse ran before a's encode: the test cannot change its source in time").toBe(false);
    copyFileSync(join(sources, "other.mp4"), changing);

    const r = await running.done;
    expectExit(r, 4);
    expect(r.stderr).toMatch(/^ {2}b: held \(not published\): b\/analyse failed: source .*b\.mp4 changed since it was planned/m);
    expect(reportOf(out).titles.find((t) => t.id === "b")?.failed?.reason).toMatch(/changed since it was planned/);
    expect(publishedRungs(out)).toEqual(["a/h264-sdr/240p.m3u8"]);
    expect(decodedFrames(join(out, "published/a/h264-sdr/240p.m3u8"))).toBe(24);
    // nothing of b was encoded from the changed file
    expect(journalOf(out).some((e) => e.type === "start" && e.task.startsWith("b/encode"))).toBe(false);
  }, 120_000);
});

/** A small tmpfs mounted for the test (root in a sandbox may mount one); null where it cannot be. */
function tmpfs(options: string): string | null {
  const dir = tempDir();
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) return null;
  mounted.push(dir);
  return dir;
}
const mounted: string[] = [];
afterAll(() => mounted.forEach((dir) => spawnSync("umount", [dir])));
const canMount = (() => {
  const dir = tmpfs("size=64k");
  return dir !== null;
})();

describe("vps run: an out-dir that cannot take the run", () => {
  // Mounting needs root with CAP_SYS_ADMIN, as CI and the developers' machines run; elsewhere these skip.
  it.skipIf(!canMount)("on a read-only filesystem: exit 2, saying so, nothing written", () => {
    const ro = tmpfs("ro,size=64k")!;
    const dir = tempDir({ "w.yaml": twoTitles() });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", ro, "--cache", cache);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--out-dir .* cannot be written: .*read-only/i);
    expect(filesUnder(ro)).toEqual([]);
  });

  it.skipIf(!canMount)("without room for the plan's intermediate files: exit 2 with the figures, nothing but the lock dir", () => {
    const small = tmpfs("size=16k")!;
    const dir = tempDir({ "w.yaml": twoTitles() });
    const r = vpsIn({ cwd: dir }, "run", "w.yaml", "--out-dir", small, "--cache", cache);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/has 0\.00 GiB free; the plan's intermediate files need about [\d.]+ GiB/);
    expect(filesUnder(small)).toEqual([]);
  });
});
