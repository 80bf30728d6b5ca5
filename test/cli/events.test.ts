// `--events analytics.ndjson` end to end, and what a user sees of viral promotion: the real bin/vps
// (stdout a pipe, so JSON unless --table), exit codes, warnings on stderr, tier changes in the plan.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { GOOD_WORKLOAD, TINY_SCENARIO, planOf, tempDir, vps } from "./run";

const ndjson = (...events: Record<string, unknown>[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";

// clip-7 (ugc) arrives at +10m and waits behind ep-101's encodes; at +11m its views jump by
// 20,000 in a minute (1.2 M/h raw, ~77,000/h smoothed): far above the 20,000/h threshold.
const JUMP = ndjson({ at: "+10m", title: "clip-7", views: 0 }, { at: "+11m", title: "clip-7", views: 20000 });
// A jump reported partly in the workload and partly in a file: only with both, applied in time
// order (+10m yaml, +11m file, +12m yaml), does the promotion come at +11m.
const SPLIT_YAML = `${GOOD_WORKLOAD}events:
  - { at: +10m, title: clip-7, views: 0 }
  - { at: +12m, title: clip-7, views: 40000 }
`;
const SPLIT_FILE = ndjson({ at: 660, title: "clip-7", views: 20000 });
const GHOSTS = ndjson({ at: "+5m", title: "ghost", views: 1 }, { at: "+6m", title: "ghost", views: 2 });
const BAD = ndjson({ at: "+10m", title: "clip-7", views: 0 }).concat("nope\n", ndjson({ at: "+1m", title: "clip-7", colour: "red" }));

const dir = tempDir({
  "good.yaml": GOOD_WORKLOAD,
  "split.yaml": SPLIT_YAML,
  "jump.ndjson": JUMP,
  "split.ndjson": SPLIT_FILE,
  "ghosts.ndjson": GHOSTS,
  "bad.ndjson": BAD,
  "tiny.yaml": TINY_SCENARIO,
});
const at = (name: string) => join(dir, name);
const clip = (plan: Plan) => plan.titles.find((t) => t.id === "clip-7")!;

describe("vps plan --events", () => {
  it("applies the file's events: the jumping upload is promoted, and finishes sooner", () => {
    const without = planOf(vps("plan", at("good.yaml")));
    const plan = planOf(vps("plan", at("good.yaml"), "--events", at("jump.ndjson")));
    expect(clip(without).tierChanges).toEqual([]);
    expect(clip(plan).tierChanges).toEqual([
      { at: 660, kind: "promote", from: "ugc", to: "premium", reason: expect.stringMatching(/^view velocity [\d,]+\/h above 20,000\/h$/) },
    ]);
    // The tier of arrival stays; the promotion is in tierChanges and in the metrics.
    expect(clip(plan).tier).toBe("ugc");
    expect(plan.metrics.promotions).toBe(1);
    expect(plan.metrics.valueChangeDelay.changes).toBeGreaterThan(0);
    expect(plan.metrics.valueChangeDelay.max).toBe(0);
    // Its queued work starts sooner; its finish may not move when one long encode that had already
    // started bounds it (the farm cannot react to a task once it runs: issue 13's decision points).
    const starts = (p: Plan) => p.tasks.filter((t) => t.title === "clip-7" && t.kind !== "analyse").reduce((s, t) => s + t.start, 0);
    expect(starts(plan)).toBeLessThan(starts(without));
    expect(clip(plan).finish!).toBeLessThanOrEqual(clip(without).finish!);
    expect(plan.warnings).toEqual([]);
  });

  it("merges the workload's events and the file's in time order", () => {
    const plan = planOf(vps("plan", at("split.yaml"), "--events", at("split.ndjson")));
    expect(clip(plan).tierChanges.map((c) => [c.at, c.kind])).toEqual([[660, "promote"]]);
    // Each on its own is a different story: the workload's alone promotes a minute later.
    expect(clip(planOf(vps("plan", at("split.yaml")))).tierChanges.map((c) => c.at)).toEqual([720]);
  });

  it("rejects a bad NDJSON line with exit 2, every problem's line, and writes nothing", () => {
    const out = at("never.json");
    const r = vps("plan", at("good.yaml"), "--events", at("bad.ndjson"), "-o", out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain(`${at("bad.ndjson")}:2:1 (line): expected one JSON object per line, found "nope"`);
    expect(lines.some((l) => l.startsWith(`${at("bad.ndjson")}:3:`) && l.includes('"colour"'))).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it("says so when the events file does not exist (exit 2)", () => {
    const r = vps("plan", at("good.yaml"), "--events", at("missing.ndjson"));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`cannot read events ${at("missing.ndjson")}: no such file`);
  });

  it("plans on when events name an unknown title: exit 0, a warning on stderr and in the plan", () => {
    const r = vps("plan", at("good.yaml"), "--events", at("ghosts.ndjson"));
    const warning = '2 analytics event(s) for "ghost" from +5m00s ignored: for a title not in the workload';
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`vps: warning: ${warning}\n`);
    const plan = planOf(r);
    expect(plan.warnings).toEqual([warning]);
    expect(plan.titles.every((t) => t.finish !== null)).toBe(true);
  });

  it("shows a Tier changes section in the table when a title was promoted, and none otherwise", () => {
    const r = vps("plan", at("good.yaml"), "--events", at("jump.ndjson"), "--table");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("1 promoted");
    const section = r.stdout.slice(r.stdout.indexOf("Tier changes"));
    expect(r.stdout).toContain("Tier changes");
    expect(section).toMatch(/clip-7\s*│\s*\+11m00s\s*│\s*promote ugc → premium\s*│\s*view velocity [\d,]+\/h above 20,000\/h/);
    expect(vps("plan", at("good.yaml"), "--table").stdout).not.toContain("Tier changes");
  });
});

describe("vps simulate and analytics", () => {
  it("--scenario viral --seed 42 promotes under value and applies every change at the next decision", () => {
    const r = vps("simulate", "--scenario", "viral", "--seed", "42", "--json");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { plans: Record<string, Plan> };
    const value = doc.plans.value!;
    expect(value.metrics.promotions).toBeGreaterThan(0);
    expect(value.metrics.valueChangeDelay.changes).toBeGreaterThan(0);
    expect(value.metrics.valueChangeDelay.max).toBe(0);
    const promoted = value.titles.filter((t) => t.tierChanges.some((c) => c.kind === "promote"));
    expect(promoted.length).toBe(value.metrics.promotions);
    expect(promoted.every((t) => t.id.startsWith("ugc-") && t.tierChanges[0]!.to === "premium")).toBe(true);
  });

  it("--events adds a file's analytics to a generated workload, warning about what it ignored", () => {
    const r = vps("simulate", "--scenario", at("tiny.yaml"), "--seed", "1", "--policy", "value", "--events", at("ghosts.ndjson"), "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('vps: warning: 2 analytics event(s) for "ghost" from +5m00s ignored: for a title not in the workload\n');
    expect(planOf(r).warnings).toHaveLength(1);
  });
});
