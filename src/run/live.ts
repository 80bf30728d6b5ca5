// The live display of `vps run` on a terminal (cli-progress; stderr, so stdout stays free): a
// header with the batch's state — titles published of all, late, the farm's busy share now and
// the batch's ETA from the scheduler's own projection — and one line per running task with its
// progress from ffmpeg (`-progress pipe:1`: %, fps, ETA). Retries, fallbacks, failures and
// publications print above the bars as plain lines. Not on a terminal, src/run/events.ts logs.
import { MultiBar, type SingleBar } from "cli-progress";
import { horizon } from "../sched/allocate";
import type { Scheduler } from "../sched/scheduler";
import type { SimTask } from "../sched/state";
import { formatDuration } from "../util/time";
import type { TaskOutcome } from "./driver";
import { logOutput, type RunOutput } from "./events";
import type { RunEvent } from "./local";

/** What the header says, from the scheduler's state at the moment. */
export function headerText(sched: Scheduler): string {
  const s = sched.state;
  const p = sched.progress();
  const slots = s.pools.reduce((n, x) => n + x.slots, 0);
  const busy = s.pools.reduce((n, x, i) => n + x.slots - s.freeSlots[i]!, 0);
  const eta = Math.max(0, ...s.pools.map((_, i) => horizon(s, i)));
  return `${p.titlesDone}/${p.titles} titles done, ${p.late} late · farm ${Math.round((100 * busy) / Math.max(1, slots))}% busy · batch ETA ${formatDuration(eta)}`;
}

export interface LiveOutput extends RunOutput {
  stop(): void;
}

export function liveOutput(stream: NodeJS.WriteStream, sched: Scheduler, now: () => number): LiveOutput {
  const bars = new MultiBar(
    {
      stream,
      format: (options, params, payload: { label: string; detail: string }) => {
        const width = options.barsize ?? 20;
        const filled = Math.round(params.progress * width);
        const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
        return payload.label === "" ? payload.detail : `${payload.label} ${bar} ${payload.detail}`;
      },
      barsize: 16,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 5,
      autopadding: true,
    },
  );
  const header = bars.create(1, 0, { label: "", detail: headerText(sched) });
  const running = new Map<string, SingleBar>();
  const log = logOutput((line) => bars.log(line), now);
  const refresh = () => header.update(0, { detail: headerText(sched) });
  return {
    start: (t: SimTask) => {
      running.set(t.task.id, bars.create(100, 0, { label: t.task.id, detail: `${t.task.slots} slot${t.task.slots === 1 ? "" : "s"}` }));
      refresh();
    },
    end: (t: SimTask, o: TaskOutcome) => {
      const bar = running.get(t.task.id);
      if (bar) bars.remove(bar);
      running.delete(t.task.id);
      if (!o.ok) log.end(t, o);
      refresh();
    },
    event: (e: RunEvent) => {
      if (e.type !== "task:progress") return log.event(e);
      const bar = running.get(e.task);
      const done = e.progress.outTimeSeconds;
      if (!bar || done === null || e.duration <= 0) return;
      const share = Math.min(1, done / e.duration);
      const speed = e.progress.speed;
      const eta = speed && speed > 0 ? formatDuration((e.duration - done) / speed) : "?";
      bar.update(Math.round(share * 100), { detail: `${Math.round(share * 100)}% ${e.progress.fps ?? 0} fps ETA ${eta}` });
    },
    trace: (e) => log.trace(e),
    stop: () => bars.stop(),
  };
}
