// The simulator's event heap, ordered by (time, kind, sequence). Kind order makes simultaneous
// events deterministic and sensible: a task that ends at t frees its slots before anything that
// arrives at t is considered, analytics at t apply to titles that arrived at t, and aging and
// reviews see the state after all of them.

export const EVENT_ORDER = { end: 0, arrive: 1, value: 2, age: 3, review: 4 } as const;
export type EventType = keyof typeof EVENT_ORDER;

export interface SimEventEntry {
  time: number;
  type: EventType;
  /** Task index for `end`, title index for `arrive` and `age`, analytics index for `value`, unused for `review`. */
  ref: number;
  seq: number;
}

export class EventQueue {
  private heap: SimEventEntry[] = [];
  private seq = 0;
  private others = 0;
  /** Queued `value` events: when they are all there is, a finished run has nothing to drop. */
  private values = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, type: EventType, ref: number): void {
    const e: SimEventEntry = { time, type, ref, seq: this.seq++ };
    if (type !== "review") this.others++;
    if (type === "value") this.values++;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  pop(): SimEventEntry | undefined {
    const h = this.heap;
    const top = h[0];
    if (top !== undefined && top.type !== "review") this.others--;
    if (top?.type === "value") this.values--;
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }

  /** Keeps only the events `keep` accepts (O(n log n): call it when it has something to drop). */
  retain(keep: (e: SimEventEntry) => boolean): void {
    const kept = this.heap.filter(keep).sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
    this.heap = kept;
    this.others = kept.filter((e) => e.type !== "review").length;
    this.values = kept.filter((e) => e.type === "value").length;
  }

  /** True when every queued event is a `value` event. */
  onlyValues(): boolean {
    return this.values === this.heap.length;
  }

  /** True when only `review` events remain (reviews alone must not keep a finished run alive). */
  onlyReviews(): boolean {
    return this.others === 0;
  }
}

function less(a: SimEventEntry, b: SimEventEntry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  const ka = EVENT_ORDER[a.type];
  const kb = EVENT_ORDER[b.type];
  if (ka !== kb) return ka < kb;
  return a.seq < b.seq;
}
