// Builds the CLI bundle once before the suite, with the options of the `build` script in
// package.json, so the CLI tests (which run the real `bin/vps`) never exercise a stale bundle.
// The files are written whole (temp file + rename): another process running `bin/vps` at the same
// moment sees the old bundle or the new one, never half of one. A build that fails does not stop
// the unit tests: the error is handed to the CLI tests (test/cli/run.ts), which fail with it.
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why `dist/vps.cjs` could not be built, or null when it was. */
    vpsBuildError: string | null;
  }
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function buildBundle(): Promise<void> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/vps.cjs",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // As in package.json: puppeteer (for check-package --play) is required from node_modules when used.
    external: ["puppeteer-core"],
    sourcemap: true,
    logLevel: "warning",
    write: false,
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    await buildBundle();
    project.provide("vpsBuildError", null);
  } catch (e) {
    project.provide("vpsBuildError", (e as Error).message);
  }
}
