// The hidden "true" cost of a simulated run. A cost model is an estimate: a title's real content
// makes every encode of it cheaper or dearer than predicted (one factor per title), and each
// chunk strays a little on its own (a smaller factor per task). The simulator draws both from a
// named stream per title, so the same seed gives the same truth, and adding a title never shifts
// another's draws. Only the simulator holds these factors; the scheduler sees only the ends of tasks
// (their observed durations), as it would from real ffmpeg processes.
import { normal, stream } from "../util/rng";
import type { SimState, SimTitle } from "./state";

export interface Truth {
  seed: number;
  /** σ of ln(true ÷ predicted work) shared by every encode of a title (measured: SHIPPED_FIT.titleSigma). */
  titleSigma: number;
  /** σ of the extra, independent ln-factor of each encode task. */
  taskSigma: number;
}

/** Per-task spread around the title's factor: chunks of one title differ far less than titles do. */
export const DEFAULT_TASK_SIGMA = 0.08;

/** Draws every encode of `title` its hidden factor, exp(N(0, titleSigma) + N(0, taskSigma)), into `factors` by task index. */
export function drawTruth(state: SimState, title: SimTitle, truth: Truth, factors: Map<number, number>): void {
  if (truth.titleSigma <= 0 && truth.taskSigma <= 0) return;
  const rng = stream(truth.seed, `truth:${title.id}`);
  const shared = normal(rng, 0, truth.titleSigma);
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.task.kind === "encode") factors.set(idx, Math.exp(shared + normal(rng, 0, truth.taskSigma)));
  }
}
