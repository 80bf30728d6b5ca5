// Shared helpers for the load tests: the shipped recipe book, and "what problems does this give".
import { fileURLToPath } from "node:url";
import type { RecipeBook } from "../../src/model";
import { loadRecipeDir } from "../../src/load/recipes";
import { loadWorkloadText } from "../../src/load/workload";
import { inputError } from "../inputError";

export const RECIPES_DIR = fileURLToPath(new URL("../../recipes", import.meta.url));

let shipped: RecipeBook | null = null;
export function shippedBook(): RecipeBook {
  shipped ??= loadRecipeDir(RECIPES_DIR);
  return shipped;
}

export { inputError } from "../inputError";

/** The printed problem lines of a workload, loaded against the shipped recipes. */
export function workloadProblems(text: string, book: RecipeBook = shippedBook()): string[] {
  return inputError(() => loadWorkloadText("w.yaml", text, book)).lines();
}

export { tempDir } from "../tempDir";

/** A valid workload; tests replace one piece of it at a time. */
export const BASE_WORKLOAD = `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 64
titles:
  - id: ep-101
    arrival: +0m
    tier: premium
    content: { duration: 45m, resolution: 1920x1080, fps: 24 }
    deliverables: [h264-sdr]
`;

/** BASE_WORKLOAD with one title's lines replaced (indentation as in a title's body). */
export function withTitle(body: string): string {
  return `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 64
titles:
${body}`;
}
