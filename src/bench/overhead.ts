// Coordinator overhead per task on a farm, from a run's report (run.json of `vps run --queue`): for
// each task that started on a worker's slot, the time since that slot last freed. A slot is taken
// by one task at a time here (`vps bench farm` starts workers of one slot), so on each worker the
// tasks form a sequence and each one after the first is one hand-over.
//
// Times: a try that ran on the worker has the worker's own start and end (`ran`): the slot freed
// when the previous try's output was checked there, and the next task started when its ffmpeg did.
// A task the coordinator runs itself while holding the slot (analyse, publish, a package's HLS
// playlists) has only the coordinator's times. Either way the gap holds the result's way back, the
// scheduler's decision and the job's way out: what the coordinator and the queue add.
//
// A gap counts only if some task was ready when the coordinator heard the slot was free (its title
// arrived and every task it waits for had ended by then) and had not started yet: a slot idle
// because nothing was ready is not overhead. A task made ready by that very end counts (the gap is
// then all hand-over); one made ready later by another worker's end does not.
import type { Plan, PlanTask } from "../model";

export interface HandOver {
  node: string;
  task: string;
  /** Seconds from the slot freeing to the next task starting on it. */
  gap: number;
}

/** Equal within the report's rounding (ms). */
const EPS = 0.0015;

const span = (t: PlanTask) => t.ran ?? { start: t.start, end: t.end };

/** When each task could have started: its title's arrival, and the end of every task it waits for. */
function readyTimes(plan: Plan): Map<string, number> {
  const arrival = new Map(plan.titles.map((t) => [t.id, t.arrival]));
  const end = new Map(plan.tasks.map((t) => [t.id, t.end]));
  return new Map(plan.tasks.map((t) => [t.id, Math.max(arrival.get(t.title) ?? 0, ...t.after.map((a) => end.get(a) ?? 0))]));
}

/** Every hand-over with a task ready: the gap from a slot freeing to the next task starting there. */
export function handOvers(plan: Plan): HandOver[] {
  const ready = readyTimes(plan);
  const byNode = new Map<string, PlanTask[]>();
  for (const t of plan.tasks) if (t.node !== undefined && !t.resumed) byNode.set(t.node, [...(byNode.get(t.node) ?? []), t]);
  const out: HandOver[] = [];
  for (const [node, tasks] of [...byNode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    tasks.sort((a, b) => span(a).start - span(b).start);
    for (let i = 1; i < tasks.length; i++) {
      const prev = tasks[i - 1]!;
      const next = tasks[i]!;
      // The coordinator hears of the end at prev.end: was anything ready then and not yet started?
      const waiting = plan.tasks.some((x) => x !== prev && ready.get(x.id)! <= prev.end + EPS && x.start >= prev.end - EPS);
      if (waiting) out.push({ node, task: next.id, gap: Math.max(0, span(next).start - span(prev).end) });
    }
  }
  return out;
}
