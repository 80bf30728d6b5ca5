// What a real run says while it runs. Not on a terminal, or with --log: one plain line per task
// event on stderr. With --json: NDJSON on stdout (task:start, task:progress every few seconds,
// task:end, task:retry, task:fallback, task:fail, downgrade:apply, title:publish), for other tools.
import type { SimTask } from "../sched/state";
import type { SimEvent } from "../sched/trace";
import { formatDuration } from "../util/time";
import type { TaskOutcome } from "./driver";
import type { RunEvent } from "./local";

export interface RunOutput {
  start(t: SimTask): void;
  end(t: SimTask, outcome: TaskOutcome): void;
  event(e: RunEvent): void;
  trace(e: SimEvent): void;
}

/** Seconds between two task:progress events of one task. */
const PROGRESS_EVERY = 2;

export function jsonOutput(write: (line: string) => void, now: () => number): RunOutput {
  const lastProgress = new Map<string, number>();
  const emit = (o: object) => write(`${JSON.stringify({ at: Math.round(now() * 1000) / 1000, ...o })}\n`);
  return {
    start: (t) => emit({ type: "task:start", task: t.task.id, title: t.task.title, kind: t.task.kind, pool: t.task.pool, slots: t.task.slots, preset: t.task.preset ?? undefined, estimate: round(t.estimate) }),
    end: (t, o) => emit(o.ok ? { type: "task:end", task: t.task.id, seconds: round(o.seconds), predicted: round(t.predicted) } : { type: o.interrupted ? "task:interrupted" : "task:fail", task: t.task.id, reason: o.reason }),
    event: (e) => {
      if (e.type !== "task:progress") return emit(e);
      const last = lastProgress.get(e.task) ?? -Infinity;
      if (!e.progress.end && now() - last < PROGRESS_EVERY) return;
      lastProgress.set(e.task, now());
      const done = e.progress.outTimeSeconds;
      emit({ type: e.type, task: e.task, frame: e.progress.frame, fps: e.progress.fps, speed: e.progress.speed, percent: done === null || e.duration <= 0 ? null : Math.min(100, round((100 * done) / e.duration)) });
    },
    trace: (e) => {
      if (e.type === "downgrade:apply") emit({ type: e.type, title: e.title, downgrade: e.downgrade });
      else if (e.type === "value:change") emit({ type: e.type, title: e.title, value: e.value, velocity: round(e.velocity) });
      else if (e.type === "tier:change") emit({ type: e.type, title: e.title, change: e.change });
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function logOutput(write: (line: string) => void, now: () => number): RunOutput {
  const line = (what: string, text: string) => write(`+${formatDuration(now())} ${what.padEnd(9)} ${text}\n`);
  return {
    start: (t) => line("start", `${t.task.id} (${t.task.slots} slot${t.task.slots === 1 ? "" : "s"}${t.task.preset ? `, preset ${t.task.preset}` : ""})`),
    end: (t, o) => {
      if (o.ok) line("done", `${t.task.id} in ${o.seconds.toFixed(1)} s${t.task.kind === "encode" ? ` (predicted ${t.predicted.toFixed(1)} s)` : ""}`);
      else line(o.interrupted ? "stopped" : "FAILED", `${t.task.id}: ${o.reason}`);
    },
    event: (e) => {
      if (e.type === "task:retry") line("retry", `${e.task} (try ${e.try} in ${e.delaySeconds} s): ${e.reason}`);
      else if (e.type === "task:fallback") line("fallback", `${e.task} with ${e.fallback}: ${e.reason}`);
      else if (e.type === "task:resumed") line("resumed", `${e.task} (done by an earlier run in this directory)`);
      else if (e.type === "task:adopted") line("adopted", `${e.task} (handed to worker ${e.worker} by an earlier coordinator, which did not see it end)`);
      else if (e.type === "title:publish") line("published", `${e.title} → ${e.dir}`);
    },
    trace: (e) => {
      if (e.type === "tier:change") line(e.change.kind, `${e.title}: ${e.change.from} → ${e.change.to} (${e.change.reason})`);
      else if (e.type === "downgrade:apply") line("downgrade", `${e.title}: ${e.downgrade.step}${e.downgrade.preset ? ` ${e.downgrade.preset}` : ""}${e.downgrade.rendition ? ` ${e.downgrade.rendition}` : ""} (${e.downgrade.deliverable})`);
    },
  };
}
