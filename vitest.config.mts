import { defineConfig } from "vitest/config";

// Tests that start processes — the vps CLI, ffmpeg, ffprobe, redis-server, chromium — are the
// "e2e" project; the rest run in-process ("unit", `npm run test:unit`, the quick loop). `npm test`
// runs both, with coverage. A new test that spawns belongs in this list (it still runs in unit,
// but the quick loop would be slow).
const E2E = [
  "test/cli/**/*.test.ts",
  "test/**/*.real.test.ts",
  "test/**/cli.test.ts",
  "test/content/{analyse,normalise,probe,shared-clips,synthetic}.test.ts",
  "test/encode/ffmpeg.test.ts",
  "test/ladder/args.test.ts",
  "test/load/sources.test.ts",
  "test/package/{checkPackage,codecs,pageRungs,play,rules}.test.ts",
  "test/run/{fake-ffmpeg,journal,process,run.input,run.kill,verify}.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["**/node_modules/**", ...E2E] } },
      { extends: true, test: { name: "e2e", include: E2E } },
    ],
    // Builds dist/vps.cjs once, so the CLI tests never run a stale bundle.
    globalSetup: ["test/globalSetup.ts"],
    // Sized for a loaded 2-core machine (CI runs beside other work): hooks that spawn the CLI
    // several times (test/cli/ladders.test.ts runs three simulations in one beforeAll) took over
    // vitest's default 10 s hook timeout there and failed a green suite.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      thresholds: {
        // Per file: each scheduling and prioritisation file on its own, not an average.
        perFile: true,
        // The scheduling and prioritisation core is held to 95% of lines (issue 2).
        "src/sched/**/*.ts": { lines: 95 },
        "src/value/**/*.ts": { lines: 95 },
        // Prediction and allocation (issue 5): the cost model, its calibration, the run's prediction
        // error and the allocation benchmark.
        "src/cost/**/*.ts": { lines: 95 },
        "src/plan/prediction.ts": { lines: 95 },
        "src/bench/allocation.ts": { lines: 95 },
        // The weighted-tardiness bench (issue 13): its figures go in the README.
        "src/bench/deadlines.ts": { lines: 95 },
        "src/bench/orlib.ts": { lines: 95 },
      },
    },
  },
});
