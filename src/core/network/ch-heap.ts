// An indexed binary min-heap over dense node ids (typed arrays, decrease- and increase-key), shared by the CH builder
// and the CH queries so that no search allocates.

/**
 * Min-heap of node ids keyed by a number. Each node is in the heap at most once: `set` inserts it or moves it to a
 * new key. Keys live next to the ids in heap order (not per node) so that sifting touches contiguous memory.
 * NOTE: at most one entry per node keeps the heap as small as the set of reached nodes, which measured faster than
 * a lazy queue with duplicates (flatqueue) for CH searches; `clear` costs O(size), not O(nodeCount).
 */
export class IndexedMinHeap {
  private readonly keys: Float64Array;
  private readonly items: Int32Array;
  /** Heap position of each node, -1 when absent. */
  private readonly pos: Int32Array;
  size = 0;

  constructor(nodeCount: number) {
    this.keys = new Float64Array(nodeCount);
    this.items = new Int32Array(nodeCount);
    this.pos = new Int32Array(nodeCount).fill(-1);
  }

  /** Whether `node` is currently in the heap. */
  has(node: number): boolean {
    return this.pos[node] >= 0;
  }

  /** The smallest key (Infinity when empty). */
  minKey(): number {
    return this.size > 0 ? this.keys[0] : Infinity;
  }

  /** The node with the smallest key (undefined behaviour when empty). */
  minItem(): number {
    return this.items[0];
  }

  /** Inserts `node` with `key`, or moves it to `key` if present (up or down). */
  set(node: number, key: number): void {
    const p = this.pos[node];
    if (p < 0) {
      this.siftUp(this.size++, node, key);
    } else if (key < this.keys[p]) {
      this.siftUp(p, node, key);
    } else {
      this.siftDown(p, node, key);
    }
  }

  /** Removes and returns the node with the smallest key. */
  pop(): number {
    const top = this.items[0];
    this.pos[top] = -1;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.items[last], this.keys[last]);
    return top;
  }

  /** Empties the heap in O(size). */
  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.items[i]] = -1;
    this.size = 0;
  }

  private siftUp(i: number, node: number, key: number): void {
    const keys = this.keys;
    const items = this.items;
    const pos = this.pos;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk <= key) break;
      keys[i] = pk;
      const pi = items[parent];
      items[i] = pi;
      pos[pi] = i;
      i = parent;
    }
    keys[i] = key;
    items[i] = node;
    pos[node] = i;
  }

  private siftDown(i: number, node: number, key: number): void {
    const keys = this.keys;
    const items = this.items;
    const pos = this.pos;
    const n = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let ck = keys[child];
      const right = child + 1;
      if (right < n && keys[right] < ck) {
        child = right;
        ck = keys[right];
      }
      if (ck >= key) break;
      keys[i] = ck;
      const ci = items[child];
      items[i] = ci;
      pos[ci] = i;
      i = child;
    }
    keys[i] = key;
    items[i] = node;
    pos[node] = i;
  }
}
