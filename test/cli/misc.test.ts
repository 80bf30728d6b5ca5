// `vps schema`, `--version`, `--help`, and behaving well at the end of a shell pipe.
import Ajv from "ajv";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/model";
import { assertBuilt, GOOD_WORKLOAD, HOPELESS_WORKLOAD, planOf, ROOT, tempDir, vps } from "./run";

/** A title that cannot be on time even with every downgrade: gives a plan with lateness, downgrades and a `+deferred` follow-up. */
const LATE_4K = HOPELESS_WORKLOAD.replace("deliverables: [h264-sdr]", "deliverables: [h264-sdr, hevc-sdr]");

/** GOOD_WORKLOAD plus 60 clips: a plan of some 200 kB, far more than a pipe buffers. */
const MANY =
  GOOD_WORKLOAD +
  Array.from({ length: 60 }, (_, i) => `  - id: more-${i}\n    content: { duration: 3m, resolution: 1280x720, fps: 30 }\n    deliverables: [h264-sdr]\n`).join("");

const dir = tempDir({ "good.yaml": GOOD_WORKLOAD, "late.yaml": LATE_4K, "many.yaml": MANY });

function schema(name: string): Record<string, unknown> {
  const r = vps("schema", name);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The validator vps itself uses: strict, and aware of its own `x-expected` annotation. */
function strictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  return ajv;
}

describe("vps schema", () => {
  it.each(["workload", "recipes", "scenario", "plan"])("%s prints a draft-07 JSON Schema with a type", (name) => {
    const s = schema(name);
    expect(s.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(s.type).toBe("object");
    expect(Object.keys(s.properties as object).length).toBeGreaterThan(0);
    // It compiles: a schema tools cannot load is no contract.
    expect(() => strictAjv().compile(s)).not.toThrow();
  });

  it.each(["nope", "__proto__", "constructor", "toString"])("an unknown name (%s) → exit 2 listing the known ones, nothing printed", (name) => {
    const r = vps("schema", name);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`expected one of workload, recipes, scenario, plan, forecast, found "${name}"`));
  });

  describe("plans validate against `vps schema plan`", () => {
    let validate: ReturnType<Ajv["compile"]>;
    let late: Plan;
    beforeAll(() => {
      validate = strictAjv().compile(schema("plan"));
      late = planOf(vps("plan", join(dir, "late.yaml")));
    });
    const errors = (plan: unknown) => (validate(plan) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

    it("a plain plan", () => {
      expect(errors(planOf(vps("plan", join(dir, "good.yaml"))))).toEqual([]);
    });

    it("a plan with a late title, downgrades and a deferred follow-up (every optional field in use)", () => {
      expect(late.titles.some((t) => t.onTime === false)).toBe(true);
      expect(late.titles.some((t) => t.downgrades.some((d) => d.step === "defer-rendition"))).toBe(true);
      expect(late.titles.some((t) => t.deferredFrom !== undefined)).toBe(true);
      expect(errors(late)).toEqual([]);
    });

    it("a simulated plan (with a seed)", () => {
      const scenario = join(ROOT, "scenarios", "many-formats.yaml");
      expect(errors(planOf(vps("simulate", "--scenario", scenario, "--policy", "fifo")))).toEqual([]);
    });

    it("the schema is strict: a field it does not describe is rejected", () => {
      const extra = structuredClone(late);
      (extra.titles[0] as unknown as Record<string, unknown>).colour = "blue";
      expect(errors(extra).length).toBeGreaterThan(0);
    });
  });

  it("a workload written by --workload-out validates against `vps schema workload`", () => {
    const w = join(tempDir(), "w.yaml");
    expect(vps("simulate", "--scenario", "many-formats", "--policy", "fifo", "--workload-out", w, "-o", `${w}.plan.json`).status).toBe(0);
    const validate = strictAjv().compile(schema("workload"));
    const ok = validate(parseYaml(readFileSync(w, "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe("vps --version and --help", () => {
  it("--version prints the package version and exits 0", () => {
    const r = vps("--version");
    expect(r.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("--help exits 0 and lists every command", () => {
    const r = vps("--help");
    expect(r.status).toBe(0);
    for (const cmd of ["plan", "simulate", "schema", "bench"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, "m"));
  });

  it("plan --help exits 0 and documents its flags", () => {
    const r = vps("plan", "--help");
    expect(r.status).toBe(0);
    for (const flag of ["--policy", "--min-compliance", "--table", "--output", "--recipes"]) expect(r.stdout).toContain(flag);
  });
});

describe("at the end of a pipe that closes early", () => {
  /** Runs `vps ARGS | head -c 10` in bash; returns what head printed, vps's exit status and its stderr. */
  function piped(args: string): { head: string; status: number; stderr: string } {
    assertBuilt();
    const err = join(tempDir(), "stderr.txt");
    const r = spawnSync("bash", ["-c", `set +o pipefail; "${process.execPath}" bin/vps ${args} 2>"${err}" | head -c 10; echo " vps=\${PIPESTATUS[0]}"`], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    const m = / vps=(\d+)\n$/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    return { head: r.stdout.slice(0, m!.index), status: Number(m![1]), stderr: readFileSync(err, "utf8") };
  }

  it.each([
    // Far more JSON than a pipe buffers, so vps is still writing when head leaves.
    ["plan", `plan "${join(dir, "many.yaml")}"`],
    ["simulate", "simulate --seed 42 --policy fifo"],
  ])("vps %s | head -c 10 exits 0 with a clean stderr", (_name, args) => {
    const r = piped(args);
    expect(r.head).toBe('{\n  "schem');
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
