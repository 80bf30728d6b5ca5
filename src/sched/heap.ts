// An indexed binary max-heap over small integer ids (title indices): push, update and remove by id
// in O(log n), so a priority change re-orders one entry instead of re-sorting the queue.
// Equal keys are broken by `seq` (lower first). The scheduler passes the title's index as `seq`, so
// equal priorities go in the workload's order (a follow-up, made while running, after every title);
// that is arrival order only when the workload lists titles by arrival, as generated scenarios do.

export class IndexedHeap {
  private ids: number[] = [];
  private keys: number[] = [];
  private seqs: number[] = [];
  /** pos[id] = index in the heap arrays, or -1. */
  private pos: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return (this.pos[id] ?? -1) >= 0;
  }

  peek(): number | undefined {
    return this.ids[0];
  }

  keyOf(id: number): number | undefined {
    const i = this.pos[id] ?? -1;
    return i >= 0 ? this.keys[i] : undefined;
  }

  push(id: number, key: number, seq: number): void {
    if (this.has(id)) {
      this.update(id, key);
      return;
    }
    const i = this.ids.length;
    this.ids.push(id);
    this.keys.push(key);
    this.seqs.push(seq);
    this.pos[id] = i;
    this.up(i);
  }

  update(id: number, key: number): void {
    const i = this.pos[id] ?? -1;
    if (i < 0) return;
    const old = this.keys[i]!;
    this.keys[i] = key;
    if (key > old) this.up(i);
    else if (key < old) this.down(i);
  }

  remove(id: number): void {
    const i = this.pos[id] ?? -1;
    if (i < 0) return;
    const last = this.ids.length - 1;
    this.swap(i, last);
    this.ids.pop();
    this.keys.pop();
    this.seqs.pop();
    this.pos[id] = -1;
    if (i < this.ids.length) {
      this.up(i);
      this.down(i);
    }
  }

  pop(): number | undefined {
    const top = this.ids[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /**
   * Visits ids in priority order without disturbing the heap, until `visit` returns false: a
   * best-first walk down the tree, so seeing the first k costs O(k²) at worst (k is small here:
   * a backfill pass looks a few dozen titles deep, a reservation a few running tasks).
   */
  visitInOrder(visit: (id: number, key: number) => boolean): void {
    const frontier: number[] = this.ids.length > 0 ? [0] : [];
    while (frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) if (this.before(frontier[i]!, frontier[best]!)) best = i;
      const at = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      if (!visit(this.ids[at]!, this.keys[at]!)) return;
      const l = 2 * at + 1;
      if (l < this.ids.length) frontier.push(l);
      if (l + 1 < this.ids.length) frontier.push(l + 1);
    }
  }

  /** Ids in priority order (for tests and debugging; O(n log n)). */
  ordered(): number[] {
    const idx = this.ids.map((_, i) => i);
    idx.sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
    return idx.map((i) => this.ids[i]!);
  }

  private before(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka > kb || (ka === kb && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    const ia = this.ids[a]!;
    const ib = this.ids[b]!;
    this.ids[a] = ib;
    this.ids[b] = ia;
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const s = this.seqs[a]!;
    this.seqs[a] = this.seqs[b]!;
    this.seqs[b] = s;
    this.pos[ib] = a;
    this.pos[ia] = b;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
