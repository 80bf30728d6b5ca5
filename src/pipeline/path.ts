// The critical path of a task DAG with unlimited capacity.
import type { Task } from "../model";

/** Seconds from the first task's start to the last task's end if every task started when ready. */
export function criticalPath(tasks: readonly Task[]): number {
  const finish = new Map<string, number>();
  let longest = 0;
  // Tasks come in topological order from expandTitle.
  for (const t of tasks) {
    const ready = t.after.reduce((m, a) => Math.max(m, finish.get(a) ?? 0), 0);
    const f = ready + t.duration;
    finish.set(t.id, f);
    longest = Math.max(longest, f);
  }
  return longest;
}

export function totalWork(tasks: readonly Task[]): number {
  return tasks.reduce((s, t) => s + t.duration * t.slots, 0);
}
