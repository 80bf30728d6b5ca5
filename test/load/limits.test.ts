// Inputs beyond what a real farm has are refused at load with a positioned message, quickly, instead
// of planning for minutes or running out of memory (issue 14: `duration: 1e12` crashed the heap).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadEventsText } from "../../src/load/analytics";
import { loadRecipeText } from "../../src/load/recipes";
import { loadWorkloadText } from "../../src/load/workload";
import { countTasks, poolsUsed } from "../../src/pipeline/count";
import { expandTitle } from "../../src/pipeline/expand";
import { buildPlan } from "../../src/plan/build";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioFile, loadScenarioText } from "../../src/scenario/load";
import { LIMITS } from "../../src/util/limits";
import { scenarioYaml } from "../scenario/builders";
import { inputError, inputErrorLines } from "../inputError";
import { BASE_WORKLOAD, RECIPES_DIR, shippedBook, withTitle, workloadProblems } from "./helpers";

const title = (content: string, extra = "") => withTitle(`  - id: a\n    content: { ${content} }\n    deliverables: [h264-sdr]\n${extra}`);
const SIZE = "resolution: 1920x1080, fps: 24";

describe("a title's content within a real farm's range", () => {
  test.each([
    ["duration: 1e12", "content.duration: expected a duration of at most 48h (172800 s), found 1000000000000"],
    // Milliseconds typed as seconds: 45 minutes became 31 days of video.
    ["duration: 2700000", "content.duration: expected a duration of at most 48h (172800 s), found 2700000 (milliseconds? 2700000 ms is 45m00s)"],
    ['duration: "49h"', 'content.duration: expected a duration of at most 48h (172800 s), found "49h"'],
  ])("%s is refused with its position", (duration, message) => {
    expect(workloadProblems(title(`${duration}, ${SIZE}`))).toEqual([`w.yaml:7:26 titles[0].${message}`]);
  });

  test("48h, 8K and 240 fps are accepted: the limits are inclusive", () => {
    const w = loadWorkloadText("w.yaml", title("duration: 48h, resolution: 8192x4320, fps: 240"), shippedBook());
    expect(w.titles[0]!.content).toMatchObject({ duration: 172800, width: 8192, height: 4320, fps: 240 });
    const portrait = loadWorkloadText("w.yaml", title("duration: 60, width: 4320, height: 7680, fps: 30000/1001"), shippedBook());
    expect(portrait.titles[0]!.content).toMatchObject({ width: 4320, height: 7680 });
  });

  test.each([
    ["resolution: 100000x100000, fps: 24", "titles[0].content.resolution: expected a picture at most 8192 pixels on either side (8K), found 100000x100000"],
    ["resolution: 8192x8192, fps: 24", "titles[0].content.resolution: expected a picture of at most 35,389,440 pixels (8192x4320), found 8192x8192"],
    ["width: 9000, height: 100, fps: 24", "titles[0].content.width: expected a number <= 8192, found 9000"],
    ["resolution: 1920x1080, fps: 1000", "titles[0].content.fps: expected at most 240 frames per second, found 1000"],
    ['resolution: 1920x1080, fps: "240000/1"', 'titles[0].content.fps: expected at most 240 frames per second, found "240000/1"'],
  ])("%s is refused", (content, message) => {
    const lines = workloadProblems(title(`duration: 60, ${content}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^w\.yaml:7:\d+ /);
    expect(lines[0]!.replace(/^w\.yaml:7:\d+ /, "")).toBe(message);
  });
});

describe("times within ten years of the epoch", () => {
  test("an arrival 3 million years out is refused, not planned as a makespan of 27777777777h", () => {
    const lines = workloadProblems(title(`duration: 60, ${SIZE}`, "    arrival: 99999999999999\n"));
    expect(lines).toEqual(["w.yaml:9:14 titles[0].arrival: expected a time within 10 years of the epoch, found 99999999999999 (3,168,809 years after it)"]);
  });

  test("deadlines, ISO times and events are held to the same window", () => {
    const deadline = workloadProblems(title(`duration: 60, ${SIZE}`, "    deadline: 2046-11-24T00:00:00Z\n"));
    expect(deadline).toEqual(['w.yaml:9:15 titles[0].deadline: expected a time within 10 years of the epoch, found "2046-11-24T00:00:00Z" (20 years after it)']);
    expect(inputErrorLines(() => loadEventsText("e.ndjson", '{"at": "+100000h", "title": "a", "views": 5}\n', 0))).toEqual([
      'e.ndjson:1:8 at: expected a time within 10 years of the epoch, found "+100000h" (11 years after it)',
    ]);
    const ok = loadWorkloadText("w.yaml", title(`duration: 60, ${SIZE}`, "    deadline: +87600h\n"), shippedBook());
    expect(ok.titles[0]!.deadline).toBe(87600 * 3600);
  });

  test("a policy span beyond the window is refused", () => {
    const lines = workloadProblems(`${BASE_WORKLOAD}policy:\n  maxWait: 100000d\n`);
    expect(lines).toEqual(['w.yaml:12:12 policy.maxWait: expected a duration at most 10 years, found "100000d"']);
  });
});

describe("counts", () => {
  test("pool slots, view figures and explicit work have ceilings", () => {
    const pools = workloadProblems(BASE_WORKLOAD.replace("cpu: 64", "cpu: 10000000"));
    expect(pools).toEqual(["w.yaml:4:10 capacity.pools.cpu: expected a number <= 1000000, found 10000000"]);
    expect(workloadProblems(title(`duration: 60, ${SIZE}`, "    work: 1e15\n"))).toEqual(["w.yaml:9:11 titles[0].work: expected a number <= 864000000, found 1000000000000000"]);
    expect(workloadProblems(title(`duration: 60, ${SIZE}`, "    value: { expectedViews: 1e300 }\n"))[0]).toContain("titles[0].value.expectedViews: expected a number <= 1000000000000");
  });

  test("more events than the limit in an NDJSON file are refused before any line is parsed", () => {
    const line = '{"at": 1, "title": "a", "views": 1}\n';
    const text = line.repeat(LIMITS.events + 1);
    expect(inputErrorLines(() => loadEventsText("e.ndjson", text, 0))).toEqual(["e.ndjson: expected at most 1,000,000 analytics events, found 1,000,001 lines"]);
  });

  test("a recipe rung beyond 8K is refused", () => {
    const recipe = readFileSync(`${RECIPES_DIR}/h264-sdr.yaml`, "utf8").replace(/width: 1920\b/, "width: 19200");
    expect(inputErrorLines(() => loadRecipeText("h264-sdr.yaml", recipe)).join("\n")).toMatch(/\.width: expected a number <= 8192, found 19200/);
  });
});

describe("the task limit", () => {
  test("a workload that expands beyond it is refused with the figure before it is expanded", () => {
    // 48 h films in every SDR deliverable: ~3,600 tasks each; 200 of them are about 700,000 tasks.
    const films = Array.from({ length: 200 }, (_, i) => `  - id: f${i}\n    content: { duration: 48h, resolution: 3840x2160, fps: 24 }\n    deliverables: [h264-sdr, hevc-sdr, av1]\n`).join("");
    const w = loadWorkloadText("w.yaml", withTitle(films), shippedBook());
    const e = inputError(() => buildPlan(w, shippedBook(), { policy: "value", seed: null, trace: null }));
    expect(e.message).toMatch(/^the workload expands into [\d,]+ tasks, more than vps plans at once \(500,000, about 2 GB of memory\): split it into batches \(the largest title, f0, has [\d,]+ tasks\)$/);
  });

  test("countTasks is the number of tasks expandTitle makes, over the shipped scenarios", () => {
    const book = shippedBook();
    for (const name of ["default", "many-formats", "mixed-content", "premium-rush", "scheduled-release", "backlog"]) {
      const w = generateWorkload(loadScenarioFile(fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url))), 7);
      for (const t of w.titles) expect(countTasks(t, w, book), `${name} ${t.id}`).toBe(expandTitle(t, w, book).tasks.length);
    }
  });

  test("and over custom pipelines, silent sources and normalised ones", () => {
    const book = shippedBook();
    const text = `${BASE_WORKLOAD.replace("titles:\n", `pipelines:
  qc:
    - { id: analyse, kind: analyse }
    - { id: encode, kind: encode, after: [analyse] }
    - { id: qc, kind: custom, pool: cpu, after: [encode], workPerSecond: 0.2 }
    - { id: package, kind: package, after: [qc] }
    - { id: publish, kind: publish, after: [package] }
titles:
  - id: long
    content: { duration: 3h, resolution: 3840x2160, fps: 24, audio: false }
    deliverables: [h264-sdr, av1]
    pipeline: qc
`)}`;
    const w = loadWorkloadText("w.yaml", text, book);
    const normalised = { ...w.titles[1]!, normalise: ["interlaced"] };
    for (const t of [...w.titles, normalised]) expect(countTasks(t, w, book)).toBe(expandTitle(t, w, book).tasks.length);
  });
});

describe("scenarios", () => {
  test("a cohort's longest duration, its resolutions and frame rates are held to the same limits", () => {
    const text = scenarioYaml().replace("max: 1h", "max: 100h").replace("1920x1080: 1", "16000x9000: 1").replace("30: 1", "250: 1");
    const lines = inputErrorLines(() => loadScenarioText("s.yaml", text));
    expect(lines).toEqual([
      expect.stringMatching(/cohorts\[0\]\.content\.duration\.max: expected a longest duration of at most 48h, found 360000s$/),
      's.yaml:11:22 cohorts[0].content.resolutions["16000x9000"]: expected a picture of at most 8K (8192 pixels a side, 35,389,440 in all), found "16000x9000"',
      's.yaml:12:14 cohorts[0].content.fps["250"]: expected a frame rate above 0 and at most 240 like 25, 29.97 or 30000/1001, found "250"',
    ]);
  });

  test("cohorts that would generate more titles than a workload may hold are refused with the figure", () => {
    const text = scenarioYaml().replace("rate: 20", "rate: 60000");
    expect(inputErrorLines(() => loadScenarioText("s.yaml", text)).join("\n")).toMatch(/expected at most 100,000 titles in a cohort, found 120,000 expected/);
  });
});

describe("poolsUsed", () => {
  test("names the pools tasks run on, in the capacity's order: not a declared pool nothing uses", () => {
    const w = loadWorkloadText("w.yaml", BASE_WORKLOAD.replace("cpu: 64", "gpu: 2\n    cpu: 64\n    spare: 4"), shippedBook());
    expect(poolsUsed(w, shippedBook())).toEqual(["cpu"]);
    expect(poolsUsed({ ...w, titles: [] }, shippedBook())).toEqual([]);
  });
});
