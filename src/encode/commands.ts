// The argv of each task of a plan, built at plan assembly from the task's final fields (after the
// scheduler's downgrades: a faster preset shows in the argv). Titles without a source file get
// none; neither do analyse, package and publish tasks (the farm's own tools do those).
import type { FallbackEncoder, Recipe, RecipeBook, Rendition, Task, Title } from "../model";
import { chunksOf } from "../pipeline/expand";
import { audioProfileNamed, segmentSeconds } from "../recipes/delivery";
import { audioArgv, type Chunk, encodeArgv, joinArgv, normaliseArgv, type SourceFacts } from "./argv";

/** A task's argv; with `fallback`, an encode's with the deliverable's fallback encoder in place of the recipe's. */
export type TaskCommands = (task: Task, sourceTitle: string, fallback?: FallbackEncoder) => string[] | null;

/** Chunk `index` of `count` of a title `duration` seconds long, as the pipeline cut its rendition (on `segment`-second boundaries). */
export function chunkOf(duration: number, index: number, count: number, segment: number): Chunk {
  const lengths = chunksOf(duration, count, segment);
  const start = lengths.slice(0, index).reduce((s, x) => s + x, 0);
  return { index, start, seconds: lengths[index] ?? 0 };
}

/**
 * `titles` are the workload's titles as planned: a title with per-title ladders encodes their
 * rungs, not the recipe's, so its renditions are looked up there first.
 */
/** An encode task's recipe and rung: a title's per-title ladder first, else its recipe's. */
export type EncodeLookup = (task: Task, sourceTitle: string) => { recipe: Recipe; rendition: Rendition } | null;

export function encodeLookup(book: RecipeBook, titles: readonly Title[]): EncodeLookup {
  const recipes = new Map<string, Recipe>(book.recipes.map((r) => [r.id, r]));
  const ladders = new Map(titles.flatMap((t) => (t.ladders ? [[t.id, t.ladders] as const] : [])));
  return (task, title) => {
    const recipe = task.recipe === null ? undefined : recipes.get(task.recipe);
    const rendition = recipe && (ladders.get(title)?.[recipe.deliverable] ?? recipe.ladder).find((r) => r.name === task.rendition);
    return recipe && rendition ? { recipe, rendition } : null;
  };
}

export function taskCommands(book: RecipeBook, sources: ReadonlyMap<string, SourceFacts>, outDir: string, titles: readonly Title[] = []): TaskCommands {
  const lookup = encodeLookup(book, titles);
  return (task, title, fallback) => {
    const facts = sources.get(title);
    if (!facts) return null;
    if (task.kind === "normalise") return normaliseArgv(facts, outDir, title, task.slots);
    if (task.kind === "join" && task.deliverable !== null && task.rendition !== null) {
      return joinArgv(outDir, title, task.deliverable, task.rendition, task.chunks ?? task.after.length);
    }
    if (task.kind === "audio" && task.rendition !== null) {
      const profile = audioProfileNamed(book.recipes, task.rendition);
      return profile ? audioArgv(facts, profile, outDir, title) : null;
    }
    if (task.kind !== "encode") return null;
    const found = lookup(task, title);
    if (!found) return null;
    const rendition = found.rendition;
    const recipe = fallback ? { ...found.recipe, encoder: fallback.encoder, settings: fallback.settings } : found.recipe;
    const chunk = task.chunk === null ? null : chunkOf(facts.content.duration, task.chunk, task.chunks ?? 1, segmentSeconds(found.recipe));
    return encodeArgv(facts, { title, recipe, rendition, preset: task.preset ?? recipe.preset, chunk, slots: task.slots }, outDir);
  };
}
