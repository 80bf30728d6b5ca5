// Analytics during the run: an event replaces a title's value figures at its time, may promote or
// demote the title (src/value/viral.ts), and re-keys it at once, so the very next dispatch decision
// orders with the new value. Events for unknown or already published titles are ignored with a
// warning in the plan: analytics feeds are late and messy, and a plan must not fail because of one.
import type { AnalyticsEvent, TierChange, ValueFigures } from "../model";
import { formatDuration } from "../util/time";
import { observeViews, type ViralChange } from "../value/viral";
import { titleWeight } from "../value/weight";
import { rekey } from "./dispatch";
import type { SimState, SimTitle } from "./state";

function applyFigures(value: ValueFigures, e: AnalyticsEvent): void {
  if (e.views !== undefined) value.viewsSoFar = e.views;
  if (e.expectedViews !== undefined) value.expectedViews = e.expectedViews;
  if (e.subscribers !== undefined) value.subscribers = e.subscribers;
  if (e.revenuePerView !== undefined) value.revenuePerView = e.revenuePerView;
}

function changeTier(state: SimState, title: SimTitle, change: NonNullable<ViralChange>): void {
  const to = change.kind === "promote" ? state.config.viral.promoteTo : title.title.tier;
  if (to === title.tier) return;
  const record: TierChange = { at: state.now, kind: change.kind, from: title.tier, to, reason: change.reason };
  title.tier = to;
  title.tierChanges.push(record);
  if (change.kind === "promote") state.promotionDelays.push(state.now - change.firstAboveAt);
  state.trace?.({ type: "tier:change", at: state.now, title: title.id, change: record });
}

/** Re-weights a title (and its follow-up, which carries the same content) and re-keys the queued ones. */
function reweigh(state: SimState, title: SimTitle): void {
  const followUp = title.followUp === null ? null : state.titles[title.followUp]!;
  for (const t of followUp ? [title, followUp] : [title]) {
    t.weight = titleWeight(title.title, state.tiers, title.tier);
    if (!t.arrived || t.finish !== null) continue;
    // A deadline title's weight is part of the sequence's objective: search it again.
    if (t.deadline !== null) state.orderDirty = true;
    rekey(state, t);
    state.pendingChanges.push({ title: t.idx, at: state.now });
  }
}

/** Counts an ignored event; a feed keeps reporting after publication, so one line per title, not per event. */
function ignore(state: SimState, e: AnalyticsEvent, title: SimTitle | undefined): void {
  const why = title ? `after it was published at +${formatDuration(title.finish!)}` : "for a title not in the workload";
  const entry = state.ignoredEvents.get(e.title);
  if (entry) entry.count++;
  else state.ignoredEvents.set(e.title, { count: 1, first: e.at, why });
}

/** The plan's warnings about ignored analytics, one line per title, in the order first seen. */
export function ignoredEventWarnings(state: SimState): string[] {
  return [...state.ignoredEvents].map(
    ([title, { count, first, why }]) => `${count} analytics event(s) for "${title}" from +${formatDuration(first)} ignored: ${why}`,
  );
}

export function applyAnalytics(state: SimState, index: number): void {
  const e = state.analytics[index]!;
  const idx = state.titleIndex.get(e.title);
  const title = idx === undefined ? undefined : state.titles[idx]!;
  if (title === undefined || title.finish !== null) {
    ignore(state, e, title);
    return;
  }
  applyFigures(title.title.value, e);
  if (e.views !== undefined) {
    const change = observeViews(title.viral, state.config.viral, e.at, e.views);
    if (change) changeTier(state, title, change);
  }
  state.trace?.({ type: "value:change", at: state.now, title: title.id, value: { ...title.title.value }, velocity: title.viral.velocity });
  reweigh(state, title);
}

/**
 * Resolves value changes that the coming dispatch decision orders with: the title's key in every
 * pool heap it is queued in is its new one. Called just before each dispatch.
 */
export function resolvePendingChanges(state: SimState): void {
  if (state.pendingChanges.length === 0) return;
  state.pendingChanges = state.pendingChanges.filter(({ title, at }) => {
    const t = state.titles[title]!;
    const reflected = state.heaps.every((h) => !h.has(title) || h.keyOf(title) === t.key);
    if (reflected) state.valueChangeDelays.push(state.now - at);
    return !reflected;
  });
}
