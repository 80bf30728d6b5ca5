// `vps plan workload.yaml` end to end: the real bin/vps, stdout a pipe (so JSON by default).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { verifyPlan } from "../../src/plan/verify";
import { GOOD_WORKLOAD, HOPELESS_WORKLOAD, planOf, tempDir, vps, type Run } from "./run";

/** A 2-hour 4K title due a minute after it arrives: no farm and no downgrade can make that. */
const IMPOSSIBLE = `${HOPELESS_WORKLOAD}  - id: clip-1
    content: { duration: 3m, resolution: 1280x720, fps: 30 }
    deliverables: [h264-sdr]
    deadline: +2h
  - id: clip-2
    content: { duration: 2m, resolution: 1280x720, fps: 30 }
    deliverables: [h264-sdr]
`;

const NO_DEADLINES = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 8
titles:
  - id: clip-1
    content: { duration: 3m, resolution: 1280x720, fps: 30 }
    deliverables: [h264-sdr]
`;

const dir = tempDir({ "good.yaml": GOOD_WORKLOAD, "impossible.yaml": IMPOSSIBLE, "none.yaml": NO_DEADLINES });
const good = join(dir, "good.yaml");

describe("vps plan good.yaml", () => {
  let run: Run;
  let plan: Plan;
  beforeAll(() => {
    run = vps("plan", good);
    plan = planOf(run);
  });

  it("exits 0 with a schemaVersion 1 plan as JSON on stdout and nothing on stderr", () => {
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect(plan.schemaVersion).toBe(1);
    expect(plan.epoch).toBe("2026-11-24T00:00:00Z");
    expect(plan.policy).toBe("value");
    expect(plan.seed).toBeNull();
    expect(plan.pools).toEqual([{ id: "cpu", slots: 64 }]);
  });

  it("plans every title to a finish, and the plan keeps the contract", () => {
    expect(plan.titles.map((t) => t.id).sort()).toEqual(["clip-7", "ep-101"]);
    for (const t of plan.titles) {
      expect(typeof t.finish, t.id).toBe("number");
      expect(t.finish!, t.id).toBeGreaterThan(t.arrival);
    }
    expect(plan.titles.find((t) => t.id === "ep-101")).toMatchObject({ deadline: 6 * 3600, onTime: true, lateBy: 0 });
    expect(plan.titles.find((t) => t.id === "clip-7")).toMatchObject({ arrival: 600, deadline: null, onTime: null });
    expect(plan.metrics.deadlineCompliance).toBe(1);
    expect(verifyPlan(plan)).toEqual([]);
  });

  it("expands each title into analyse → encode → package per deliverable → publish", () => {
    const kinds = (title: string, kind: string) => plan.tasks.filter((t) => t.title === title && t.kind === kind);
    expect(kinds("ep-101", "analyse")).toHaveLength(1);
    expect(kinds("ep-101", "publish")).toHaveLength(1);
    expect(kinds("ep-101", "package").map((t) => t.deliverable).sort()).toEqual(["h264-sdr", "hevc-sdr"]);
    expect(kinds("clip-7", "encode").length).toBeGreaterThan(0);
    expect(kinds("clip-7", "encode").every((t) => t.start >= 600)).toBe(true);
  });

  it("--table prints a human table instead, naming the titles and the turnaround", () => {
    const r = vps("plan", good, "--table");
    expect(r.status).toBe(0);
    expect(() => JSON.parse(r.stdout)).toThrow();
    expect(r.stdout).toContain("ep-101");
    expect(r.stdout).toContain("clip-7");
    expect(r.stdout).toContain("Turnaround");
    expect(r.stdout).toMatch(/^vps plan — policy value, times after /);
    // FORCE_COLOR=0: no escape codes in the table.
    expect(r.stdout).not.toContain("\x1b[");
  });

  it("--policy fifo is recorded in plan.policy", () => {
    const fifo = planOf(vps("plan", good, "--policy", "fifo"));
    expect(fifo.policy).toBe("fifo");
    expect(verifyPlan(fifo)).toEqual([]);
  });

  it("-o writes the same JSON to the file and prints nothing to stdout", () => {
    const out = join(tempDir(), "plan.json");
    const r = vps("plan", good, "-o", out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(run.stdout);
  });

  it("-o with --json writes the file and prints the same plan", () => {
    const outDir = tempDir();
    const out = join(outDir, "plan.json");
    const r = vps("plan", good, "-o", out, "--json");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(run.stdout);
    expect(readFileSync(out, "utf8")).toBe(run.stdout);
    // Written whole: no temp file left beside it.
    expect(readdirSync(outDir)).toEqual(["plan.json"]);
  });
});

describe("vps plan --min-compliance: the CI gate", () => {
  const impossible = join(dir, "impossible.yaml");

  it("exits 1 when compliance is below the gate, naming the late title and by how much", () => {
    const r = vps("plan", impossible, "--min-compliance", "0.99");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/compliance 50\.0% is below the required 99\.0%/);
    const lines = r.stderr.split("\n").filter((l) => l.includes("late by"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("film-4k");
    expect(r.stderr).not.toContain("clip-1");
    // The plan is still printed, for the CI log or artefact.
    expect(JSON.parse(r.stdout).metrics.late).toBe(1);
  });

  // Two deadline titles, one of them impossible: compliance is exactly 50%.
  it.each([
    { gate: "0", status: 0 },
    { gate: "0.5", status: 0 },
    { gate: "0.51", status: 1 },
    { gate: "1", status: 1 },
  ])("--min-compliance $gate at 50% compliance → exit $status", ({ gate, status }) => {
    expect(vps("plan", impossible, "--min-compliance", gate).status).toBe(status);
  });

  it("the gate writes the plan file even when it fails (the input was valid)", () => {
    const out = join(tempDir(), "plan.json");
    expect(vps("plan", impossible, "--min-compliance", "1", "-o", out).status).toBe(1);
    expect(existsSync(out)).toBe(true);
  });

  it("a workload without deadlines passes any gate", () => {
    const r = vps("plan", join(dir, "none.yaml"), "--min-compliance", "1");
    expect(r.status).toBe(0);
    expect(planOf(r).metrics.deadlineCompliance).toBeNull();
  });
});

describe("numbers for people in the tables", () => {
  /** A 4-second NTSC-film clip: its encodes last well under a second each. */
  const BLIP = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 8
titles:
  - id: blip
    content: { duration: 4s, resolution: 1280x720, fps: 24000/1001 }
    deliverables: [h264-sdr]
`;
  const dir = tempDir({ "blip.yaml": BLIP });

  it("plan --tasks shows each task's start and end to a tenth of a second, and a short task's length (it showed +5s → +5s)", () => {
    const plan = planOf(vps("plan", join(dir, "blip.yaml")));
    const r = vps("plan", join(dir, "blip.yaml"), "--table", "--tasks");
    expect(r.status, r.stderr).toBe(0);
    const tenth = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
    const subSecond = plan.tasks.filter((t) => t.end - t.start < 1);
    expect(subSecond.length).toBeGreaterThan(0);
    for (const t of subSecond) {
      const row = r.stdout.split("\n").find((l) => l.includes(` ${t.id} `))!;
      const cells = row.split("│").map((c) => c.trim()).filter(Boolean);
      expect(cells.slice(3), t.id).toEqual([`+${tenth(t.start)}s`, `+${tenth(t.end)}s`, `${tenth(t.end - t.start)}s`]);
      expect(cells[3]).not.toBe(cells[4]);
    }
  });

  it("recipes explain writes a frame rate with at most three decimals (it wrote 23.976023976023978 fps)", () => {
    const r = vps("recipes", "explain", join(dir, "blip.yaml"), "--table", "--no-cache");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("blip — generic (default): 1280x720, 23.976 fps, 8-bit SDR");
    expect(r.stdout).not.toContain("23.97602");
  });
});
