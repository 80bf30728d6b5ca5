// Learning while running. The cost model predicts every task before the run; a title's real
// content then makes all of its encodes cheaper or dearer by much the same factor. So each
// finished encode tells the scheduler about the rest of its title: the correction is the
// geometric mean of (actual ÷ predicted work) over the title's finished encodes, shrunk a little
// toward 1 so that one odd chunk does not swing the estimate of the others. Every not-started
// encode of the title is re-estimated with it, running ones get new expected ends (so the
// reservations built on them move), and the simulator then re-plans the title (projection,
// priority key, downgrade review) exactly as after any other change.
import { giveWork, resortReady } from "./dispatch";
import { type SimState, type SimTask, type SimTitle, TaskState, taskWork } from "./state";

/**
 * Weight of the prior (no correction) against the title's own observations, in observations: a
 * title's first chunk moves its estimate 1/(1 + 0.2) ≈ 83% of the way. Chunks of one title stray
 * from each other far less (σ ≈ 0.08) than titles stray from the model (σ ≈ 0.23), and the
 * Bayes weight for that is (0.08 / 0.23)² ≈ 0.12; 0.2 is a little more cautious.
 */
export const PRIOR_WEIGHT = 0.2;

/** Learns from an encode that took `seconds` where the cost model alone predicted `t.predicted`. */
export function learnFrom(state: SimState, title: SimTitle, t: SimTask, seconds: number): void {
  if (t.task.kind !== "encode" || t.task.parallel === null || t.modelWork <= 0 || t.predicted <= 0 || !(seconds > 0)) return;
  title.learnLog += Math.log(seconds / t.predicted);
  title.learnN += 1;
  const correction = Math.exp(title.learnLog / (title.learnN + PRIOR_WEIGHT));
  const ratio = correction / title.correction;
  title.correction = correction;
  if (Math.abs(ratio - 1) > 1e-12) reestimate(state, title, ratio);
}

/** Scales the estimates of the title's encodes that have not ended by `ratio`. */
function reestimate(state: SimState, title: SimTitle, ratio: number): void {
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.task.kind !== "encode" || t.task.parallel === null) continue;
    if (t.state === TaskState.Waiting || t.state === TaskState.Ready) {
      const before = taskWork(t);
      t.task.work *= ratio;
      t.task.duration *= ratio;
      giveWork(state, title, t.poolIdx, taskWork(t) - before);
    } else if (t.state === TaskState.Running) {
      const estEnd = t.start + (t.estEnd - t.start) * ratio;
      state.runningSlotEnd[t.poolIdx]! += t.task.slots * (estEnd - t.estEnd);
      t.estEnd = estEnd;
      state.runningEnds[t.poolIdx]!.update(t.idx, -estEnd);
    }
  }
  resortReady(state, title);
}
