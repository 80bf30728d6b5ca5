// A task that failed for good. In a real run the executor retries a task and tries its fallbacks
// itself, holding the task's slots meanwhile; only a task whose tries are all spent reaches the
// scheduler. Then, as the user chose (`vps run --partial`):
//   hold    (default) the title is held: every task of it not yet started is cancelled, tasks
//           already running finish, and the title is never published;
//   publish the failed rendition is left out: its other not-started tasks are cancelled and what
//           waited on it (the package, the publish) goes on without it. A deliverable's last
//           rendition cannot be left out (there would be nothing to publish), nor can a task that
//           belongs to no rendition (analyse, normalise, package, publish): those hold the title.
// Either way every other title carries on, and the plan says what failed and why.
import { finishTitle, stopRunning, takeWork, unready, updateWaiting } from "./dispatch";
import { drop, unlink } from "./downgrade";
import { type DeliverableState, type RenditionState, type SimState, type SimTask, type SimTitle, TaskState, taskWork, type TitleFailure } from "./state";

export type PartialMode = "hold" | "publish";

interface Place {
  deliverable: DeliverableState;
  rendition: RenditionState;
}

function placeOf(title: SimTitle, t: SimTask): Place | null {
  for (const deliverable of title.deliverables) {
    const rendition = deliverable.renditions.find((r) => r.tasks.includes(t.idx));
    if (rendition) return { deliverable, rendition };
  }
  return null;
}

function canLeaveOut(place: Place | null): place is Place {
  return place !== null && place.deliverable.renditions.some((r) => r !== place.rendition && r.status === "active");
}

/** Cancels every not-started task of the title (and of its deferred follow-up): it will not be published. */
function hold(state: SimState, title: SimTitle, why: TitleFailure): void {
  title.failed = why;
  for (const idx of title.tasks) {
    const t = state.tasks[idx]!;
    if (t.state !== TaskState.Waiting && t.state !== TaskState.Ready) continue;
    if (t.state === TaskState.Ready) unready(state, t);
    takeWork(state, title, t.poolIdx, taskWork(t));
    title.remainingTasks--;
    t.state = TaskState.Cancelled;
  }
  const followUp = title.followUp === null ? null : state.titles[title.followUp]!;
  if (followUp && followUp.finish === null && followUp.failed === null) settle(state, followUp, () => hold(state, followUp, why));
}

/** Applies `change` to a title, then finishes it if nothing of it is left to run. */
function settle(state: SimState, title: SimTitle, change: () => void): void {
  change();
  if (title.remainingTasks === 0 && title.finish === null) finishTitle(state, title);
  updateWaiting(state, title);
}

/** A running task failed for good at now, for `reason` (the tool's last words). Returns its title. */
export function failTask(state: SimState, t: SimTask, reason: string, mode: PartialMode): SimTitle {
  const title = state.titles[t.titleIdx]!;
  stopRunning(state, t, TaskState.Failed);
  title.remainingTasks--;
  state.tasksFailed++;
  const place = placeOf(title, t);
  const why: TitleFailure = { task: t.task.id, at: state.now, reason };
  if (place) Object.assign(why, { deliverable: place.deliverable.deliverable, rendition: place.rendition.rendition.name });
  state.trace?.({ type: "task:fail", at: state.now, task: t.task.id, title: title.id, pool: t.task.pool, reason });
  settle(state, title, () => {
    if (mode === "publish" && canLeaveOut(place)) {
      title.failedRenditions.push(why);
      unlink(state, title, t, new Set(place.rendition.tasks));
      drop(state, title, place.rendition, "failed");
    } else hold(state, title, why);
  });
  return title;
}
