// Runs the real `bin/vps` (the esbuild bundle built by test/globalSetup.ts) as a user would, with
// stdout a pipe, so output defaults to JSON. Fixture files live in a fresh temp dir per use.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import type { Plan } from "../../src/model";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Fails the test with the build error when test/globalSetup.ts could not build the bundle. */
export function assertBuilt(): void {
  const buildError = inject("vpsBuildError");
  if (buildError) throw new Error(`test/globalSetup.ts could not build dist/vps.cjs:\n${buildError}`);
}

export function vps(...args: string[]): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, ["bin/vps", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { tempDir } from "../tempDir";

/** The plan a successful run printed (fails loudly with stderr otherwise). */
export function planOf(r: Run): Plan {
  if (r.status !== 0) throw new Error(`vps exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Plan;
}

/**
 * A small valid workload: a premium 1080p episode with a deadline, and a ugc clip without one.
 * Line numbers matter to the error tests, which edit one line of it.
 */
export const GOOD_WORKLOAD = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 64
titles:
  - id: ep-101
    arrival: +0m
    tier: premium
    content: { duration: 45m, resolution: 1920x1080, fps: 24 }
    deliverables: [h264-sdr, hevc-sdr]
    deadline: +6h
  - id: clip-7
    arrival: +10m
    tier: ugc
    content: { duration: 3m, resolution: 1280x720, fps: 30 }
    deliverables: [h264-sdr]
`;

/** A scenario small enough to simulate in a blink: six short uploads on eight slots. */
/** A 2-hour 4K title due a minute after it arrives: no farm and no downgrade can make that. */
export const HOPELESS_WORKLOAD = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 16
titles:
  - id: film-4k
    arrival: +10m
    tier: premium
    content: { duration: 2h, resolution: 3840x2160, fps: 24 }
    deliverables: [h264-sdr]
    deadline: +11m
`;

export const TINY_SCENARIO = `description: Six short uploads on a small farm.
window: 30m
capacity:
  pools:
    cpu: 8
cohorts:
  - id: clip
    description: Short uploads.
    tier: ugc
    arrivals: { count: 6 }
    content:
      classes: { generic: 1 }
      duration: { median: 2m, spread: 0.5, min: 30s, max: 5m }
      resolutions: { 1280x720: 1 }
      fps: { 30: 1 }
      complexity: { min: 0.3, max: 0.6 }
    deliverables: [h264-sdr]
    deadline: { after: 1h }
    value:
      expectedViews: { median: 500, spread: 1.0 }
`;
