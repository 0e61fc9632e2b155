/**
 * Objects kept sorted by id, so keyset pagination (`start` = last id of the previous page) is a
 * binary search plus a forward scan — a 100-item page out of 100k objects costs microseconds.
 */
export class SortedStore<T extends { id: string }> {
  private items: T[] = [];
  private byId = new Map<string, T>();

  get size(): number {
    return this.items.length;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  all(): readonly T[] {
    return this.items;
  }

  insert(item: T): void {
    if (this.byId.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    this.byId.set(item.id, item);
    const at = this.firstAfter(item.id);
    this.items.splice(at, 0, item);
  }

  /** Bulk load (seeding): one sort instead of n splices. */
  load(items: readonly T[]): void {
    for (const it of items) this.byId.set(it.id, it);
    this.items = [...this.items, ...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Index of the first item whose id is strictly greater than `id`. */
  firstAfter(id: string): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as T).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Up to `limit` matching items after `start` (exclusive), and whether more match beyond them.
   */
  page(start: string | undefined, limit: number, match: (item: T) => boolean): { items: T[]; more: boolean } {
    const out: T[] = [];
    for (let i = start === undefined ? 0 : this.firstAfter(start); i < this.items.length; i++) {
      const it = this.items[i] as T;
      if (!match(it)) continue;
      if (out.length === limit) return { items: out, more: true };
      out.push(it);
    }
    return { items: out, more: false };
  }
}
