// `--ladders per-title` on `vps simulate` and `vps plan`: the encodes are the predicted rungs, the
// plan says so (title ladders, metrics.ladders) and stays sound and replayable; bad flags and model
// files exit 2 before anything is written. No predicted number is asserted: the model's constants
// (recipes/rq-model.json) are refitted from time to time.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { SHIPPED_FIT } from "../../src/cost/shipped";
import { loadRecipeDir } from "../../src/load/recipes";
import type { Plan, PlanTask, PlanTitle } from "../../src/model";
import { verifyPlan } from "../../src/plan/verify";
import { lavfi, makeClip } from "../content/media";
import { GOOD_WORKLOAD, planOf, ROOT, tempDir, vps, type Run } from "./run";

const book = loadRecipeDir(join(ROOT, "recipes"));
const shipped = JSON.parse(readFileSync(join(ROOT, "recipes", "rq-model.json"), "utf8")) as Record<string, unknown>;

/** The rung names a deliverable's recipes (of any content class) can encode. */
const recipeRungs = (deliverable: string) => new Set(book.recipes.filter((r) => r.deliverable === deliverable).flatMap((r) => r.ladder.map((x) => x.name)));

const encodes = (plan: Plan, deliverable?: string): PlanTask[] => plan.tasks.filter((t) => t.kind === "encode" && (deliverable === undefined || t.deliverable === deliverable));

/** The title whose ladders a task's rendition comes from: a deferred follow-up encodes its original's rungs. */
function ownerOf(plan: Plan, task: PlanTask): PlanTitle {
  const title = plan.titles.find((t) => t.id === task.title)!;
  return title.deferredFrom === undefined ? title : plan.titles.find((t) => t.id === title.deferredFrom)!;
}

/** A regular expression matching `text` literally (paths hold dots). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const rungsOf = (title: PlanTitle, deliverable: string) => title.ladders?.find((l) => l.deliverable === deliverable)?.rungs;

describe("vps simulate --seed 7 --ladders per-title --policy value", () => {
  const dir = tempDir();
  let first: Run;
  let again: Run;
  let perTitle: Plan;
  let recipe: Plan;
  let deliverables: string[][];
  let screenPairs = 0;

  beforeAll(() => {
    first = vps("simulate", "--seed", "7", "--ladders", "per-title", "--policy", "value", "--json", "--workload-out", join(dir, "w1.yaml"));
    again = vps("simulate", "--seed", "7", "--ladders", "per-title", "--policy", "value", "--json", "--workload-out", join(dir, "w2.yaml"));
    perTitle = planOf(first);
    recipe = planOf(vps("simulate", "--seed", "7", "--policy", "value", "--json"));
    const workload = parseYaml(readFileSync(join(dir, "w1.yaml"), "utf8")) as { titles: { deliverables: string[]; content: { class?: string } }[] };
    // Screen content keeps its recipe's ladder (the model is not fitted on it): count camera titles only.
    deliverables = workload.titles.map((t) => (t.content.class === "screen" ? [] : t.deliverables));
    screenPairs = workload.titles.filter((t) => t.content.class === "screen").reduce((n, t) => n + t.deliverables.length, 0);
  });

  it("every h264-sdr encode of camera content is a rung of its title's predicted ladder; other deliverables and screen content encode their recipe's rungs", () => {
    const h264 = encodes(perTitle, "h264-sdr").filter((t) => !t.recipe!.endsWith("/screen"));
    expect(h264.length).toBeGreaterThan(0);
    for (const t of encodes(perTitle, "h264-sdr").filter((x) => x.recipe!.endsWith("/screen"))) expect(recipeRungs("h264-sdr"), t.id).toContain(t.rendition);
    for (const t of h264) {
      const rungs = rungsOf(ownerOf(perTitle, t), "h264-sdr");
      expect(rungs, t.id).toBeDefined();
      expect(rungs!.map((r) => r.name), t.id).toContain(t.rendition);
    }
    for (const t of encodes(perTitle).filter((x) => x.deliverable !== "h264-sdr")) expect(recipeRungs(t.deliverable!), t.id).toContain(t.rendition);
  });

  it("lists the ladders per title and the summary in metrics: one predicted pair per h264-sdr title, the rest kept", () => {
    const summary = perTitle.metrics.ladders;
    expect(summary).toBeDefined();
    expect(summary!.encoders).toEqual(["libx264"]);
    const h264Titles = deliverables.filter((d) => d.includes("h264-sdr")).length;
    expect(summary!.predicted).toBeGreaterThan(0);
    expect(summary!.predicted).toBe(h264Titles);
    expect(summary!.kept).toBe(deliverables.reduce((n, d) => n + d.length, 0) - h264Titles + screenPairs);
    expect(Number.isFinite(summary!.bitrateRatio) && summary!.bitrateRatio! > 0).toBe(true);

    const withLadders = perTitle.titles.filter((t) => t.ladders !== undefined);
    expect(withLadders).toHaveLength(h264Titles);
    expect(perTitle.titles.filter((t) => t.deferredFrom !== undefined).every((t) => t.ladders === undefined)).toBe(true);
    for (const t of withLadders) {
      expect(t.ladders!.map((l) => l.deliverable), t.id).toEqual(["h264-sdr"]);
      const rungs = t.ladders![0]!.rungs;
      expect(rungs.length, t.id).toBeGreaterThan(0);
      expect(new Set(rungs.map((r) => r.name)).size, t.id).toBe(rungs.length);
      for (let i = 1; i < rungs.length; i++) expect(rungs[i]!.kbps, t.id).toBeLessThan(rungs[i - 1]!.kbps);
    }
  });

  it("without the flag: no title has ladders, metrics has no ladders key, every encode is a recipe rung", () => {
    expect(recipe.titles.every((t) => t.ladders === undefined)).toBe(true);
    expect(Object.keys(recipe.metrics)).not.toContain("ladders");
    for (const t of encodes(recipe)) expect(recipeRungs(t.deliverable!), t.id).toContain(t.rendition);
  });

  it("is deterministic: the same seed prints the same bytes (and writes the same workload)", () => {
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(readFileSync(join(dir, "w2.yaml"), "utf8")).toBe(readFileSync(join(dir, "w1.yaml"), "utf8"));
  });

  it("is a sound plan: vps verify accepts it", () => {
    expect(verifyPlan(perTitle)).toEqual([]);
    const file = join(dir, "plan.json");
    writeFileSync(file, first.stdout);
    const r = vps("verify", file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sound plan/);
  });

  it("replays: `vps plan` of the written workload with --ladders per-title gives the same plan", () => {
    const replayed = planOf(
      vps("plan", join(dir, "w1.yaml"), "--policy", "value", "--noise", String(SHIPPED_FIT.titleSigma), "--noise-seed", "7", "--ladders", "per-title"),
    );
    expect(replayed.titles).toEqual(perTitle.titles);
    expect(replayed.tasks).toEqual(perTitle.tasks);
    expect(replayed.metrics).toEqual(perTitle.metrics);
  });
});

describe("vps plan --ladders per-title on a small workload", () => {
  const x265 = { ...shipped, deliverable: "hevc-sdr", encoder: "libx265" };
  const dir = tempDir({ "w.yaml": GOOD_WORKLOAD, "x264.json": JSON.stringify(shipped), "x265.json": JSON.stringify(x265) });
  const w = join(dir, "w.yaml");
  let plain: Run;
  let perTitle: Plan;
  beforeAll(() => {
    plain = vps("plan", w);
    perTitle = planOf(vps("plan", w, "--ladders", "per-title"));
  });

  it("changes the h264-sdr work (other rungs, other predicted costs) and leaves hevc-sdr's rungs alone", () => {
    const recipe = planOf(plain);
    const work = (p: Plan) => encodes(p, "h264-sdr").map((t) => `${t.title}/${t.rendition}/${t.chunk ?? "-"}: ${t.predicted}`).sort();
    expect(work(perTitle)).not.toEqual(work(recipe));
    for (const t of encodes(perTitle, "h264-sdr")) expect(rungsOf(ownerOf(perTitle, t), "h264-sdr")!.map((r) => r.name), t.id).toContain(t.rendition);
    const renditions = (p: Plan) => [...new Set(encodes(p, "hevc-sdr").map((t) => `${t.title}/${t.rendition}`))].sort();
    expect(renditions(perTitle)).toEqual(renditions(recipe));
    expect(perTitle.metrics.ladders).toMatchObject({ encoders: ["libx264"], predicted: 2, kept: 1 });
    expect(verifyPlan(perTitle)).toEqual([]);
  });

  it("--ladders recipe is the default: the same bytes as no flag", () => {
    const r = vps("plan", w, "--ladders", "recipe");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
  });

  it("--rq-model is repeatable: one model per encoder, each deliverable predicted by its encoder's", () => {
    const p = planOf(vps("plan", w, "--ladders", "per-title", "--rq-model", join(dir, "x264.json"), "--rq-model", join(dir, "x265.json")));
    expect(p.metrics.ladders).toMatchObject({ encoders: ["libx264", "libx265"], predicted: 3, kept: 0 });
    expect(p.titles.find((t) => t.id === "ep-101")!.ladders!.map((l) => l.deliverable)).toEqual(["h264-sdr", "hevc-sdr"]);
    // The shipped model given as a file predicts what the shipped model does.
    const same = planOf(vps("plan", w, "--ladders", "per-title", "--rq-model", join(dir, "x264.json")));
    expect(same).toEqual(perTitle);
  });
});

describe("bad --ladders and --rq-model: exit 2, a clear message, nothing on stdout, nothing written", () => {
  const missingA2 = structuredClone(shipped) as { params: Record<string, unknown> };
  missingA2.params.a2 = "steep";
  const dir = tempDir({
    "w.yaml": GOOD_WORKLOAD,
    "x.json": JSON.stringify(shipped),
    "broken.json": '{ "kind": "vps-rq-model", ',
    "cost.json": JSON.stringify({ ...shipped, kind: "vps-cost-model" }),
    "params.json": JSON.stringify(missingA2),
    "v1.json": JSON.stringify({ ...shipped, schemaVersion: 1 }),
  });
  const at = (name: string) => join(dir, name);
  const w = at("w.yaml");

  it.each([
    ["--ladders bogus", ["--ladders", "bogus"], /--ladders <mode>.*'bogus' is invalid.*expected recipe .* or per-title/],
    ["--rq-model without --ladders", ["--rq-model", at("x.json")], /^--rq-model only applies with --ladders per-title$/m],
    ["--rq-model with --ladders recipe", ["--ladders", "recipe", "--rq-model", at("x.json")], /^--rq-model only applies with --ladders per-title$/m],
    ["a missing model file", ["--ladders", "per-title", "--rq-model", at("missing.json")], new RegExp(`cannot read rate–quality model ${literal(at("missing.json"))}: no such file`)],
    ["a model file that is not JSON", ["--ladders", "per-title", "--rq-model", at("broken.json")], new RegExp(`^${literal(at("broken.json"))}:1:27 \\(json\\): expected double-quoted property name, found the end of the file$`, "m")],
    ["a JSON file of another kind", ["--ladders", "per-title", "--rq-model", at("cost.json")], new RegExp(`^${literal(at("cost.json"))}:1:27 kind: expected "vps-rq-model", found "vps-cost-model"$`, "m")],
    ["a model with a bad constant", ["--ladders", "per-title", "--rq-model", at("params.json")], new RegExp(`^${literal(at("params.json"))}:1:\\d+ params.a2: expected a number, found "steep"$`, "m")],
    ["a model from before detail was a term", ["--ladders", "per-title", "--rq-model", at("v1.json")], new RegExp(`^${literal(at("v1.json"))}:1:18 schemaVersion: expected 2, found 1 \\(.*fit it again`, "m")],
    [
      "two models for one encoder",
      ["--ladders", "per-title", "--rq-model", at("x.json"), "--rq-model", at("x.json")],
      new RegExp(`${literal(at("x.json"))}: a second rate–quality model for libx264 \\(${literal(at("x.json"))} is one already\\)`),
    ],
  ])("vps plan with %s", (_name, flags, message) => {
    const out = at(`plan-${flags.join("_").replace(/\W+/g, "_")}.json`);
    const r = vps("plan", w, ...flags, "-o", out);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("vps simulate checks the model before it writes the workload or the plan", () => {
    const workloadOut = at("sim-w.yaml");
    const out = at("sim-plan.json");
    const r = vps("simulate", "--seed", "7", "--ladders", "per-title", "--rq-model", at("params.json"), "--workload-out", workloadOut, "-o", out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^${literal(at("params.json"))}:1:\\d+ params\\.a2: expected a number, found "steep"$`, "m"));
    expect(existsSync(workloadOut)).toBe(false);
    expect(existsSync(out)).toBe(false);
    const bogus = vps("simulate", "--seed", "7", "--ladders", "bogus");
    expect(bogus.status).toBe(2);
    expect(bogus.stdout).toBe("");
  });
});

describe("a title with a source file, planned with --ladders per-title", () => {
  const dir = tempDir({
    "w.yaml": `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 8
titles:
  - id: clip
    content: { source: clip.mp4 }
    deliverables: [h264-sdr, vp9]
`,
  });
  beforeAll(() => {
    makeClip(dir, "clip", lavfi("testsrc2=size=640x360:rate=24"), 1);
  }, 60_000);

  const arg = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

  it("encodes each per-title rung at its own size and bitrate (not the recipe's); vp9 keeps its argv", () => {
    const cache = join(dir, "cache");
    const perTitle = planOf(vps("plan", join(dir, "w.yaml"), "--cache", cache, "--ladders", "per-title"));
    const recipe = planOf(vps("plan", join(dir, "w.yaml"), "--cache", cache));
    const rungs = rungsOf(perTitle.titles.find((t) => t.id === "clip")!, "h264-sdr")!;
    const h264 = encodes(perTitle, "h264-sdr");
    expect(h264.map((t) => t.rendition).sort()).toEqual(rungs.map((r) => r.name).sort());
    for (const t of h264) {
      const rung = rungs.find((r) => r.name === t.rendition)!;
      const argv = t.argv!;
      expect(argv, t.id).toBeDefined();
      const [w, h] = /(?:^|,)scale=(\d+):(\d+):/.exec(arg(argv, "-vf")!)!.slice(1).map(Number);
      // Even sides for 4:2:0, the rung's shape otherwise.
      expect(Math.abs(w! - rung.width), t.id).toBeLessThanOrEqual(2);
      expect(Math.abs(h! - rung.height), t.id).toBeLessThanOrEqual(2);
      expect(arg(argv, "-b:v"), t.id).toBe(`${Math.round(rung.kbps)}k`);
      expect(argv.at(-1), t.id).toBe(`out/clip/h264-sdr/${rung.name}.mp4`);
    }
    const encoded = (p: Plan) => encodes(p, "h264-sdr").map((t) => `${arg(t.argv!, "-vf")} ${arg(t.argv!, "-b:v")}`).sort();
    expect(encoded(perTitle)).not.toEqual(encoded(recipe));
    expect(encodes(perTitle, "vp9").map((t) => t.argv)).toEqual(encodes(recipe, "vp9").map((t) => t.argv));
    expect(verifyPlan(perTitle)).toEqual([]);
  });
});
