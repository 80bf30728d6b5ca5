// `vps forecast` end to end: the real bin/vps, stdout a pipe (so JSON by default).
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { forecastSchema } from "../../src/forecast/schema";
import type { Forecast } from "../../src/forecast/types";
import { GOOD_WORKLOAD, HOPELESS_WORKLOAD, tempDir, vps, type Run } from "../cli/run";

const validate = new Ajv({ allErrors: true, strict: false }).compile(forecastSchema as object);

function forecastOf(r: Run): Forecast {
  if (r.status !== 0) throw new Error(`vps exited ${r.status}:\n${r.stderr}`);
  const f = JSON.parse(r.stdout) as Forecast;
  expect(validate(f) ? [] : validate.errors).toEqual([]);
  return f;
}


const dir = tempDir({
  "good.yaml": GOOD_WORKLOAD,
  "hopeless.yaml": HOPELESS_WORKLOAD,
  "bad.yaml": GOOD_WORKLOAD.replace("duration: 45m,", 'duration: "45 minutes",'),
});

describe("vps forecast", () => {
  test("on the scheduled-release scenario: the season's episodes are at risk on the farm, the partner extras are not", () => {
    const f = forecastOf(vps("forecast", "--scenario", "scheduled-release", "--seed", "42", "--json"));
    expect(f.seed).toBe(42);
    expect(f.deadlines.titles).toBe(14);
    const episodes = f.titles.filter((t) => t.id.startsWith("ep-"));
    expect(episodes).toHaveLength(8);
    for (const ep of episodes) {
      expect(ep.atRisk).toBe(true);
      const farm = ep.reasons.find((r) => r.kind === "farm");
      expect(farm && farm.kind === "farm" && farm.due > farm.capacity).toBe(true);
      expect(ep.slack).toBeLessThan(0);
    }
    for (const x of f.titles.filter((t) => t.id.startsWith("extra-"))) {
      expect(x.reasons.filter((r) => r.kind === "farm" || r.kind === "critical-path")).toEqual([]);
      expect(x.slack).toBeGreaterThan(0);
    }
    const cpu = f.pools[0]!;
    expect(cpu.peakBacklog).toBeGreaterThan(0);
    expect(cpu.clearsAt).not.toBeNull();
    expect(f.plan!.policy).toBe("value");
    expect(f.plan!.downgraded).toBeGreaterThan(0);
  });

  test("a workload file, piped: JSON by default; an easy deadline is not at risk and shows its slack", () => {
    const f = forecastOf(vps("forecast", join(dir, "good.yaml")));
    expect(f.titles.map((t) => [t.id, t.atRisk])).toEqual([["ep-101", false]]);
    expect(f.titles[0]!.slack).toBeGreaterThan(3600);
    expect(f.titles[0]!.plan!.onTime).toBe(true);
    expect(f.pools.map((p) => p.id)).toEqual(["cpu"]);
  });

  test("bad input: exit 2, one positioned line per problem, nothing on stdout", () => {
    const r = vps("forecast", join(dir, "bad.yaml"));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/bad\.yaml:9:\d+ titles\[0\]\.content\.duration: expected .*found "45 minutes"/);
  });

  test("--fail-on-risk: exit 1 with the at-risk titles and why on stderr; the forecast is still printed", () => {
    const r = vps("forecast", join(dir, "hopeless.yaml"), "--fail-on-risk", "--no-plan");
    expect(r.status).toBe(1);
    const f = JSON.parse(r.stdout) as Forecast;
    expect(f.plan).toBeNull();
    expect(r.stderr).toContain("vps: 1 of 1 deadline title(s) at risk");
    expect(r.stderr).toMatch(/ {2}film-4k \(premium, due \+11m00s\): critical path \S+ > 1m00s between arrival/);
    expect(vps("forecast", join(dir, "good.yaml"), "--fail-on-risk").status).toBe(0);
  });

  test("usage errors exit 2 and say what was expected", () => {
    const none = vps("forecast");
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("expected a workload file or --scenario NAME, found neither");
    const both = vps("forecast", join(dir, "good.yaml"), "--scenario", "default");
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("not both");
    expect(vps("forecast", join(dir, "good.yaml"), "--policy", "lifo").status).toBe(2);
  });

  test("--table prints the hourly table, the clear time and the deadline titles", () => {
    const r = vps("forecast", join(dir, "hopeless.yaml"), "--table");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Demand and capacity per hour");
    expect(r.stdout).toMatch(/pool cpu: backlog clears at \+\S+|pool cpu: no hour ends with a backlog/);
    expect(r.stdout).toContain("Why at risk");
    expect(r.stdout).toMatch(/film-4k .* at risk: critical-path/);
  });

  test("-o writes the same JSON it prints; `vps schema forecast` prints the schema", () => {
    const out = join(tempDir(), "forecast.json");
    const r = vps("forecast", join(dir, "good.yaml"), "-o", out, "--json");
    expect(readFileSync(out, "utf8")).toBe(r.stdout);
    expect(JSON.parse(vps("schema", "forecast").stdout)).toEqual(JSON.parse(JSON.stringify(forecastSchema)));
  });
});
