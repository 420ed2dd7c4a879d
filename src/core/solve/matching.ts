// Maximum-cardinality bipartite matching (Hopcroft–Karp) over a CSR adjacency, iterative so that huge graphs cannot overflow the stack.

/** Left → right adjacency in CSR form: left node `u`'s neighbours are `right[leftFirst[u] .. leftFirst[u + 1])`. */
export interface BipartiteGraph {
  leftCount: number;
  rightCount: number;
  /** length leftCount + 1 */
  leftFirst: Uint32Array;
  /** right node of each edge, < rightCount */
  right: Uint32Array;
}

export interface Matching {
  /** right partner of each left node, -1 if unmatched */
  leftToRight: Int32Array;
  /** left partner of each right node, -1 if unmatched */
  rightToLeft: Int32Array;
  size: number;
}

const UNLABELLED = 0x7fffffff;

/**
 * Hopcroft–Karp: a greedy start, then phases of one BFS (layers from all free left nodes, stopping at the first layer
 * that reaches a free right node) and one DFS sweep finding vertex-disjoint shortest augmenting paths. O(E √V).
 * BFS and DFS use explicit stacks/queues and per-node edge cursors: no recursion, no allocation inside a phase.
 *
 * @example
 * maximumMatching({ leftCount: 2, rightCount: 2, leftFirst: Uint32Array.of(0, 2, 3), right: Uint32Array.of(0, 1, 0) })
 *   .size; // 2 (0→1, 1→0)
 */
export function maximumMatching(g: BipartiteGraph): Matching {
  const { leftCount: nl, rightCount: nr, leftFirst, right } = g;
  if (leftFirst.length !== nl + 1) throw new Error(`matching: leftFirst has length ${leftFirst.length}; need leftCount + 1 = ${nl + 1}`);
  const edgeCount = leftFirst[nl];
  if (right.length < edgeCount) throw new Error(`matching: right has ${right.length} entries; leftFirst says ${edgeCount}`);
  for (let e = 0; e < edgeCount; e++) {
    if (right[e] >= nr) throw new Error(`matching: right[${e}] is ${right[e]}; it must be < rightCount ${nr}`);
  }
  const leftToRight = new Int32Array(nl).fill(-1);
  const rightToLeft = new Int32Array(nr).fill(-1);
  let size = 0;

  // Greedy start: usually matches most nodes at O(E) cost.
  for (let u = 0; u < nl; u++) {
    for (let e = leftFirst[u]; e < leftFirst[u + 1]; e++) {
      const v = right[e];
      if (rightToLeft[v] < 0) {
        rightToLeft[v] = u;
        leftToRight[u] = v;
        size++;
        break;
      }
    }
  }

  const layer = new Int32Array(nl);
  const queue = new Uint32Array(nl);
  const stack = new Uint32Array(nl);
  const cursor = new Uint32Array(nl);
  for (;;) {
    // BFS: layer[u] = alternating distance from the free left nodes.
    let head = 0;
    let tail = 0;
    for (let u = 0; u < nl; u++) {
      if (leftToRight[u] < 0) {
        layer[u] = 0;
        queue[tail++] = u;
      } else {
        layer[u] = UNLABELLED;
      }
    }
    let freeLayer = UNLABELLED;
    while (head < tail) {
      const u = queue[head++];
      const lu = layer[u];
      if (lu >= freeLayer) break;
      for (let e = leftFirst[u]; e < leftFirst[u + 1]; e++) {
        const w = rightToLeft[right[e]];
        if (w < 0) {
          freeLayer = lu;
        } else if (layer[w] === UNLABELLED) {
          layer[w] = lu + 1;
          queue[tail++] = w;
        }
      }
    }
    if (freeLayer === UNLABELLED) break;

    // DFS from every free left node along layer + 1 steps; dead ends are marked UNLABELLED so no edge is tried twice.
    for (let u = 0; u < nl; u++) cursor[u] = leftFirst[u];
    let found = 0;
    for (let root = 0; root < nl; root++) {
      if (leftToRight[root] >= 0 || layer[root] !== 0) continue;
      let sp = 0;
      stack[sp++] = root;
      while (sp > 0) {
        const u = stack[sp - 1];
        const end = leftFirst[u + 1];
        let advanced = false;
        while (cursor[u] < end) {
          const v = right[cursor[u]];
          const w = rightToLeft[v];
          if (w < 0) {
            if (layer[u] !== freeLayer) {
              cursor[u]++;
              continue;
            }
            // Augment along the stack: each stacked node takes the right node under its cursor.
            for (let s = sp - 1; s >= 0; s--) {
              const x = stack[s];
              const y = right[cursor[x]];
              rightToLeft[y] = x;
              leftToRight[x] = y;
              layer[x] = UNLABELLED; // each node joins at most one path per phase
            }
            found++;
            sp = 0;
            advanced = true;
            break;
          }
          if (layer[u] < freeLayer && layer[w] === layer[u] + 1) {
            stack[sp++] = w;
            advanced = true;
            break;
          }
          cursor[u]++;
        }
        if (!advanced) {
          layer[u] = UNLABELLED;
          sp--;
          if (sp > 0) cursor[stack[sp - 1]]++;
        }
      }
    }
    if (found === 0) break;
    size += found;
  }
  return { leftToRight, rightToLeft, size };
}
