/**
 * A 4-ary min-heap of deadlines, as libev's EV_USE_4HEAP lays it out: the root lives at
 * index HEAP0 = 3 so that the four children of node k sit together at 4(k-3)+4 .. 4(k-3)+7,
 * which keeps a node's children in one cache line in C. Each node records its own index in
 * `_active`, so removing or re-keying an arbitrary node is O(log n) without a search.
 * The sift rules (ties stop the sift) follow libev, so equal deadlines come out in the
 * same order as they do in libev.
 */

export interface HeapNode {
  /** The deadline, in the clock of the heap it sits in. */
  _at: number;
  /** @internal position in the heap array (libev's `ev_active`), so never 0 while active */
  _active: number;
}

export const HEAP0 = 3;
const DHEAP = 4;

const parentOf = (k: number): number => (((k - HEAP0 - 1) / DHEAP) | 0) + HEAP0;

/** Moves heap[k] towards the root while its parent's deadline is later. */
export function upheap(heap: HeapNode[], k: number): void {
  const node = heap[k]!;
  const at = node._at;
  for (;;) {
    const p = parentOf(k);
    if (p === k || heap[p]!._at <= at) break;
    const parent = heap[p]!;
    heap[k] = parent;
    parent._active = k;
    k = p;
  }
  heap[k] = node;
  node._active = k;
}

/** Moves heap[k] towards the leaves; `count` is the number of nodes in the heap. */
export function downheap(heap: HeapNode[], count: number, k: number): void {
  const node = heap[k]!;
  const at = node._at;
  const end = count + HEAP0;
  for (;;) {
    const first = DHEAP * (k - HEAP0) + HEAP0 + 1;
    if (first >= end) break;
    let minPos = first;
    let minAt = heap[first]!._at;
    const last = Math.min(first + DHEAP, end);
    for (let pos = first + 1; pos < last; pos++) {
      const a = heap[pos]!._at;
      if (a < minAt) {
        minPos = pos;
        minAt = a;
      }
    }
    if (at <= minAt) break;
    const child = heap[minPos]!;
    heap[k] = child;
    child._active = k;
    k = minPos;
  }
  heap[k] = node;
  node._active = k;
}

/** Restores the heap after heap[k]'s deadline changed in either direction. */
export function adjustheap(heap: HeapNode[], count: number, k: number): void {
  if (k > HEAP0 && heap[k]!._at <= heap[parentOf(k)]!._at) upheap(heap, k);
  else downheap(heap, count, k);
}

/** Rebuilds the whole heap in O(n), after every deadline moved (time jumps). */
export function reheap(heap: HeapNode[], count: number): void {
  for (let i = 0; i < count; i++) upheap(heap, i + HEAP0);
}
