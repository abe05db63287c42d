// Min-heap of sessions ordered by (time, insertion sequence): equal times pop in a deterministic order.

export interface Scheduled {
  /** Time (µs) of the session's next action. */
  t: number;
  /** Tie-breaker assigned by the heap. */
  seq: number;
}

export class SessionHeap<T extends Scheduled> {
  private items: T[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(s: T, t: number): void {
    s.t = t;
    s.seq = this.counter++;
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(s, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = s;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) this.siftDown(last);
    return top;
  }

  /** Gives the top element a new time and restores heap order (cheaper than pop + push). */
  rescheduleTop(t: number): void {
    const a = this.items;
    const s = a[0];
    s.t = t;
    s.seq = this.counter++;
    this.siftDown(s);
  }

  private siftDown(s: T): void {
    const a = this.items;
    const n = a.length;
    let i = 0;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(a[r], a[l]) ? r : l;
      if (!less(a[c], s)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = s;
  }
}

function less(x: Scheduled, y: Scheduled): boolean {
  return x.t < y.t || (x.t === y.t && x.seq < y.seq);
}
