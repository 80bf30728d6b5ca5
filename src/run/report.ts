// What a real run leaves for people and tools: run.json, the plan contract with the real starts
// and ends (so `vps verify out/run.json` checks it) plus, per task, its tries, fallback and checked
// output; and history.csv, every encode as it really ran, in the format `vps calibrate` reads, so
// the next plan's cost model learns this machine's speeds.
import { outputSize } from "../encode/argv";
import { chunkOf, type EncodeLookup } from "../encode/commands";
import { segmentSeconds } from "../recipes/delivery";
import type { SourceFacts } from "../content/normalise";
import type { Plan, PlanTask } from "../model";
import { type SimState, sourceTitle, TaskState } from "../sched/state";
import type { TaskRecord } from "./local";

/** Adds each task's tries, fallback and output check to the plan's tasks. */
export function withRunRecords(plan: Plan, records: ReadonlyMap<string, TaskRecord>): Plan {
  const epochMs = Date.parse(plan.epoch);
  const sinceEpoch = (ms: number) => Math.round(ms - epochMs) / 1000;
  const tasks = plan.tasks.map((t): PlanTask => {
    const r = records.get(t.id);
    if (!r) return t;
    // A resumed task made no try in this run: it has no tries (an earlier run's journal has them).
    const out: PlanTask = r.tries > 0 ? { ...t, tries: r.tries } : { ...t };
    if (r.fallback) out.fallback = r.fallback;
    if (r.argv) out.argv = r.argv;
    if (r.resumed) out.resumed = true;
    if (r.worker) out.worker = r.worker;
    if (r.node) out.node = r.node;
    if (r.ran) out.ran = { start: sinceEpoch(r.ran.startMs), end: sinceEpoch(r.ran.endMs) };
    if (r.cpuSeconds !== undefined) out.cpuSeconds = Math.round(r.cpuSeconds * 1000) / 1000;
    const o = r.outputs[0];
    if (o) out.output = { path: o.path, bytes: o.bytes, sha256: o.sha256, ...(o.frames === undefined ? {} : { frames: o.frames }), ...(o.duration === undefined ? {} : { duration: o.duration }) };
    if (r.lastError && t.failed) out.error = r.lastError;
    return out;
  });
  return { ...plan, tasks };
}

const HISTORY_COLUMNS = ["video", "codec", "preset", "width", "height", "fps", "sourceWidth", "sourceHeight", "sourceFps", "duration", "bitDepth", "complexity", "contentClass", "slots", "seconds"] as const;

const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * One row per encode that really ran to a checked output, in this run or (resumed) in an earlier
 * one in the same directory, with the seconds, slots and preset of its successful try.
 */
export function historyCsv(state: SimState, records: ReadonlyMap<string, TaskRecord>, sources: ReadonlyMap<string, SourceFacts>, lookup: EncodeLookup): string {
  const rows: string[] = [HISTORY_COLUMNS.join(",")];
  for (const t of state.tasks) {
    const r = records.get(t.task.id);
    if (t.task.kind !== "encode" || t.state !== TaskState.Done || !r || r.seconds === undefined || !(r.seconds > 0)) continue;
    // A fallback encoder's speed is not the codec's model: calibrating on it would mislead the next plan.
    if (r.encoder) continue;
    const source = sourceTitle(state, t).id;
    const facts = sources.get(source);
    const found = lookup(t.task, source);
    if (!facts || !found) continue;
    const { content, probe } = facts;
    const size = outputSize(content, probe, found.rendition);
    const seconds = t.task.chunk === null ? content.duration : chunkOf(content.duration, t.task.chunk, t.task.chunks ?? 1, segmentSeconds(found.recipe)).seconds;
    const preset = r.preset ?? t.task.preset ?? found.recipe.preset;
    const row = [source, found.recipe.codec, preset, size.width, size.height, content.fps, content.width, content.height, content.fps, seconds, found.recipe.bitDepth, content.complexity, content.contentClass, r.slots ?? t.task.slots, r.seconds];
    rows.push(row.map(csvField).join(","));
  }
  return `${rows.join("\n")}\n`;
}
