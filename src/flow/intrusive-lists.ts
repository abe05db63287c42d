// Several intrusive doubly linked lists over one index space (flow indexes), in typed arrays.
// A node is in at most one list of an instance. Head = oldest end, tail = newest end. O(1) ops.
// The caller knows which list a node is in (the flow table keeps it in a column).
// prev and next of a node are interleaved (links[2i], links[2i+1]) so they share a cache line.

export class IntrusiveLists {
  readonly links: Int32Array;
  readonly head: Int32Array;
  readonly tail: Int32Array;

  constructor(nodes: number, lists: number) {
    this.links = new Int32Array(nodes * 2);
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
  }

  next(i: number): number {
    return this.links[2 * i + 1];
  }

  prev(i: number): number {
    return this.links[2 * i];
  }

  pushTail(list: number, i: number): void {
    const l = this.links;
    const t = this.tail[list];
    l[2 * i] = t;
    l[2 * i + 1] = -1;
    if (t < 0) this.head[list] = i;
    else l[2 * t + 1] = i;
    this.tail[list] = i;
  }

  remove(list: number, i: number): void {
    const l = this.links;
    const pv = l[2 * i];
    const nx = l[2 * i + 1];
    if (pv < 0) this.head[list] = nx;
    else l[2 * pv + 1] = nx;
    if (nx < 0) this.tail[list] = pv;
    else l[2 * nx] = pv;
  }

  moveToTail(list: number, i: number): void {
    if (this.tail[list] === i) return;
    this.remove(list, i);
    this.pushTail(list, i);
  }

  clear(): void {
    this.head.fill(-1);
    this.tail.fill(-1);
  }
}
