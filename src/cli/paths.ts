// Where the shipped recipes and scenarios live: beside the package, wherever it is run from
// (the esbuild bundle in dist/, or the TypeScript sources under vitest).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function readPackage(dir: string): { name?: string; version?: string } | null {
  const pkg = join(dir, "package.json");
  if (!existsSync(pkg)) return null;
  try {
    return JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
  } catch {
    return null;
  }
}

function isPackageRoot(dir: string): boolean {
  return readPackage(dir)?.name === "vps";
}

export function packageVersion(): string {
  return readPackage(packageRoot())?.version ?? "unknown";
}

export function packageRoot(): string {
  let dir = resolve(__dirname);
  for (;;) {
    if (isPackageRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(__dirname, "..");
    dir = up;
  }
}

export const recipesDir = (): string => join(packageRoot(), "recipes");
export const scenariosDir = (): string => join(packageRoot(), "scenarios");
