import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_TIERS, loadWorkloadFile, loadWorkloadText } from "../../src/load/workload";
import { aRecipe } from "../builders";
import { BASE_WORKLOAD, inputError, shippedBook, tempDir, withTitle, workloadProblems } from "./helpers";

const title = (lines: string) => `  - id: ep-101
    arrival: +0m
${lines}`;
const content = "    content: { duration: 45m, resolution: 1920x1080, fps: 24 }\n";

describe("loadWorkloadText: a valid workload", () => {
  it("normalises the written forms", () => {
    const w = loadWorkloadText(
      "dir/w.yaml",
      `epoch: 2026-11-24T00:00:00Z
capacity:
  pools: { cpu: 64, gpu: { slots: 8, memoryGiB: 64 } }
  scratchGiB: 500
tiers: { premium: 10, archive: 0.5 }
titles:
  - id: ep-101
    arrival: +1h30m
    tier: archive
    value: { expectedViews: 2000000 }
    content: { duration: 1h, width: 3840, height: 2160, fps: 30000/1001, bitDepth: 10, hdr: pq, class: film-grain, complexity: 0.6, source: media/ep.mov }
    deliverables: [h264-sdr, hevc-hdr10]
    deadline: 2026-11-24T06:00:00+01:00
    work: 36000
  - id: ep-100
    content: { duration: 90, resolution: 1280x720, fps: "25" }
    deliverables: [av1]
`,
      shippedBook(),
    );
    expect(w.capacity).toEqual({
      pools: [
        { id: "cpu", slots: 64, memoryGiB: null },
        { id: "gpu", slots: 8, memoryGiB: 64 },
      ],
      scratchGiB: 500,
    });
    expect(w.tiers).toEqual({ ...DEFAULT_TIERS, premium: 10, archive: 0.5 });
    const [a, b] = w.titles;
    expect(a).toMatchObject({ id: "ep-101", arrival: 5400, tier: "archive", deadline: 5 * 3600, work: 36000, pipeline: null });
    expect(a?.value).toEqual({ expectedViews: 2000000, viewsSoFar: 0, subscribers: 0, revenuePerView: 0 });
    expect(a?.content).toMatchObject({ duration: 3600, width: 3840, height: 2160, bitDepth: 10, hdr: "pq", contentClass: "film-grain" });
    expect(a?.content.fps).toBeCloseTo(29.97, 2);
    expect(a?.content.source).toBe(join(process.cwd(), "dir", "media", "ep.mov"));
    // Titles stay in file order, with defaults filled in.
    expect(b).toMatchObject({ id: "ep-100", arrival: 0, tier: "standard", deadline: null, work: null });
    expect(b?.content).toMatchObject({ duration: 90, fps: 25, bitDepth: 8, hdr: "sdr", contentClass: "generic", complexity: 0.5, source: null });
  });

  it("accepts the base fixture", () => {
    expect(loadWorkloadText("w.yaml", BASE_WORKLOAD, shippedBook()).titles).toHaveLength(1);
  });
});

describe("loadWorkloadText: rules", () => {
  it("reports unknown keys at the key, naming the allowed keys", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("    tier: premium\n", "    tier: premium\n    priority: high\n"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^w\.yaml:9:5 titles\[0\]\.priority: expected one of the keys id, arrival, tier, .*, found unknown key "priority"$/);
  });

  it.each([
    ["duration", 'duration: "45 minutes"', "titles[0].content.duration", "seconds (a number > 0) or a duration like 45m, 1h30m, 90s"],
    ["fps", 'fps: "24fps"', "titles[0].content.fps", "frames per second as a number (24, 29.97) or a fraction like 30000/1001"],
    ["resolution", "resolution: 1920*1080", "titles[0].content.resolution", "a resolution like 1920x1080"],
  ])("says which forms are accepted for a wrong %s", (field, written, path, expected) => {
    const text = withTitle(title(`    content: { duration: 45m, resolution: 1920x1080, fps: 24, ${written} }\n    deliverables: [h264-sdr]\n`).replace(new RegExp(`${field}: [^,]+, (?=.*${field})`), ""));
    const lines = workloadProblems(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(` ${path}: expected ${expected}, found `);
  });

  it("rejects a unit on scratchGiB", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("    cpu: 64\n", "    cpu: 64\n  scratchGiB: 500GB\n"));
    expect(lines).toEqual(['w.yaml:5:15 capacity.scratchGiB: expected a number of GiB like 500 (no unit), found "500GB"']);
  });

  it("accepts fps as a fraction and rejects a zero denominator", () => {
    const ok = loadWorkloadText("w.yaml", BASE_WORKLOAD.replace("fps: 24", "fps: 30000/1001"), shippedBook());
    expect(ok.titles[0]?.content.fps).toBe(30000 / 1001);
    expect(workloadProblems(BASE_WORKLOAD.replace("fps: 24", "fps: 24/0"))[0]).toContain("titles[0].content.fps: expected frames per second > 0");
  });

  it.each([
    ["duration: -5", "found -5"],
    ["duration: 0", "found 0"],
    ["duration: 0s", 'expected a duration > 0, found "0s"'],
  ])("rejects a negative or zero duration (%s)", (written, found) => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("duration: 45m", written));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^w\.yaml:9:26 titles\[0\]\.content\.duration: expected /);
    expect(lines[0]).toContain(found);
  });

  it("rejects a deadline before the arrival", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("arrival: +0m", "arrival: +2h\n    deadline: +1h"));
    expect(lines).toEqual(["w.yaml:8:15 titles[0].deadline: expected a deadline not before the arrival (+2h00m00s), found +1h00m00s"]);
  });

  it("rejects duplicate title ids, pointing at the second", () => {
    const twice = withTitle(`${title(`${content}    deliverables: [h264-sdr]\n`)}${title(`${content}    deliverables: [av1]\n`)}`);
    expect(workloadProblems(twice)).toEqual(['w.yaml:10:9 titles[1].id: expected a unique title id, found "ep-101" again (first at line 6)']);
  });

  it("rejects an unknown tier, listing default and custom tiers", () => {
    const text = `tiers: { archive: 0.5 }\n${BASE_WORKLOAD.replace("tier: premium", "tier: gold")}`;
    expect(workloadProblems(text)).toEqual([
      'w.yaml:9:11 titles[0].tier: expected a tier ("premium", "partner", "standard", "ugc", "archive"), found "gold"',
    ]);
  });

  it("rejects a deliverable no recipe serves", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("[h264-sdr]", "[h264-sdr, vp9-sdr]"));
    expect(lines).toEqual([
      'w.yaml:10:30 titles[0].deliverables[1]: expected a deliverable of the recipe library ("av1", "h264-sdr", "hevc-hdr10", "hevc-sdr", "vp9"), found "vp9-sdr"',
    ]);
  });

  it("rejects a deliverable whose recipe pool is not in the capacity", () => {
    const book = { recipes: [aRecipe({ pool: "gpu" })] };
    const lines = workloadProblems(BASE_WORKLOAD, book);
    expect(lines).toEqual([
      'w.yaml:10:20 titles[0].deliverables[0]: expected pool "gpu" of recipe h264-sdr/generic in the capacity ("cpu"), found no such pool',
    ]);
  });

  it("rejects a deliverable whose pool has no slots", () => {
    const text = BASE_WORKLOAD.replace("    cpu: 64\n", "    cpu: 64\n    gpu: 0\n");
    const book = { recipes: [aRecipe({ pool: "gpu" })] };
    expect(workloadProblems(text, book)[0]).toContain('expected pool "gpu" of recipe h264-sdr/generic to have slots, found 0 slots');
  });

  it("uses the recipe of the title's class to find the pool", () => {
    const book = { recipes: [aRecipe(), aRecipe({ contentClass: "animation", id: "h264-sdr/animation", pool: "gpu" })] };
    expect(() => loadWorkloadText("w.yaml", BASE_WORKLOAD, book)).not.toThrow();
    expect(workloadProblems(BASE_WORKLOAD.replace("fps: 24", "fps: 24, class: animation"), book)[0]).toContain('pool "gpu"');
  });

  it("rejects an HDR deliverable for an SDR source", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("[h264-sdr]", "[hevc-hdr10]"));
    expect(lines).toEqual([
      'w.yaml:10:20 titles[0].deliverables[0]: expected an HDR source (content.hdr: pq or hlg) for HDR deliverable "hevc-hdr10", found an SDR source',
    ]);
    const eightBit = workloadProblems(BASE_WORKLOAD.replace("[h264-sdr]", "[hevc-hdr10]").replace("fps: 24", "fps: 24, hdr: pq"));
    expect(eightBit[0]).toContain("expected a source of at least 10 bits");
    const ok = BASE_WORKLOAD.replace("[h264-sdr]", "[hevc-hdr10]").replace("fps: 24", "fps: 24, hdr: hlg, bitDepth: 10");
    expect(loadWorkloadText("w.yaml", ok, shippedBook()).titles[0]?.content.hdr).toBe("hlg");
  });

  it("rejects an unknown pipeline name", () => {
    const lines = workloadProblems(BASE_WORKLOAD.replace("    tier: premium\n", "    tier: premium\n    pipeline: with-qc\n"));
    expect(lines).toEqual(['w.yaml:9:15 titles[0].pipeline: expected a pipeline named under pipelines ((none)), found "with-qc"']);
  });

  it("rejects an empty capacity", () => {
    expect(workloadProblems(BASE_WORKLOAD.replace("    cpu: 64\n", "    {}\n").replace("pools:\n    {}", "pools: {}"))).toContain(
      "w.yaml:3:10 capacity.pools: expected at least one pool (like cpu: 64), found none",
    );
    const zero = workloadProblems(BASE_WORKLOAD.replace("cpu: 64", "cpu: 0\n    gpu: { slots: 0 }"));
    expect(zero[0]).toBe("w.yaml:4:5 capacity.pools: expected at least one pool with slots > 0, found every pool at 0 slots");
  });

  it.each([
    ["cpu: 2.5", "capacity.pools.cpu: expected the number of slots (a whole number >= 0) or a mapping { slots, memoryGiB }, found 2.5"],
    ["cpu: -1", "capacity.pools.cpu: expected a number >= 0, found -1"],
    ["cpu: { slots: 1.5 }", "capacity.pools.cpu.slots: expected a whole number, found 1.5"],
    ['cpu: "64 slots"', 'capacity.pools.cpu: expected the number of slots (a whole number >= 0) or a mapping { slots, memoryGiB }, found "64 slots"'],
  ])("requires whole, non-negative slot counts (%s)", (written, message) => {
    // Only the slot count is reported: rules about pools wait until the pools are valid.
    expect(workloadProblems(BASE_WORKLOAD.replace("cpu: 64", written))).toEqual([`w.yaml:4:${written.includes("{") ? 19 : 10} ${message}`]);
  });
});

describe("loadWorkloadText: all problems at once", () => {
  it("reports schema and rule problems together, in file order", () => {
    const text = withTitle(
      `${title(`    tier: gold\n    content: { duration: "45 minutes", resolution: 1920x1080, fps: 24 }\n    deliverables: [h264-sdr]\n    colour: red\n`)}` +
        `${title(`${content}    deliverables: [nope]\n    deadline: -1h\n`)}`,
    );
    const lines = workloadProblems(text);
    expect(lines.map((l) => l.split(": ")[0])).toEqual([
      "w.yaml:8:11 titles[0].tier",
      "w.yaml:9:26 titles[0].content.duration",
      "w.yaml:11:5 titles[0].colour",
      "w.yaml:12:9 titles[1].id",
      "w.yaml:15:20 titles[1].deliverables[0]",
      "w.yaml:16:15 titles[1].deadline",
    ]);
  });

  it("reports every missing required key", () => {
    const lines = workloadProblems("titles: []\n");
    expect(lines).toEqual([
      'w.yaml:1:1 epoch: expected a value for required key "epoch" (an ISO-8601 time with a zone like 2026-11-24T00:00:00Z), found none',
      'w.yaml:1:1 capacity: expected a value for required key "capacity", found none',
    ]);
  });

  it("asks for a zone on the epoch", () => {
    expect(workloadProblems(BASE_WORKLOAD.replace("2026-11-24T00:00:00Z", "2026-11-24T00:00:00"))[0]).toBe(
      'w.yaml:1:8 epoch: expected an ISO-8601 time with a zone like 2026-11-24T00:00:00Z, found "2026-11-24T00:00:00"',
    );
  });
});

describe("loadWorkloadFile", () => {
  it("reads a file and resolves sources against its folder", () => {
    const dir = tempDir({});
    mkdirSync(join(dir, "jobs"));
    mkdirSync(join(dir, "media"));
    writeFileSync(join(dir, "media", "a.mov"), "not really a video; the loader only checks it is there");
    const file = join(dir, "jobs", "w.yaml");
    writeFileSync(file, BASE_WORKLOAD.replace("fps: 24", "fps: 24, source: ../media/a.mov"));
    expect(loadWorkloadFile(file, shippedBook()).titles[0]?.content.source).toBe(join(dir, "media", "a.mov"));
  });

  it("rejects a source file that does not exist, or is a directory, at its place in the YAML", () => {
    const dir = tempDir({});
    mkdirSync(join(dir, "media"));
    const file = join(dir, "w.yaml");
    writeFileSync(file, BASE_WORKLOAD.replace("fps: 24", "fps: 24, source: media/gone.mov"));
    const missing = inputError(() => loadWorkloadFile(file, shippedBook())).lines();
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+ titles\\[0\\]\\.content\\.source: expected an existing source file, found no file at .*gone\\.mov$`));
    writeFileSync(file, BASE_WORKLOAD.replace("fps: 24", "fps: 24, source: media"));
    expect(inputError(() => loadWorkloadFile(file, shippedBook())).lines()[0]).toMatch(/content\.source: expected a video file, found a directory/);
  });

  it("says clearly that a file is missing", () => {
    const e = inputError(() => loadWorkloadFile("/nonexistent/w.yaml", shippedBook()));
    expect(e.lines()).toEqual(["cannot read workload /nonexistent/w.yaml: no such file"]);
  });

  it("reports a directory given as the workload", () => {
    const e = inputError(() => loadWorkloadFile(tempDir({}), shippedBook()));
    expect(e.message).toMatch(/^cannot read workload /);
  });
});

describe("loadWorkloadText: schema problems do not confuse the rules", () => {
  it("reports a repeated deliverable once, at the repeat, and still checks the others", () => {
    expect(workloadProblems(BASE_WORKLOAD.replace("[h264-sdr]", "[h264-sdr, 7, nope, h264-sdr]"))).toEqual([
      "w.yaml:10:30 titles[0].deliverables[1]: expected a string, found 7",
      'w.yaml:10:33 titles[0].deliverables[2]: expected a deliverable of the recipe library ("av1", "h264-sdr", "hevc-hdr10", "hevc-sdr", "vp9"), found "nope"',
      'w.yaml:10:39 titles[0].deliverables[3]: expected no repeated items, found "h264-sdr" twice',
    ]);
  });

  it("does not check pools or deliverables against a broken pool", () => {
    expect(workloadProblems(BASE_WORKLOAD.replace("cpu: 64", "cpu: { slots: 4, mem: 1 }"))).toEqual([
      'w.yaml:4:22 capacity.pools.cpu.mem: expected one of the keys slots, memoryGiB, found unknown key "mem"',
    ]);
  });
});
