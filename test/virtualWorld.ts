// A virtual world for the real-time driver (src/run/driver.ts): a clock that jumps to the next
// thing that happens, and a runner whose tasks end after the seconds `outcome` gives them. Ends
// due at the same instant are delivered together, in start order, as the simulator's heap does.
import type { Clock, TaskOutcome, TaskRunner } from "../src/run/driver";
import type { SimTask } from "../src/sched/state";

interface Pending {
  at: number;
  seq: number;
  finish: () => void;
}

/** How long a task takes, and whether it then fails for good (a reason) or ends well (null). */
export type VirtualOutcome = (task: SimTask) => { seconds: number; failure: string | null };

export class VirtualWorld implements Clock, TaskRunner {
  private t = 0;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(private readonly outcome: VirtualOutcome) {}

  now(): number {
    return this.t;
  }

  sleep(at: number, wake: Promise<void>): Promise<void> {
    const next = Math.min(at, ...this.pending.map((p) => p.at));
    if (!Number.isFinite(next)) return wake;
    this.t = next;
    const due = this.pending.filter((p) => p.at === next).sort((a, b) => a.seq - b.seq);
    this.pending = this.pending.filter((p) => p.at !== next);
    due.forEach((p) => p.finish());
    // Wake the driver only after every promise chain those ends started has run (however many
    // hops the driver puts between a runner and its bookkeeping): a macrotask comes after them all.
    return new Promise((resolve) => setImmediate(resolve));
  }

  run(task: SimTask): Promise<TaskOutcome> {
    const { seconds, failure } = this.outcome(task);
    const result: TaskOutcome = failure === null ? { ok: true, seconds } : { ok: false, reason: failure };
    return new Promise((resolve) => this.pending.push({ at: this.t + seconds, seq: this.seq++, finish: () => resolve(result) }));
  }
}
