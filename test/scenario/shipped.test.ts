// Every shipped scenario loads, generates a valid workload, and is deterministic per seed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Title, Workload } from "../../src/model";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioFile, resolveScenario, shippedScenarios } from "../../src/scenario/load";
import { DELIVERABLES } from "../../src/scenario/types";
import { InputError } from "../../src/util/errors";

const DIR = join(__dirname, "../../scenarios");
const SHIPPED = ["backlog", "default", "many-formats", "mixed-content", "peak-hour", "peak-load", "premium-rush", "scheduled-release", "viral"];

/** Every broken invariant as a line naming the title, so one failure shows them all. */
function invariantViolations(w: Workload, window: number): string[] {
  const out: string[] = [];
  const bad = (t: Title, what: string): number => out.push(`${t.id}: ${what}`);
  if (new Set(w.titles.map((t) => t.id)).size !== w.titles.length) out.push("ids are not unique");
  w.titles.forEach((t, i) => {
    const prev = w.titles[i - 1];
    if (prev && !(prev.arrival < t.arrival || (prev.arrival === t.arrival && prev.id < t.id))) bad(t, "out of order");
    if (!(t.arrival >= 0 && t.arrival <= window)) bad(t, `arrival ${t.arrival} outside [0, ${window}]`);
    if (t.deadline !== null && t.deadline < t.arrival) bad(t, `deadline ${t.deadline} before arrival ${t.arrival}`);
    if (!Object.hasOwn(w.tiers, t.tier)) bad(t, `unknown tier ${t.tier}`);
    if (t.deliverables.length === 0) bad(t, "no deliverables");
    for (const d of t.deliverables) {
      if (!DELIVERABLES[d]) bad(t, `unknown deliverable ${d}`);
      else if (DELIVERABLES[d].hdr && (t.content.hdr === "sdr" || t.content.bitDepth !== 10)) bad(t, `${d} on an SDR source`);
    }
    const c = t.content;
    if (!(c.duration >= 1 && c.fps > 0 && c.complexity >= 0 && c.complexity <= 1)) bad(t, `odd content ${JSON.stringify(c)}`);
  });
  return out;
}

/** Rungs (short side) assumed per deliverable for the rough task count; rungs above the source are skipped. */
const RUNGS: Record<string, number[]> = {
  "h264-sdr": [1080, 720, 540, 360, 240],
  "hevc-sdr": [1080, 720, 540, 360, 240],
  av1: [1080, 720, 540, 360, 240],
  "hevc-hdr10": [2160, 1440, 1080, 720],
};

/** The rough task count of the issue: analyse + encodes (chunks of 5 min over 10 min, + a join) + packages + publish. */
function roughTasks(t: Title): number {
  const shortSide = Math.min(t.content.width, t.content.height);
  const chunks = t.content.duration > 600 ? Math.ceil(t.content.duration / 300) + 1 : 1;
  const rungs = t.deliverables.reduce((n, d) => n + Math.max(1, RUNGS[d]!.filter((r) => r <= shortSide).length), 0);
  return 1 + rungs * chunks + t.deliverables.length + 1;
}

describe("shipped scenarios", () => {
  it("are exactly the nine documented ones", () => {
    expect(shippedScenarios(DIR)).toEqual(SHIPPED);
  });

  it.each(SHIPPED)("%s has a header comment and a description", (name) => {
    const text = readFileSync(join(DIR, `${name}.yaml`), "utf8");
    expect(text.startsWith(`# ${name} — `)).toBe(true);
    expect(text).toMatch(/\n# Look at: /);
    expect(loadScenarioFile(join(DIR, `${name}.yaml`)).description).not.toBe("");
  });

  it.each(SHIPPED)("%s generates a valid, deterministic workload", (name) => {
    const scenario = loadScenarioFile(resolveScenario(name, DIR));
    const w = generateWorkload(scenario, 42);
    expect(w.titles.length).toBeGreaterThan(0);
    expect(invariantViolations(w, scenario.window)).toEqual([]);
    expect(generateWorkload(scenario, 42)).toEqual(w);
    expect(generateWorkload(scenario, 43)).not.toEqual(w);
  });

  it("default stays a quick start: a few hundred titles, some with deadlines, several tiers", () => {
    const w = generateWorkload(loadScenarioFile(join(DIR, "default.yaml")), 42);
    expect(w.titles.length).toBeGreaterThan(100);
    expect(w.titles.length).toBeLessThanOrEqual(400);
    expect(new Set(w.titles.map((t) => t.tier)).size).toBeGreaterThanOrEqual(3);
    const withDeadline = w.titles.filter((t) => t.deadline !== null).length;
    expect(withDeadline).toBeGreaterThan(0);
    expect(withDeadline).toBeLessThan(w.titles.length);
  });

  it("peak-hour is big enough for 200,000 tasks by the rough count", () => {
    const scenario = loadScenarioFile(join(DIR, "peak-hour.yaml"));
    const w = generateWorkload(scenario, 42);
    const tasks = w.titles.reduce((n, t) => n + roughTasks(t), 0);
    expect(tasks).toBeGreaterThanOrEqual(200_000);
    expect(w.titles.filter((t) => t.tier === "ugc").length).toBeGreaterThanOrEqual(10_000);
    expect(scenario.capacity.pools.find((p) => p.id === "cpu")?.slots).toBeGreaterThanOrEqual(20_000);
  });

  it("scheduled-release gives each cohort with a release time one shared deadline", () => {
    const w = generateWorkload(loadScenarioFile(join(DIR, "scheduled-release.yaml")), 42);
    const episodes = w.titles.filter((t) => t.id.startsWith("ep-"));
    expect(new Set(episodes.map((t) => t.deadline))).toEqual(new Set([6 * 3600]));
  });

  it("viral has a heavy tail of expected views", () => {
    const w = generateWorkload(loadScenarioFile(join(DIR, "viral.yaml")), 42);
    const views = w.titles.map((t) => t.value.expectedViews).sort((a, b) => a - b);
    const median = views[Math.floor(views.length / 2)]!;
    expect(views.filter((v) => v >= 100 * median).length).toBeGreaterThanOrEqual(5);
  });

  it("many-formats asks every deliverable of every title", () => {
    const w = generateWorkload(loadScenarioFile(join(DIR, "many-formats.yaml")), 42);
    for (const t of w.titles) expect([...t.deliverables].sort()).toEqual(Object.keys(DELIVERABLES).sort());
  });

  it("mixed-content has every content class", () => {
    const w = generateWorkload(loadScenarioFile(join(DIR, "mixed-content.yaml")), 42);
    expect(new Set(w.titles.map((t) => t.content.contentClass)).size).toBe(6);
  });
});

describe("resolveScenario", () => {
  it("maps a bare name to the shipped file and leaves paths alone", () => {
    expect(resolveScenario("peak-hour", DIR)).toBe(join(DIR, "peak-hour.yaml"));
    expect(resolveScenario("./mine.yaml", DIR)).toBe("./mine.yaml");
    expect(resolveScenario("other/dir/x", DIR)).toBe("other/dir/x");
    expect(resolveScenario("x.yml", DIR)).toBe("x.yml");
  });

  it("rejects an unknown name, listing the shipped ones", () => {
    expect(() => resolveScenario("peak", DIR)).toThrow(InputError);
    expect(() => resolveScenario("peak", DIR)).toThrow(/expected one of backlog, default, many-formats, .*viral/);
  });
});
