// The discrete-event simulation in virtual time: the scheduler (src/sched/scheduler.ts) under a
// virtual clock. The simulator alone owns the hidden truth of how long each task really takes
// (src/sched/truth.ts): when the scheduler starts a task, the simulator draws its end and keeps it
// in its own heap; the scheduler learns the duration only when the end arrives, as it would from a
// real ffmpeg process. Nothing here reads a clock: the real-time driver (src/cli) paces `step()`.
import { amdahl } from "../cost/model";
import { EventQueue } from "./eventQueue";
import { type Progress, Scheduler, type SchedulerInput, type SchedulerOptions } from "./scheduler";
import type { SimState, SimTask } from "./state";
import { drawTruth, type Truth } from "./truth";

export { DEFAULT_REVIEW_INTERVAL, type Progress } from "./scheduler";

export type SimInput = SchedulerInput;

export interface SimOptions extends SchedulerOptions {
  /** The hidden true cost the run draws (default none: tasks take exactly what the model predicts). */
  truth?: Truth | null;
}

export class Simulator {
  readonly scheduler: Scheduler;
  /** Task ends in virtual time, ordered by (time, start order); `ref` is the task index. */
  private readonly ends = new EventQueue();
  /** Hidden truth: a task's real work is its model work × this factor (1 when absent). */
  private readonly factors = new Map<number, number>();
  /** Real seconds of each running task, handed to the scheduler when it ends. */
  private readonly actual = new Map<number, number>();

  constructor(input: SimInput, options: SimOptions) {
    this.scheduler = new Scheduler(input, options);
    const truth = options.truth ?? null;
    if (truth) for (const title of this.state.titles) drawTruth(this.state, title, truth, this.factors);
  }

  get state(): SimState {
    return this.scheduler.state;
  }

  get now(): number {
    return this.scheduler.now;
  }

  get done(): boolean {
    return this.ends.size === 0 && this.scheduler.nextWakeup() === undefined;
  }

  /** Virtual time of the next event, or undefined when the run is over. */
  nextTime(): number | undefined {
    const a = this.ends.peekTime();
    const b = this.scheduler.nextWakeup();
    if (a === undefined) return b;
    return b === undefined ? a : Math.min(a, b);
  }

  /** The hidden factor of a task's real cost over its model cost (1 for tasks the truth leaves alone). */
  trueFactor(taskIdx: number): number {
    return this.factors.get(taskIdx) ?? 1;
  }

  /** Applies every event of the next instant, then lets the scheduler decide. False when nothing is left. */
  step(): boolean {
    const t = this.nextTime();
    if (t === undefined) return false;
    const sched = this.scheduler;
    sched.advance(t);
    // Ends first: a task that ends at t frees its slots before anything else at t is considered.
    while (this.ends.peekTime() === t) {
      const idx = this.ends.pop()!.ref;
      const seconds = this.actual.get(idx)!;
      this.actual.delete(idx);
      sched.complete(idx, seconds);
    }
    sched.fireDue();
    for (const task of sched.decide()) this.begin(task);
    return true;
  }

  run(): void {
    while (this.step()) {
      /* every step advances virtual time */
    }
    this.finish();
  }

  progress(): Progress {
    return this.scheduler.progress();
  }

  finish(): void {
    this.scheduler.finish();
  }

  /** A task the scheduler started: its true duration decides when its end event comes. */
  private begin(t: SimTask): void {
    const f = this.trueFactor(t.idx);
    const p = t.task.parallel;
    const seconds = p === null ? t.task.duration * f : amdahl(t.modelWork * f, t.task.slots, p);
    this.actual.set(t.idx, seconds);
    this.ends.push(this.now + seconds, "end", t.idx);
  }
}
