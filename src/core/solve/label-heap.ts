// The indexed binary min-heap of the shortest-path searches (AssignmentSolver, TransportationSolver): columns keyed by
// their labels, held in typed arrays the solver owns (`heap[at]` a column, `heapPos[column]` its place), so that a
// search allocates nothing. Equal labels keep the order these exact comparisons give: the solvers' tie rules rely on it.
// Not the CH's IndexedMinHeap (network/ch-heap.ts), which keeps its keys in heap order in arrays sized once: the
// solvers read and reset their labels per column, and grow their arrays with the problem.

/** Moves the column at place `at` up while its label is below its parent's (after a push or a lower label). */
export function siftUp(heap: Int32Array, heapPos: Int32Array, label: Float64Array, at: number): void {
  const c = heap[at];
  const d = label[c];
  while (at > 0) {
    const parent = (at - 1) >> 1;
    const pc = heap[parent];
    if (label[pc] <= d) break;
    heap[at] = pc;
    heapPos[pc] = at;
    at = parent;
  }
  heap[at] = c;
  heapPos[c] = at;
}

/** Removes the least-labelled column from a heap of `size` entries and returns it (the caller's size drops by one). */
export function popTop(heap: Int32Array, heapPos: Int32Array, label: Float64Array, size: number): number {
  const top = heap[0];
  const n = size - 1;
  if (n > 0) {
    const c = heap[n];
    const d = label[c];
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && label[heap[child + 1]] < label[heap[child]]) child++;
      const cc = heap[child];
      if (label[cc] >= d) break;
      heap[at] = cc;
      heapPos[cc] = at;
      at = child;
    }
    heap[at] = c;
    heapPos[c] = at;
  }
  return top;
}
