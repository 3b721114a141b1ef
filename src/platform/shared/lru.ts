export interface LruBudget<V> {
  /** The weight of an entry (e.g. its bytes). */
  readonly weigh: (v: V) => number;
  /** Oldest entries are dropped while the total weight is over this… */
  readonly maxWeight: number;
  /** …but the newest `keep` entries always stay (default 1). */
  readonly keep?: number;
}

/**
 * A small LRU map: sweeps touch a dozen settings; older ones are recomputed if needed. Bounded by
 * count and, optionally, by a weight budget (bytes): the same 24 entries that are 2 MB each for a
 * shipped model are 128 MB each for a 16 M-parameter one.
 */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  private readonly weights = new Map<string, number>();
  private total = 0;
  constructor(
    private readonly capacity: number,
    private readonly budget?: LruBudget<V>,
  ) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  /** Sets (or re-sets, after it grew) an entry; weighs it again. */
  set(key: string, v: V): void {
    this.remove(key);
    this.map.set(key, v);
    if (this.budget) {
      const w = this.budget.weigh(v);
      this.weights.set(key, w);
      this.total += w;
    }
    const keep = Math.max(1, this.budget?.keep ?? 1);
    while (
      this.map.size > this.capacity ||
      (this.budget && this.total > this.budget.maxWeight && this.map.size > keep)
    )
      this.remove(this.map.keys().next().value!);
  }
  /** The total weight of the entries (0 without a budget). */
  get weight(): number {
    return this.total;
  }
  get size(): number {
    return this.map.size;
  }
  private remove(key: string): void {
    this.map.delete(key);
    this.total -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
  }
}
