// The scheduler: decides what starts, where and how wide, and which downgrades to take, from the
// state it is given. It never owns time and never knows how long a task really takes. Two drivers
// use it (DESIGN.md, "one scheduler, two clocks"): the simulator (src/sched/simulator.ts) feeds it
// virtual completions from its event heap; the executor (src/run) feeds it real ones from ffmpeg
// processes. A driver's loop at each instant:
//   advance(now) → complete(…) for every task that ended → fireDue() → decide() → start what it returns
// The scheduler's own timed events (arrivals, aging, reviews, analytics) wait in its timer queue;
// a driver asks nextWakeup() when it must call again even if no task ends before then.
import type { CostModel } from "../cost/types";
import type { AnalyticsEvent, PolicyConfig, Pool } from "../model";
import type { TitlePipeline } from "../pipeline/expand";
import { InternalError } from "../util/errors";
import { applyAnalytics, resolvePendingChanges } from "./analytics";
import { arrive, dispatch, end, rekey } from "./dispatch";
import { groupOf, plannedDeadline, reviewGroup } from "./downgrade";
import { failTask, type PartialMode } from "./failure";
import type { Policy } from "./policy";
import { refreshLaxities, updateProjection } from "./projection";
import { createState, type SimState, type SimTask, type SimTitle, TaskState } from "./state";
import type { TraceSink } from "./trace";
import { type Allocation, PREDICTIVE } from "./allocate";
import { addNode, loseNode, moveNode, requeue, setNodes } from "./nodes";
import { reband, reorder } from "./order";

/** An observed duration this far from its estimate (relative) makes the deadline sequence stale. */
const STALE_ESTIMATE = 0.1;

export interface SchedulerInput {
  pools: Pool[];
  scratchGiB: number | null;
  tiers: Record<string, number>;
  pipelines: TitlePipeline[];
  config: PolicyConfig;
  events: readonly AnalyticsEvent[];
  /** The model the pipelines were expanded with; tasks a downgrade adds are costed by it too. */
  cost: CostModel;
}

export interface SchedulerOptions {
  policy: Policy;
  /** Seconds between reviews of deadline titles (re-keying and downgrade checks). */
  reviewInterval: number;
  trace: TraceSink | null;
  /** How encodes get their slots (default: predictive, see allocate.ts). */
  allocation?: Allocation;
  /** Backfill around blocked heads without delaying their reservations (default on). */
  backfill?: boolean;
}

export const DEFAULT_REVIEW_INTERVAL = 120;

export interface Progress {
  now: number;
  tasksDone: number;
  tasks: number;
  titlesDone: number;
  titles: number;
  /** Titles finished late plus deadline titles still running past their deadline. */
  late: number;
}

export class Scheduler {
  readonly state: SimState;
  private readonly reviewInterval: number;
  private reviewPending = false;

  constructor(input: SchedulerInput, options: SchedulerOptions) {
    this.state = createState({
      ...input,
      policy: options.policy,
      trace: options.trace,
      allocation: options.allocation ?? PREDICTIVE,
      backfill: options.backfill ?? true,
    });
    this.reviewInterval = options.reviewInterval;
    const agedAfter = options.policy.agedAfter;
    for (const t of this.state.titles) {
      this.state.events.push(t.arrival, "arrive", t.idx);
      // The moment a still-waiting title joins the aged band (its key jumps then, so re-key it).
      if (Number.isFinite(agedAfter)) this.state.events.push(t.arrival + agedAfter, "age", t.idx);
    }
    input.events.forEach((e, i) => this.state.events.push(e.at, "value", i));
  }

  get now(): number {
    return this.state.now;
  }

  /** When the scheduler's next own event is due (arrival, aging, review, analytics), if any. */
  nextWakeup(): number | undefined {
    return this.state.events.peekTime();
  }

  /** Tasks running now: each will end with a `complete` (or `fail`) from the driver. */
  get running(): number {
    return this.state.running.reduce((s, x) => s + x, 0);
  }

  /** Every title is published (or failed) and no timer is left: the run is over. */
  get idle(): boolean {
    return this.state.events.size === 0 && this.running === 0;
  }

  /** Every title is published (or held after a failure) and nothing runs: only stray analytics may be left. */
  get finished(): boolean {
    return this.state.titlesDone === this.state.titles.length && this.running === 0;
  }

  /** Moves time forward to `now` (never back); counts the slots left idle while work was queued. */
  advance(now: number): void {
    if (now < this.state.now) throw new InternalError(`time went back from ${this.state.now} to ${now}`);
    this.countIdle(now - this.state.now);
    this.state.now = now;
  }

  /**
   * A running task ended well at `now`, after `seconds` of its own work (the observed duration of
   * its successful attempt): frees its slots, releases what waited on it, learns from it.
   */
  complete(taskIdx: number, seconds: number): void {
    const t = this.task(taskIdx, TaskState.Running);
    this.state.eventsProcessed++;
    const estimated = t.estimate;
    if (this.state.titles[t.titleIdx]!.deadline !== null && Math.abs(seconds - estimated) > STALE_ESTIMATE * estimated) this.state.orderStale = true;
    const title = end(this.state, t, seconds);
    if (title.finish === null && title.deadline !== null) this.refresh(title);
  }

  /**
   * A running task failed for good at now (the driver's tries and fallbacks are spent): the title is
   * held, or published without the rendition, as `mode` says (src/sched/failure.ts).
   */
  fail(taskIdx: number, reason: string, mode: PartialMode): void {
    const t = this.task(taskIdx, TaskState.Running);
    this.state.eventsProcessed++;
    const title = failTask(this.state, t, reason, mode);
    if (title.finish === null && title.deadline !== null) this.refresh(title);
  }

  /**
   * An analytics report that arrived while running (`vps run --follow-events`): it applies at its
   * own time, or at the next instant if that is already past, exactly like the workload's own.
   */
  report(e: AnalyticsEvent): void {
    this.state.analytics.push(e);
    this.state.events.push(Math.max(this.state.now, e.at), "value", this.state.analytics.length - 1);
  }

  /** Applies every own event due at or before now, in (time, kind, sequence) order. */
  fireDue(): void {
    const { events } = this.state;
    while ((events.peekTime() ?? Infinity) <= this.state.now) {
      const e = events.pop()!;
      this.state.eventsProcessed++;
      if (e.type === "arrive") this.onArrive(e.ref);
      else if (e.type === "value") applyAnalytics(this.state, e.ref);
      else if (e.type === "age") this.onAge(e.ref);
      else if (e.type === "review") this.onReview();
      else throw new InternalError(`task end in the scheduler's timer queue (task ${e.ref})`);
    }
  }

  /** Decides what starts now: the tasks returned are running from this instant, at `task.slots` wide. */
  decide(): SimTask[] {
    resolvePendingChanges(this.state);
    if (this.state.policy.timeDependent) {
      if (this.state.orderDirty) reorder(this.state);
      else if (this.state.bandDirty) reband(this.state);
    }
    this.state.started = [];
    dispatch(this.state);
    // Every title is published: aging and reviews have nothing left to act on. Analytics stay,
    // so late reports are still counted as ignored in the plan's warnings.
    // Only when there is something to drop: decide runs once per late report, and sorting the
    // remaining reports every time made a feed of 50,000 reports quadratic.
    if (this.state.titlesDone === this.state.titles.length) {
      if (!this.state.events.onlyValues()) this.state.events.retain((e) => e.type === "value");
    }
    else this.scheduleReview();
    return this.state.started.map((i) => this.state.tasks[i]!);
  }

  /** A farm's live workers of a pool, before anything runs: the pool's capacity is their slots. */
  setNodes(pool: string, nodes: readonly { id: string; slots: number }[]): void {
    setNodes(this.state, pool, nodes);
  }

  /** A worker joined (or came back): its slots count from now. */
  addNode(pool: string, id: string, slots: number): void {
    addNode(this.state, pool, id, slots);
    this.refreshAll();
  }

  /** A worker was lost: its slots go, its running tasks are ready again (returned); projections see it at once. */
  loseNode(pool: string, id: string): SimTask[] {
    const lost = loseNode(this.state, pool, id);
    this.refreshAll();
    return lost;
  }

  /** A running task's next try on another node with room, not one of `avoid` (farm retries); false: it stays. */
  moveNode(taskIdx: number, avoid: ReadonlySet<string>): boolean {
    return moveNode(this.state, this.task(taskIdx, TaskState.Running), avoid);
  }

  /** A running task's try was lost without its node (its job vanished from the queue): it is ready again. */
  requeue(taskIdx: number): void {
    const t = this.task(taskIdx, TaskState.Running);
    requeue(this.state, t);
    const title = this.state.titles[t.titleIdx]!;
    if (title.deadline !== null) this.refresh(title);
  }

  /** Capacity changed: every deadline title's projection and slack, and a review of those now late. */
  private refreshAll(): void {
    for (const idx of [...this.state.activeDeadline]) this.refresh(this.state.titles[idx]!);
    this.state.orderDirty = true;
  }

  /** Counters for a live progress line. */
  progress(): Progress {
    const s = this.state;
    let overdue = 0;
    for (const idx of s.activeDeadline) if (s.titles[idx]!.deadline! < s.now) overdue++;
    return {
      now: s.now,
      tasksDone: s.tasksDone,
      tasks: s.tasks.length,
      titlesDone: s.titlesDone,
      titles: s.titles.length,
      late: s.lateTitles + overdue,
    };
  }

  /** After the last step: every title must have finished, or the scheduler has a bug. */
  finish(): void {
    const stuck = this.state.titles.filter((t) => t.finish === null);
    if (stuck.length > 0) {
      throw new InternalError(`run ended with ${stuck.length} unfinished titles (first: ${stuck[0]!.id})`);
    }
  }

  private task(idx: number, expected: TaskState): SimTask {
    const t = this.state.tasks[idx];
    if (t === undefined || t.state !== expected) throw new InternalError(`task ${idx} is not in state ${expected}`);
    return t;
  }

  /** Slots left free while the pool's queue still held work, over the `elapsed` seconds just past. */
  private countIdle(elapsed: number): void {
    const s = this.state;
    for (let p = 0; p < s.pools.length; p++) {
      if (s.heaps[p]!.size > 0 || s.parkedTitles[p]!.length > 0) s.idleWhileQueued[p]! += s.freeSlots[p]! * elapsed;
    }
  }

  private onArrive(idx: number): void {
    const title = this.state.titles[idx]!;
    arrive(this.state, title);
    if (title.deadline === null) return;
    // New work due by a deadline tightens every group due at or after it.
    refreshLaxities(this.state);
    for (const i of this.state.activeDeadline) rekey(this.state, this.state.titles[i]!);
    this.state.orderDirty = true;
    this.checkDeadline(title);
  }

  private onAge(idx: number): void {
    const title = this.state.titles[idx]!;
    if (title.finish === null && title.arrived) rekey(this.state, title);
  }

  /** A deadline title's slack changed: re-key it, and review its group if it no longer fits. */
  private refresh(title: SimTitle): void {
    updateProjection(this.state, title);
    const wasAtRisk = title.atRisk;
    rekey(this.state, title);
    if (title.atRisk !== wasAtRisk) this.state.bandDirty = true;
    this.checkDeadline(title);
  }

  private checkDeadline(title: SimTitle): void {
    if (!this.state.policy.downgrades || title.deadline === null) return;
    if (title.projected <= plannedDeadline(title.deadline, this.state.now)) return;
    reviewGroup(this.state, groupOf(this.state, title));
  }

  /** Every group once: refresh projections and laxities, then review groups projected late. */
  private onReview(): void {
    this.reviewPending = false;
    const s = this.state;
    s.bandDirty = true;
    if (s.orderStale) s.orderDirty = true;
    const groups = [...s.activeGroups.values()].map((m) => [...m].map((i) => s.titles[i]!));
    for (const group of groups) group.forEach((t) => updateProjection(s, t));
    refreshLaxities(s);
    for (const group of groups) {
      group.forEach((t) => rekey(s, t));
      const late = group.some((t) => t.projected > plannedDeadline(t.deadline!, s.now));
      if (late && s.policy.downgrades) reviewGroup(s, groupOf(s, group[0]!));
    }
  }

  /** Reviews only matter while deadline titles are active and the run has other work pending. */
  private scheduleReview(): void {
    const s = this.state;
    if (this.reviewPending || !s.policy.timeDependent || s.activeDeadline.size === 0) return;
    if (s.events.onlyReviews() && this.running === 0) return;
    s.events.push(s.now + this.reviewInterval, "review", 0);
    this.reviewPending = true;
  }
}
