// `vps verify`: a plan from anywhere is checked against the plan contract.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { Plan } from "../../src/model";
import { GOOD_WORKLOAD, tempDir, TINY_SCENARIO, vps } from "./run";

let dir: string;
let sound: Plan;

beforeAll(() => {
  dir = tempDir({ "w.yaml": GOOD_WORKLOAD });
  expect(vps("plan", join(dir, "w.yaml"), "-o", join(dir, "plan.json")).status).toBe(0);
  sound = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
});

function verifyEdited(edit: (p: Plan & Record<string, unknown>) => void) {
  const p = structuredClone(sound) as Plan & Record<string, unknown>;
  edit(p);
  const file = join(dir, "edited.json");
  writeFileSync(file, JSON.stringify(p));
  return vps("verify", file);
}

describe("vps verify", () => {
  test("accepts the plan vps wrote, and says so", () => {
    const r = vps("verify", join(dir, "plan.json"));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/sound plan — \d+ titles, \d+ tasks/);
  });

  test("accepts fields another tool added (the contract says add fields freely)", () => {
    const r = verifyEdited((p) => {
      p.generator = "another-tool";
      (p.tasks[0] as unknown as Record<string, unknown>).host = "node-7";
    });
    expect(r.status).toBe(0);
  });

  /** The plan vps wrote, cut down to exactly the contract's fields (DESIGN.md, "The plan contract"). */
  function contractOnly(): Record<string, unknown> {
    const pick = <T extends object>(o: T, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
    return {
      ...pick(sound, ["schemaVersion", "epoch", "policy", "seed"]),
      pools: sound.pools.map((p) => pick(p, ["id", "slots"])),
      titles: sound.titles.map((t) => ({
        ...pick(t, ["id", "tier", "arrival", "deadline", "finish", "onTime"]),
        downgrades: t.downgrades.map((d) => pick(d, ["step"])),
      })),
      tasks: sound.tasks.map((t) => pick(t, ["id", "title", "kind", "pool", "slots", "start", "end", "after"])),
      metrics: pick(sound.metrics, ["deadlineCompliance", "makespan", "utilization"]),
    };
  }

  function verifyDoc(doc: unknown) {
    const file = join(dir, "doc.json");
    writeFileSync(file, JSON.stringify(doc));
    return vps("verify", file);
  }

  test("accepts a plan holding exactly the contract's fields (it wanted warnings, lateBy, waited… too)", () => {
    const plan = contractOnly();
    expect(Object.keys(plan).sort()).toEqual(["epoch", "metrics", "policy", "pools", "schemaVersion", "seed", "tasks", "titles"]);
    const r = verifyDoc(plan);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/sound plan — 2 titles, \d+ tasks/);
  });

  test("still checks a contract-only plan: a broken invariant exits 1, a missing contract field 2", () => {
    const late = contractOnly() as { titles: Record<string, unknown>[] };
    late.titles[0]!.finish = 1;
    expect(verifyDoc(late)).toMatchObject({ status: 1, stderr: expect.stringMatching(/title (ep-101|clip-7) finish 1 is not its last task's end/) });
    const noOnTime = contractOnly() as { titles: Record<string, unknown>[] };
    delete noOnTime.titles[1]!.onTime;
    expect(verifyDoc(noOnTime)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^\S+doc\.json:1:\d+ titles\[1\]\.onTime: expected a value for required key "onTime", found none$/m) });
  });

  test("a field beyond the contract is still checked when present", () => {
    const r = verifyEdited((p) => Object.assign(p.titles[0]!, { lateBy: "soon" }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\S+edited\.json:1:\d+ titles\[0\]\.lateBy: expected a number or nothing, found "soon"$/m);
  });

  test("exits 1 and names the pool when a plan overbooks it", () => {
    const r = verifyEdited((p) => {
      p.pools[0]!.slots = 1;
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pool cpu holds \d+ slots at [\d.]+ but has 1/);
  });

  test("exits 1 when a task starts before one it waits for", () => {
    const r = verifyEdited((p) => {
      const pkg = p.tasks.find((t) => t.kind === "package")!;
      pkg.start = 0;
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/starts at 0 before .* ends/);
  });

  test.each([
    ["a plan of another schema version", (p: Plan & Record<string, unknown>) => Object.assign(p, { schemaVersion: 2 }), /^\S+edited\.json:\d+:\d+ schemaVersion: expected 1, found 2$/m],
    ["a task without a pool", (p: Plan & Record<string, unknown>) => delete (p.tasks[0] as Partial<Plan["tasks"][0]>).pool, /^\S+edited\.json:\d+:\d+ tasks\[0\]\.pool: expected a value for required key "pool", found none$/m],
  ])("exits 2 for %s, saying what was expected", (_name, edit, message) => {
    const r = verifyEdited(edit);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("on vps simulate's comparison (no --policy) says where the plans are, exit 2 (it said only: expected key epoch)", () => {
    const scenario = join(dir, "tiny.yaml");
    writeFileSync(scenario, TINY_SCENARIO);
    const out = join(dir, "compared.json");
    expect(vps("simulate", "--scenario", scenario, "-o", out).status).toBe(0);
    const r = vps("verify", out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${out}:1:1 (root): expected a plan, found vps simulate's comparison of 2 plans (value, fifo); verify one of its plans: jq '.plans.value' ${out}`);
    expect(r.stderr).not.toContain("expected key");
    // What it points at is a plan verify accepts.
    const doc = JSON.parse(readFileSync(out, "utf8")) as { plans: Record<string, Plan> };
    expect(verifyDoc(doc.plans.value)).toMatchObject({ status: 0 });
  });

  test("exits 2 for a file that is not JSON, or not there", () => {
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "not json");
    expect(vps("verify", junk)).toMatchObject({ status: 2, stderr: `${junk}:1:2 (json): expected valid JSON, found "o"\n` });
    expect(vps("verify", join(dir, "missing.json"))).toMatchObject({ status: 2, stderr: expect.stringMatching(/cannot read plan .*no such file/) });
  });
});
