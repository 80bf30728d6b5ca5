// A Fenwick (binary indexed) tree of sums: the remaining work of deadline titles indexed by their
// deadline rank, so "work due before mine" is an O(log n) prefix sum during projections.

export class Fenwick {
  private tree: Float64Array;

  constructor(readonly size: number) {
    this.tree = new Float64Array(size + 1);
  }

  add(index: number, delta: number): void {
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i]! += delta;
  }

  /** Sum of entries [0, index). */
  prefix(index: number): number {
    let s = 0;
    for (let i = Math.min(index, this.size); i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }
}
