// Writing results with -o (and --workload-out): a regular file, whole or not at all. A target that
// exists and is not a regular file is refused and left as it was (as root, a rename over /dev/full
// used to turn the device into a regular file); an empty path is a usage error, not ignored; a
// symlink is written through to its target.
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { GOOD_WORKLOAD, ROOT, tempDir, vps } from "./run";

describe("vps plan -o", () => {
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD });
  const w = join(dir, "w.yaml");

  it.each([
    ["a device", "/dev/null", /cannot write \/dev\/null: it is a device/],
    ["a directory", dir, /it is a directory/],
    ["an empty path", "", /expected a file path to write, found an empty one/],
  ])("refuses %s with exit 2 and prints nothing", (_what, target, message) => {
    const before = target === "" ? null : statSync(target);
    const r = vps("plan", w, "-o", target);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    if (before) {
      const after = statSync(target);
      expect([after.isCharacterDevice(), after.isDirectory(), after.ino]).toEqual([before.isCharacterDevice(), before.isDirectory(), before.ino]);
    }
  });

  it("writes a new file and replaces an existing one", () => {
    const out = join(dir, "plan.json");
    expect(vps("plan", w, "-o", out).status).toBe(0);
    const first = readFileSync(out, "utf8");
    expect(JSON.parse(first).schemaVersion).toBe(1);
    expect(vps("plan", w, "-o", out).status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(first);
  });

  it("writes through a symlink: the link stays, its target gets the plan", () => {
    mkdirSync(join(dir, "real"), { recursive: true });
    const target = join(dir, "real", "plan.json");
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    expect(vps("plan", w, "-o", link).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).schemaVersion).toBe(1);
  });

  it("vps simulate --workload-out '' is refused too, before anything is written", () => {
    const r = vps("simulate", "--seed", "1", "--workload-out", "", "-o", join(dir, "sim.json"));
    expect(r.status).toBe(2);
    expect(existsSync(join(dir, "sim.json"))).toBe(false);
  });
});

describe("an empty path given to an input option", () => {
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD });
  it.each([["--events"], ["--cost-model"]])("%s '' → exit 2 saying so (it was silently ignored)", (option) => {
    const r = vps("plan", join(dir, "w.yaml"), option, "");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`${option}: expected a file path, found an empty one`));
  });
});

describe("a failed write of standard output", () => {
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD });
  it.each([["--json"], ["--table"]])("vps plan %s > /dev/full exits 3 saying why (it exited 0, the plan lost)", (format) => {
    // The shell's `>` in a test: stdout is the device itself, as a user's redirect makes it.
    const r = spawnSync("sh", ["-c", `"${process.execPath}" bin/vps plan "${join(dir, "w.yaml")}" ${format} > /dev/full`], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^vps: cannot write to standard output: ENOSPC: no space left on device/m);
  });

  it("a reader that goes away early is not an error: vps plan | head -c 10 exits 0", () => {
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" bin/vps simulate --seed 3 --json | head -c 10 >/dev/null`], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("option values", () => {
  it.each([["-1"], ["1.5"], ["+3"]])("--seed %s is refused (seeds are whole numbers from 0)", (seed) => {
    const r = vps("simulate", "--seed", seed);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/expected a whole-number seed ≥ 0 \(like 42\)/);
  });
});

describe("a workload beyond the limits, through the CLI", () => {
  // duration: 1e12 ran 40 s and died of a full heap (exit 134); 2700000 planned 56,258 tasks silently.
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD.replace(/duration: [^,}\n]+/, "duration: 1e12") });
  it("is refused at once: exit 2, the positioned message, nothing on stdout", () => {
    const r = vps("plan", join(dir, "w.yaml"));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/w\.yaml:\d+:\d+ titles\[0\]\.content\.duration: expected a duration of at most 48h \(172800 s\), found 1000000000000/);
  });
});
