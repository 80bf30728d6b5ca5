// The real-time driver: the scheduler (src/sched/scheduler.ts) under a wall clock. Where the
// simulator draws a task's end from its hidden truth, this driver hands each started task to a
// TaskRunner (real ffmpeg processes, or a queue of remote workers) and tells the scheduler when it
// really ended, with its observed duration, or that it failed for good. Each instant runs the same
// sequence as the simulator's step: advance → completions → the scheduler's own due events →
// decide → start what it chose. Between instants the driver sleeps until a task ends or the
// scheduler's next own event (an arrival, a review, an analytics report) is due.
import { setMaxListeners } from "node:events";
import type { PartialMode } from "../sched/failure";
import type { Scheduler } from "../sched/scheduler";
import type { SimTask } from "../sched/state";

/** How a task ended: `seconds` is the observed duration of its successful attempt. */
/** `lost`: the farm worker running it is gone; the scheduler starts the task again (src/sched/nodes.ts). */
export type TaskOutcome = { ok: true; seconds: number } | { ok: false; reason: string; interrupted?: boolean; lost?: boolean };

export interface TaskRunner {
  /** Runs a started task (its width and preset are final); resolves when it ends. Never rejects. */
  run(task: SimTask, signal: AbortSignal): Promise<TaskOutcome>;
}

/** Seconds since the run began; `sleep` resolves at `at` or as soon as `wake` settles. */
export interface Clock {
  now(): number;
  sleep(at: number, wake: Promise<void>): Promise<void>;
}

export interface DriveOptions {
  partial: PartialMode;
  /** Aborting stops starting work and interrupts what runs (Ctrl-C). */
  signal?: AbortSignal;
  /** Told of every start and end, in order (journal, progress, NDJSON events). */
  onStart?(task: SimTask): void;
  onEnd?(task: SimTask, outcome: TaskOutcome): void;
  /**
   * Called at every instant before completions are taken: a farm applies the workers that joined
   * or were lost since (src/farm/coordinator.ts) and returns the running tasks the scheduler took
   * back from lost ones; whatever their tries report later is ignored.
   */
  topology?(sched: Scheduler): readonly SimTask[];
  /** Handed a function that wakes the driver: something outside changed the scheduler (a followed analytics report). */
  wakeWith?(wake: () => void): void;
}

export interface DriveResult {
  /** The run was stopped before every title finished (abort): the journal says where. */
  interrupted: boolean;
}

interface Ended {
  task: SimTask;
  outcome: TaskOutcome;
  /** Which start of the task this was (a task lost with its worker starts again). */
  launch: number;
}

/** A promise that a later call resolves: the driver's alarm for "a task just ended". */
function alarm(): { promise: Promise<void>; ring: () => void } {
  let ring = () => {};
  const promise = new Promise<void>((resolve) => (ring = resolve));
  return { promise, ring };
}

export async function drive(sched: Scheduler, runner: TaskRunner, clock: Clock, options: DriveOptions): Promise<DriveResult> {
  const ended: Ended[] = [];
  const inflight = new Set<Promise<void>>();
  const stop = new AbortController();
  // Every running task listens on it (a farm runs hundreds at once): no "possible leak" warning past ten.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let bell = alarm();
  options.wakeWith?.(() => bell.ring());

  // The current start of each running task: an outcome of an earlier, lost one is stale.
  const launches = new Map<number, number>();
  let launched = 0;
  const launch = (task: SimTask) => {
    const id = ++launched;
    launches.set(task.idx, id);
    options.onStart?.(task);
    // A runner that throws (a disk error in its own bookkeeping) fails that task, not the run: a
    // rejected promise left in flight would keep the driver waiting for it forever.
    const run = runner.run(task, stop.signal).catch((e: unknown): TaskOutcome => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }));
    const p = run.then((outcome) => {
      ended.push({ task, outcome, launch: id });
      inflight.delete(p);
      bell.ring();
    });
    inflight.add(p);
  };

  try {
    for (;;) {
      // A fresh alarm before the batch is taken: any task that ends from here on rings this one.
      bell = alarm();
      sched.advance(Math.max(sched.now, clock.now()));
      for (const t of options.topology?.(sched) ?? []) launches.delete(t.idx);
      for (const { task, outcome, launch: id } of ended.splice(0)) {
        if (launches.get(task.idx) !== id) continue;
        launches.delete(task.idx);
        options.onEnd?.(task, outcome);
        if (!outcome.ok && outcome.lost) sched.requeue(task.idx);
        else if (outcome.ok) sched.complete(task.idx, outcome.seconds);
        else if (!outcome.interrupted) sched.fail(task.idx, outcome.reason, options.partial);
      }
      if (stop.signal.aborted) {
        if (inflight.size === 0) return { interrupted: true };
      } else {
        sched.fireDue();
        for (const task of sched.decide()) launch(task);
        // Analytics reports may still be queued after the last title is published: nothing waits for them.
        if (sched.finished && inflight.size === 0) return { interrupted: false };
      }
      await clock.sleep(stop.signal.aborted ? Infinity : (sched.nextWakeup() ?? Infinity), bell.promise);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** The wall clock, in seconds since `createWallClock()` (the run's start). */
export function createWallClock(startedAgo = 0): Clock {
  const t0 = performance.now() - startedAgo * 1000;
  return {
    now: () => (performance.now() - t0) / 1000,
    sleep: (at, wake) => {
      const ms = Math.max(0, (at - (performance.now() - t0) / 1000) * 1000);
      if (!Number.isFinite(ms)) return wake;
      let timer: NodeJS.Timeout | undefined;
      // Timers past ~24.8 days overflow setTimeout: wake up earlier and look again.
      const sleep = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(ms, 2 ** 31 - 1))));
      return Promise.race([sleep, wake]).finally(() => clearTimeout(timer));
    },
  };
}
