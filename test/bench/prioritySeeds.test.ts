// `vps bench priority --seeds 1-20`: the bench judged at every seed, not at one lucky one — the
// figures per seed and their min, median and max, and which seeds miss the bars.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSeeds } from "../../src/cli/options";
import { loadRecipeDir } from "../../src/load/recipes";
import { priorityReport, type SeedFigures, seedFigures, seedSeries, spread } from "../../src/bench/priority";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioFile } from "../../src/scenario/load";

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe("the spread of a figure over seeds", () => {
  it("is min, median and max, the median of an even count between the middle two", () => {
    expect(spread([0.3, 0.9, 0.5])).toEqual({ min: 0.3, median: 0.5, max: 0.9 });
    expect(spread([0.2, 0.8, 0.4, 0.6])).toEqual({ min: 0.2, median: 0.5, max: 0.8 });
    expect(spread([])).toBeNull();
  });
});

describe("seeds on the command line", () => {
  it("takes a range or a list and refuses anything else", () => {
    expect(parseSeeds("1-5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds("1,7,42")).toEqual([1, 7, 42]);
    expect(() => parseSeeds("5-1")).toThrow(/range like 1-20/);
    expect(() => parseSeeds("x")).toThrow(/whole-number seed/);
    expect(() => parseSeeds("0-5000")).toThrow(/at most 1,000/);
  });
});

describe("bench priority over seeds", () => {
  it("reports each seed's figures as the one-seed bench does, and names the seeds below the bars", () => {
    const scenario = loadScenarioFile(at("../../scenarios/peak-load.yaml"));
    const book = loadRecipeDir(at("../../recipes"));
    const runs: SeedFigures[] = [3, 4].map((seed) => seedFigures(seed, priorityReport(generateWorkload(scenario, seed), book, seed)));
    const series = seedSeries(runs);
    expect(series.seeds).toEqual([3, 4]);
    expect(series.premiumReduction!.min).toBe(Math.min(runs[0]!.premiumReduction!, runs[1]!.premiumReduction!));
    expect(series.premiumReduction!.max).toBe(Math.max(runs[0]!.premiumReduction!, runs[1]!.premiumReduction!));
    // Stretch is turnaround over a lower bound: never below 1.
    for (const r of runs) expect(r.premiumStretch!).toBeGreaterThanOrEqual(1);
    expect(series.premiumStretch!.min).toBe(Math.min(runs[0]!.premiumStretch!, runs[1]!.premiumStretch!));
    expect(series.seedsBelowBars).toEqual(runs.filter((r) => !r.meets).map((r) => r.seed));
    expect(series.seedsMeetingBars + series.seedsBelowBars.length).toBe(2);
  });
});
