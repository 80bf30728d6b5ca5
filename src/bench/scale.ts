// `vps bench scale`: how fast and how lean the simulator is on a peak-upload workload.
// The baseline in the same run is the fifo policy on the same workload: the value policy's
// re-keying, projections and reviews are reported as a time ratio against it.
import type { RecipeBook, Workload } from "../model";
import { assemblePlan, createSimulator } from "../plan/build";
import type { PolicyName } from "../sched/policy";

export interface ScaleRun {
  policy: PolicyName;
  /** Wall seconds to expand the workload into tasks and build the simulator. */
  expandSeconds: number;
  /** Wall seconds of the event loop alone. */
  simulateSeconds: number;
  /** Wall seconds to assemble the plan JSON object. */
  assembleSeconds: number;
  totalSeconds: number;
  tasks: number;
  events: number;
  tasksPerSecond: number;
  eventsPerSecond: number;
  peakRunningEncodes: number;
  makespan: number;
  deadlineCompliance: number | null;
}

export type Timer = () => number;

export function runScale(workload: Workload, book: RecipeBook, policy: PolicyName, seed: number, now: Timer): ScaleRun {
  const t0 = now();
  const sim = createSimulator(workload, book, { policy, seed, trace: null });
  const t1 = now();
  sim.run();
  const t2 = now();
  const plan = assemblePlan(workload, sim.state, { policy, seed, trace: null });
  const t3 = now();
  const simulateSeconds = (t2 - t1) / 1000;
  return {
    policy,
    expandSeconds: (t1 - t0) / 1000,
    simulateSeconds,
    assembleSeconds: (t3 - t2) / 1000,
    totalSeconds: (t3 - t0) / 1000,
    tasks: sim.state.tasks.length,
    events: sim.state.eventsProcessed,
    tasksPerSecond: Math.round(sim.state.tasks.length / Math.max(simulateSeconds, 1e-9)),
    eventsPerSecond: Math.round(sim.state.eventsProcessed / Math.max(simulateSeconds, 1e-9)),
    peakRunningEncodes: sim.state.peakRunningEncodes,
    makespan: plan.metrics.makespan,
    deadlineCompliance: plan.metrics.deadlineCompliance,
  };
}
