// Expands a title into its task DAG: analyse → encode (a task per rendition, or per chunk of it
// for long titles, then a join) and audio (a task per audio rendition the deliverables ask for,
// unless the source has none) → package (per deliverable) → publish. A custom pipeline reorders
// or adds stages; its `encode`, `package` stages expand the same way.
import type { Capacity, PipelineStage, RecipeBook, Recipe, Rendition, Task, Title, Workload } from "../model";
import { amdahl, type CostModel, defaultCostModel } from "../cost/model";
import { select } from "../recipes/select";
import { audioProfiles, hasAudio, segmentSeconds, titleAudio } from "../recipes/delivery";
import { InputError, InternalError } from "../util/errors";

/**
 * Tasks whose outputs are held in scratch until the title is packaged: the mezzanine, the
 * renditions and their chunks, and the audio. The packages are not counted yet: held whole beside
 * every rendition they copy, a 4K film with every deliverable needs 203.9 GiB on many-formats
 * (seed 1) and no longer fits its 200 GiB; counting them needs each deliverable's renditions
 * released once its own package is built, which the scheduler does not model yet.
 */
export const holdsScratch = (kind: Task["kind"]): boolean => kind === "encode" || kind === "normalise" || kind === "audio";

/** Titles longer than this are split into chunks that encode in parallel. */
export const CHUNK_THRESHOLD = 600;
/** Target chunk length: long enough that per-chunk encoder start-up and GOP edges stay negligible. */
export const CHUNK_SECONDS = 240;

export const DEFAULT_PIPELINE: PipelineStage[] = [
  { id: "analyse", kind: "analyse", after: [], pool: null, workPerSecond: 0, slots: 1 },
  { id: "encode", kind: "encode", after: ["analyse"], pool: null, workPerSecond: 0, slots: 1 },
  { id: "package", kind: "package", after: ["encode"], pool: null, workPerSecond: 0, slots: 1 },
  { id: "publish", kind: "publish", after: ["package"], pool: null, workPerSecond: 0, slots: 1 },
];

export interface RenditionTasks {
  rendition: Rendition;
  encodes: string[];
  join: string | null;
}

export interface DeliverablePlan {
  deliverable: string;
  recipe: Recipe;
  /** Highest rung first, as in the recipe's ladder. */
  renditions: RenditionTasks[];
  /** Its audio renditions' tasks (none when the source has no audio). */
  audio: string[];
}

export interface TitlePipeline {
  title: Title;
  /** Topological order: every task comes after all of its `after` tasks. */
  tasks: Task[];
  deliverables: DeliverablePlan[];
}

/** The pool that runs the small stages (analyse, join, package, publish): `cpu` if there is one. */
export function utilityPool(capacity: Capacity): string {
  const cpu = capacity.pools.find((p) => p.id === "cpu");
  const first = cpu ?? capacity.pools[0];
  if (!first) throw new InternalError("capacity has no pools");
  return first.id;
}

interface Ctx {
  title: Title;
  capacity: Capacity;
  book: RecipeBook;
  cost: CostModel;
  utility: string;
  tasks: Task[];
  deliverables: DeliverablePlan[];
  /** Id of the pipeline's encode stage, so a package stage right after it can wait per deliverable. */
  encodeStage: string | undefined;
  /** The policy's maxResponse: no encode chunk longer than this on one slot (null: length only). */
  maxResponse: number | null;
}

function baseTask(ctx: Ctx, id: string, kind: Task["kind"], after: string[]): Task {
  return {
    id: `${ctx.title.id}/${id}`,
    title: ctx.title.id,
    kind,
    pool: ctx.utility,
    slots: 1,
    duration: 0,
    work: 0,
    parallel: null,
    memoryGiB: 0.5,
    scratchGiB: 0,
    after,
    deliverable: null,
    rendition: null,
    chunk: null,
    chunks: null,
    preset: null,
    recipe: null,
  };
}

function poolSlots(capacity: Capacity, pool: string): number {
  return capacity.pools.find((p) => p.id === pool)?.slots ?? 1;
}

/** The shortest chunk the response rule cuts: shorter, encoder start-up and GOP edges start to show. */
export const MIN_CHUNK_SECONDS = 30;
/**
 * Slot-seconds each chunk of a cut rendition costs beyond its share of the encode: ffmpeg's start,
 * the seek into the source and the encoder's set-up and look-ahead fill (a fraction of a second for
 * x264, about a second for x265 and SVT-AV1). Cutting is not free, so the plan does not pretend it is.
 */
export const CHUNK_STARTUP_WORK = 1;

/** Chunks a title of `duration` seconds is cut into by its length alone: long titles encode in parallel. */
export function lengthChunks(duration: number): number {
  return duration <= CHUNK_THRESHOLD ? 1 : Math.ceil(duration / CHUNK_SECONDS);
}

/**
 * Chunks of one rendition: by the title's length, and more where the rendition's encode would hold
 * a slot longer than `maxResponse` (its work on one slot, by the cost model), down to chunks of
 * MIN_CHUNK_SECONDS. A title with explicit `work:` is one job as stated, and a deadline title is
 * served first anyway: only their length cuts them.
 */
export function renditionChunks(title: Title, work: number, maxResponse: number | null): number {
  const byLength = lengthChunks(title.content.duration);
  if (maxResponse === null) return byLength;
  // Deadline titles run at their planned width, already short, and their projections and
  // downgrades are planned on their length's chunks (measured: cutting them too made premium-rush
  // 12 → 25 late titles over seeds 1–10).
  if (title.work !== null || title.deadline !== null) return byLength;
  const byResponse = Math.min(Math.ceil(work / maxResponse), Math.floor(title.content.duration / MIN_CHUNK_SECONDS));
  return Math.max(byLength, byResponse);
}

/** Chunks `recipe`'s `rendition` of `title` is cut into: its whole encode's work by `cost`, then renditionChunks. */
export function chunksOfRendition(title: Title, recipe: Recipe, rendition: Rendition, cost: CostModel, maxResponse: number | null): number {
  const work = cost.encodeWork({ codec: recipe.codec, preset: recipe.preset, bitDepth: recipe.bitDepth, rendition, content: title.content, seconds: title.content.duration });
  return renditionChunks(title, work, maxResponse);
}

/** Whether some rendition of a title this long may be cut into chunks (a source is then sought into). */
export const mayBeChunked = (duration: number): boolean => duration >= 2 * MIN_CHUNK_SECONDS;

/**
 * The lengths of `n` chunks of a title `duration` seconds long (by its length when n is not
 * given), about equal, each boundary on a multiple of `segment` seconds: every chunk starts with a
 * keyframe, and the package's segments start on keyframes, so a boundary off the segment grid
 * made a segment longer than its target (a 45-minute title in 12 chunks of 225 s failed its
 * package check on 2-s segments). Chunks are at least 20 s, segments at most 10 s: no boundary
 * rounds onto another.
 */
export function chunksOf(duration: number, n = lengthChunks(duration), segment = 0): number[] {
  if (n <= 1) return [duration];
  const at = (k: number) => (segment > 0 ? Math.round((k * duration) / n / segment) * segment : (k * duration) / n);
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? duration : at(k + 1)) - at(k));
}

function expandRendition(ctx: Ctx, recipe: Recipe, rendition: Rendition, after: string[]): RenditionTasks {
  const { cost } = ctx;
  const spec = { codec: recipe.codec, preset: recipe.preset, bitDepth: recipe.bitDepth, rendition, content: ctx.title.content };
  const chunks = chunksOf(ctx.title.content.duration, chunksOfRendition(ctx.title, recipe, rendition, cost, ctx.maxResponse), segmentSeconds(recipe));
  const slots = Math.min(cost.encodeSlots(rendition), poolSlots(ctx.capacity, recipe.pool));
  const stem = `encode/${recipe.deliverable}/${rendition.name}`;
  const encodes = chunks.map((seconds, i) => {
    const work = cost.encodeWork({ ...spec, seconds }) + (chunks.length > 1 ? CHUNK_STARTUP_WORK : 0);
    const task = baseTask(ctx, chunks.length > 1 ? `${stem}/c${String(i).padStart(3, "0")}` : stem, "encode", after);
    task.pool = recipe.pool;
    task.slots = slots;
    task.work = work;
    task.parallel = cost.parallelFraction(recipe.codec, rendition);
    task.duration = amdahl(work, slots, task.parallel);
    task.memoryGiB = cost.encodeMemoryGiB(recipe.codec, rendition);
    task.scratchGiB = cost.outputGiB(rendition, seconds);
    task.deliverable = recipe.deliverable;
    task.rendition = rendition.name;
    task.chunk = chunks.length > 1 ? i : null;
    task.chunks = chunks.length > 1 ? chunks.length : null;
    task.preset = recipe.preset;
    task.recipe = recipe.id;
    ctx.tasks.push(task);
    return task.id;
  });
  if (encodes.length === 1) return { rendition, encodes, join: null };
  const join = baseTask(ctx, `join/${recipe.deliverable}/${rendition.name}`, "join", encodes);
  join.duration = ctx.cost.joinDuration(ctx.title.content);
  join.deliverable = recipe.deliverable;
  join.rendition = rendition.name;
  join.chunks = chunks.length;
  ctx.tasks.push(join);
  return { rendition, encodes, join: join.id };
}

/** Encode stage: every rendition of every deliverable, then each audio rendition once; returns the stage's exit tasks. */
function expandEncode(ctx: Ctx, after: string[]): string[] {
  for (const deliverable of ctx.title.deliverables) {
    const { recipe, ladder } = select(ctx.book, deliverable, ctx.title);
    const renditions = ladder.map((r) => expandRendition(ctx, recipe, r, after));
    ctx.deliverables.push({ deliverable, recipe, renditions, audio: [] });
  }
  const audio = expandAudio(ctx, after);
  return [...ctx.deliverables.flatMap((d) => d.renditions.map((r) => r.join ?? r.encodes[0]!)), ...audio];
}

/** One task per audio rendition of the title (`<title>/audio/<name>`), read from the source itself. */
function expandAudio(ctx: Ctx, after: string[]): string[] {
  if (!hasAudio(ctx.title)) return [];
  const ids = new Map<string, string>();
  for (const profile of titleAudio(ctx.deliverables.map((d) => d.recipe))) {
    const task = baseTask(ctx, `audio/${profile.name}`, "audio", after);
    task.duration = ctx.cost.audioDuration(ctx.title.content, profile.codec);
    task.rendition = profile.name;
    task.scratchGiB = (profile.bitrateKbps * 1000 * ctx.title.content.duration) / 8 / 1024 ** 3;
    ctx.tasks.push(task);
    ids.set(profile.name, task.id);
  }
  for (const d of ctx.deliverables) d.audio = audioProfiles(d.recipe).map((a) => ids.get(a.name)!);
  return [...ids.values()];
}

/**
 * Package stage: one task per deliverable. Directly after `encode` each package waits only for its
 * own deliverable's renditions, so HLS can ship while the AV1 ladder is still encoding.
 */
function expandPackage(ctx: Ctx, stage: PipelineStage, exits: Map<string, string[]>): string[] {
  const others = stage.after.filter((a) => a !== ctx.encodeStage).flatMap((a) => exits.get(a) ?? []);
  const viaEncode = ctx.encodeStage !== undefined && stage.after.includes(ctx.encodeStage);
  return ctx.deliverables.map((d) => {
    const own = viaEncode ? [...d.renditions.map((r) => r.join ?? r.encodes[0]!), ...d.audio] : [];
    const task = baseTask(ctx, `package/${d.deliverable}`, "package", [...others, ...own]);
    task.duration = ctx.cost.packageDuration(ctx.title.content, d.renditions.length);
    // A stream copy of the deliverable's renditions and audio: as many bytes again.
    const byId = new Map(ctx.tasks.map((x) => [x.id, x]));
    task.scratchGiB = [...d.renditions.flatMap((r) => r.encodes), ...d.audio].reduce((s, id) => s + (byId.get(id)?.scratchGiB ?? 0), 0);
    task.deliverable = d.deliverable;
    ctx.tasks.push(task);
    return task.id;
  });
}

function stageOrder(stages: PipelineStage[]): PipelineStage[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const done = new Set<string>();
  const order: PipelineStage[] = [];
  const visit = (s: PipelineStage, path: string[]): void => {
    if (done.has(s.id)) return;
    if (path.includes(s.id)) throw new InternalError(`pipeline cycle ${[...path, s.id].join(" → ")}`);
    for (const a of s.after) {
      const dep = byId.get(a);
      if (dep) visit(dep, [...path, s.id]);
    }
    done.add(s.id);
    order.push(s);
  };
  stages.forEach((s) => visit(s, []));
  return order;
}

function expandStage(ctx: Ctx, stage: PipelineStage, exits: Map<string, string[]>): string[] {
  const after = stage.after.flatMap((a) => exits.get(a) ?? []);
  switch (stage.kind) {
    case "encode":
      return expandEncode(ctx, after);
    case "package":
      return expandPackage(ctx, stage, exits);
    case "analyse":
    case "publish":
    case "custom": {
      const task = baseTask(ctx, stage.kind === "custom" ? stage.id : stage.kind, stage.kind, after);
      const content = ctx.title.content;
      if (stage.kind === "analyse") task.duration = ctx.cost.analyseWork(content);
      else if (stage.kind === "publish") task.duration = ctx.cost.publishDuration();
      else {
        task.pool = stage.pool ?? ctx.utility;
        task.slots = Math.min(stage.slots, poolSlots(ctx.capacity, task.pool));
        task.duration = Math.max(1, (stage.workPerSecond * content.duration) / task.slots);
      }
      ctx.tasks.push(task);
      return [task.id];
    }
  }
}

/**
 * A source with awkward traits (interlaced, variable frame rate, an odd pixel format or codec) is
 * first turned into a mezzanine every encode reads: a normalise task that the pipeline's first
 * stages wait for (so its encodes do too). `title.normalise` says why; it is empty for most titles.
 */
function normaliseTask(ctx: Ctx): Task | null {
  const reasons = ctx.title.normalise ?? [];
  if (reasons.length === 0) return null;
  const task = baseTask(ctx, "normalise", "normalise", []);
  task.duration = ctx.cost.normaliseWork(ctx.title.content);
  task.scratchGiB = ctx.cost.mezzanineGiB(ctx.title.content);
  task.reason = reasons.join("; ");
  ctx.tasks.push(task);
  return task;
}

/** Scales encode tasks so their total work equals the title's explicit estimate. */
function applyExplicitWork(tasks: Task[], work: number): void {
  const encodes = tasks.filter((t) => t.kind === "encode");
  const total = encodes.reduce((s, t) => s + t.duration * t.slots, 0);
  if (total <= 0) return;
  const k = work / total;
  for (const t of encodes) {
    t.duration *= k;
    t.work *= k;
  }
}

/** Tasks of fixed width cost their duration on every slot they hold. */
function fixWidthWork(tasks: Task[]): void {
  for (const t of tasks) if (t.parallel === null) t.work = t.duration * t.slots;
}

/** `cost` predicts every task's work and duration; the shipped defaults unless a fitted model is given. */
export function expandTitle(title: Title, workload: Workload, book: RecipeBook, cost: CostModel = defaultCostModel): TitlePipeline {
  const stages = title.pipeline ? workload.pipelines[title.pipeline] : DEFAULT_PIPELINE;
  if (!stages) throw new InternalError(`unknown pipeline ${title.pipeline}`);
  const ctx: Ctx = {
    title,
    capacity: workload.capacity,
    book,
    cost,
    utility: utilityPool(workload.capacity),
    tasks: [],
    deliverables: [],
    encodeStage: stages.find((s) => s.kind === "encode")?.id,
    maxResponse: workload.policy.maxResponse,
  };
  const exits = new Map<string, string[]>();
  const normalise = normaliseTask(ctx);
  for (const stage of stageOrder(stages)) exits.set(stage.id, expandStage(ctx, stage, exits));
  if (normalise) for (const t of ctx.tasks) if (t !== normalise && t.after.length === 0) t.after = [normalise.id];
  if (title.work !== null) applyExplicitWork(ctx.tasks, title.work);
  fixWidthWork(ctx.tasks);
  checkMemory(ctx.tasks, workload.capacity);
  return { title, tasks: ctx.tasks, deliverables: ctx.deliverables };
}

function checkMemory(tasks: Task[], capacity: Capacity): void {
  for (const t of tasks) {
    const pool = capacity.pools.find((p) => p.id === t.pool);
    if (pool?.memoryGiB != null && t.memoryGiB > pool.memoryGiB) {
      throw new InputError(
        `task ${t.id} needs ${t.memoryGiB.toFixed(1)} GiB but pool ${pool.id} has only ${pool.memoryGiB} GiB: it could never run`,
      );
    }
  }
}
