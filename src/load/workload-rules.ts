// Rules over a normalised workload that a JSON Schema cannot express: references between parts
// of the file (tiers, pipelines, pools, recipes), orderings and graph shape. Each rule pushes
// problems and never throws, so all of them are reported together.
import type { PipelineStage, Pool, Recipe, RecipeBook, Title, Workload } from "../model";
import { formatDuration } from "../util/time";
import type { Path, ProblemList } from "./problems";
import { posOf } from "./yaml";

const quoteList = (xs: readonly string[]): string => (xs.length === 0 ? "(none)" : xs.map((x) => `"${x}"`).join(", "));

export function checkCapacity(w: Workload, problems: ProblemList): void {
  if (!problems.clean(["capacity", "pools"])) return;
  if (w.capacity.pools.length === 0) {
    problems.add(["capacity", "pools"], "expected at least one pool (like cpu: 64), found none");
  } else if (w.capacity.pools.every((p) => p.slots === 0)) {
    problems.add(["capacity", "pools"], "expected at least one pool with slots > 0, found every pool at 0 slots");
  }
}

// ---- pipelines -----------------------------------------------------------------------------

export function checkPipelines(w: Workload, problems: ProblemList): void {
  for (const [name, stages] of Object.entries(w.pipelines)) {
    const at: Path = ["pipelines", name];
    if (!problems.ok(at)) continue;
    const unique = checkStageIds(name, stages, problems);
    checkStagePools(name, stages, w.capacity.pools, problems);
    checkAfterRefs(name, stages, problems);
    const encodes = stages.filter((s) => s.kind === "encode").length;
    if (encodes !== 1) problems.add(at, `expected exactly one stage of kind encode, found ${encodes === 0 ? "none" : encodes}`);
    // With a repeated stage id the graph is ambiguous; the duplicate is reported instead.
    for (const cycle of unique ? findCycles(stages) : []) {
      problems.add(at, `expected stages without a dependency cycle, found ${cycle.join(" → ")}`);
    }
  }
}

/** Reports repeated stage ids; true when every id is unique. */
function checkStageIds(name: string, stages: PipelineStage[], problems: ProblemList): boolean {
  const seen = new Set<string>();
  stages.forEach((s, i) => {
    if (seen.has(s.id)) problems.add(["pipelines", name, i, "id"], `expected a unique stage id, found "${s.id}" again`);
    seen.add(s.id);
  });
  return seen.size === stages.length;
}

function checkStagePools(name: string, stages: PipelineStage[], pools: Pool[], problems: ProblemList): void {
  const ids = pools.map((p) => p.id);
  stages.forEach((s, i) => {
    const at: Path = ["pipelines", name, i];
    if (!problems.ok(at) || !problems.clean(["capacity", "pools"])) return;
    if (s.kind === "custom" && s.pool === null) {
      problems.add(at, `expected a pool for custom stage "${s.id}" (one of ${quoteList(ids)}), found none`);
    } else if (s.kind === "custom" && s.pool !== null && !ids.includes(s.pool)) {
      problems.add([...at, "pool"], `expected a pool of the capacity (${quoteList(ids)}), found "${s.pool}"`);
    } else if (s.kind !== "custom" && s.pool !== null) {
      // Only custom stages take a pool; the others run where their recipe or the default pipeline says.
      problems.add([...at, "pool"], `expected no pool on a ${s.kind} stage (only custom stages take one), found "${s.pool}"`, true);
    }
  });
}

function checkAfterRefs(name: string, stages: PipelineStage[], problems: ProblemList): void {
  const ids = stages.map((s) => s.id);
  stages.forEach((s, i) => {
    s.after.forEach((ref, j) => {
      const at: Path = ["pipelines", name, i, "after", j];
      if (!ids.includes(ref) && problems.ok(at)) {
        problems.add(at, `expected a stage of pipeline "${name}" (${quoteList(ids)}), found "${ref}"`);
      }
    });
  });
}

/**
 * Every distinct cycle reachable along `after` edges, each named from its smallest stage id and
 * closed on itself: `a → b → a` means a waits for b, which waits for a.
 */
export function findCycles(stages: readonly PipelineStage[]): string[][] {
  const after = new Map(stages.map((s) => [s.id, s.after]));
  const state = new Map<string, "active" | "done">();
  const cycles = new Map<string, string[]>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, "active");
    stack.push(id);
    for (const dep of after.get(id) ?? []) {
      if (!after.has(dep)) continue;
      if (state.get(dep) === "active") {
        const cycle = canonicalCycle(stack.slice(stack.indexOf(dep)));
        cycles.set(cycle.join("\u0000"), cycle);
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const s of stages) if (!state.has(s.id)) visit(s.id);
  return [...cycles.values()];
}

function canonicalCycle(members: string[]): string[] {
  const smallest = members.reduce((m, x) => (x < m ? x : m));
  const k = members.indexOf(smallest);
  const rotated = [...members.slice(k), ...members.slice(0, k)];
  return [...rotated, smallest];
}

// ---- titles --------------------------------------------------------------------------------

/** `measured`: indexes of titles whose content was measured from their source file (messages say so). */
export function checkTitles(w: Workload, book: RecipeBook, problems: ProblemList, measured: ReadonlySet<number> = new Set()): void {
  const firstAt = new Map<string, number>();
  w.titles.forEach((t, i) => {
    const at: Path = ["titles", i];
    const first = firstAt.get(t.id);
    if (first !== undefined && problems.ok([...at, "id"])) {
      const line = posOf(problems.source, ["titles", first, "id"]).line;
      problems.add([...at, "id"], `expected a unique title id, found "${t.id}" again (first at line ${line})`);
    } else if (first === undefined) firstAt.set(t.id, i);
    checkDeadline(t, at, problems);
    checkTier(t, at, w.tiers, problems);
    checkPipelineRef(t, at, w.pipelines, problems);
    checkDeliverables(t, at, w, book, problems, measured.has(i));
  });
}

function checkDeadline(t: Title, at: Path, problems: ProblemList): void {
  if (t.deadline === null || !problems.ok([...at, "arrival"], [...at, "deadline"], ["epoch"])) return;
  if (t.deadline < t.arrival) {
    problems.add(
      [...at, "deadline"],
      `expected a deadline not before the arrival (${offset(t.arrival)}), found ${offset(t.deadline)}`,
    );
  }
}

/** Seconds after the epoch as people write them: `+1h30m00s`, or `-…` before the epoch. */
function offset(seconds: number): string {
  return seconds < 0 ? formatDuration(seconds) : `+${formatDuration(seconds)}`;
}

function checkTier(t: Title, at: Path, tiers: Record<string, number>, problems: ProblemList): void {
  if (!(t.tier in tiers) && problems.ok([...at, "tier"], ["tiers"])) {
    problems.add([...at, "tier"], `expected a tier (${quoteList(Object.keys(tiers))}), found "${t.tier}"`);
  }
}

function checkPipelineRef(t: Title, at: Path, pipelines: Record<string, PipelineStage[]>, problems: ProblemList): void {
  if (t.pipeline === null || t.pipeline in pipelines || !problems.ok([...at, "pipeline"])) return;
  problems.add([...at, "pipeline"], `expected a pipeline named under pipelines (${quoteList(Object.keys(pipelines))}), found "${t.pipeline}"`);
}

function checkDeliverables(t: Title, at: Path, w: Workload, book: RecipeBook, problems: ProblemList, measured: boolean): void {
  const known = [...new Set(book.recipes.map((r) => r.deliverable))].sort();
  const content = (field: string): Path => [...at, "content", field];
  t.deliverables.forEach((d, j) => {
    const path: Path = [...at, "deliverables", j];
    if (!problems.ok(path)) return;
    const recipe = recipeFor(book, d, t.content.contentClass);
    if (recipe === null) {
      problems.add(path, `expected a deliverable of the recipe library (${quoteList(known)}), found "${d}"`);
      return;
    }
    // The class picks the recipe (and so the pool); a class the schema rejected would mislead.
    if (!problems.ok(content("class"))) return;
    checkRecipePool(recipe, path, w.capacity.pools, problems);
    if (problems.ok(content("hdr"), content("bitDepth"))) checkHdr(t, recipe, path, problems, measured);
  });
}

/** The recipe for a class, or the deliverable's generic one. */
function recipeFor(book: RecipeBook, deliverable: string, cls: string): Recipe | null {
  const mine = book.recipes.filter((r) => r.deliverable === deliverable);
  return mine.find((r) => r.contentClass === cls) ?? mine.find((r) => r.contentClass === "generic") ?? mine[0] ?? null;
}

function checkRecipePool(recipe: Recipe, path: Path, pools: Pool[], problems: ProblemList): void {
  if (!problems.clean(["capacity", "pools"])) return;
  const pool = pools.find((p) => p.id === recipe.pool);
  if (pool === undefined) {
    const ids = pools.map((p) => p.id);
    problems.add(path, `expected pool "${recipe.pool}" of recipe ${recipe.id} in the capacity (${quoteList(ids)}), found no such pool`);
  } else if (pool.slots === 0) {
    // A pool switched off can never run the encodes: the title would never finish.
    problems.add(path, `expected pool "${recipe.pool}" of recipe ${recipe.id} to have slots, found 0 slots`);
  }
}

/** HDR deliverables need an HDR source of their bit depth: vps never invents HDR from SDR. */
function checkHdr(t: Title, recipe: Recipe, path: Path, problems: ProblemList, measured: boolean): void {
  if (!recipe.hdr) return;
  const how = measured ? ` (measured from ${t.content.source ?? "its source"})` : "";
  if (t.content.hdr === "sdr") {
    problems.add(path, `expected an HDR source (content.hdr: pq or hlg) for HDR deliverable "${recipe.deliverable}", found an SDR source${how}`);
  } else if (t.content.bitDepth < recipe.bitDepth) {
    problems.add(path, `expected a source of at least ${recipe.bitDepth} bits for "${recipe.deliverable}", found ${t.content.bitDepth}-bit${how}`);
  }
}
