/**
 * Finds the next position to exit. A position qualifies when units * P >= (cap - realized) * S, i.e. when the
 * price P/S has reached its exit price (cap - realized) / units. Among qualifying positions the lowest exit
 * price goes first, ties by age. Ratios are compared by cross-multiplying; nothing is divided.
 */
export interface IndexedPosition {
  readonly ordinal: number;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  /** Slot in the heap, -1 when not indexed. Owned by the index. */
  slot: number;
}

export interface ExitIndex {
  readonly size: number;
  add(position: IndexedPosition): void;
  /** Call after the position's units or realized amount changed. */
  update(position: IndexedPosition): void;
  remove(position: IndexedPosition): void;
  /** The position that exits next at pool cash P and supply S, if any qualifies. */
  next(cashFen: bigint, supplyUnits: bigint): IndexedPosition | undefined;
}

function qualifies(p: IndexedPosition, cashFen: bigint, supplyUnits: bigint): boolean {
  return p.units * cashFen >= (p.capFen - p.realizedFen) * supplyUnits;
}

/** a exits before b: lower exit price, then older. */
function before(a: IndexedPosition, b: IndexedPosition): boolean {
  const left = (a.capFen - a.realizedFen) * b.units;
  const right = (b.capFen - b.realizedFen) * a.units;
  if (left !== right) return left < right;
  return a.ordinal < b.ordinal;
}

/**
 * Binary min-heap keyed by exit price. New positions mint at the current price, so their exit prices mostly
 * arrive in rising order and sift up at once; each exit is one O(log n) pop.
 */
export class HeapExitIndex implements ExitIndex {
  private readonly heap: IndexedPosition[] = [];

  get size(): number {
    return this.heap.length;
  }

  add(position: IndexedPosition): void {
    position.slot = this.heap.length;
    this.heap.push(position);
    this.up(position.slot);
  }

  update(position: IndexedPosition): void {
    if (position.slot < 0) return;
    this.down(this.up(position.slot));
  }

  remove(position: IndexedPosition): void {
    const slot = position.slot;
    if (slot < 0) return;
    const last = this.heap.pop() as IndexedPosition;
    position.slot = -1;
    if (last !== position) {
      this.heap[slot] = last;
      last.slot = slot;
      this.down(this.up(slot));
    }
  }

  next(cashFen: bigint, supplyUnits: bigint): IndexedPosition | undefined {
    const top = this.heap[0];
    return top !== undefined && qualifies(top, cashFen, supplyUnits) ? top : undefined;
  }

  private up(start: number): number {
    const heap = this.heap;
    const item = heap[start] as IndexedPosition;
    let i = start;
    while (i > 0) {
      const parentSlot = (i - 1) >> 1;
      const parent = heap[parentSlot] as IndexedPosition;
      if (!before(item, parent)) break;
      heap[i] = parent;
      parent.slot = i;
      i = parentSlot;
    }
    heap[i] = item;
    item.slot = i;
    return i;
  }

  private down(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[start] as IndexedPosition;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && before(heap[r] as IndexedPosition, heap[l] as IndexedPosition)) child = r;
      const c = heap[child] as IndexedPosition;
      if (!before(c, item)) break;
      heap[i] = c;
      c.slot = i;
      i = child;
    }
    heap[i] = item;
    item.slot = i;
  }
}

/** The vendors' way: look at every holder on every check. Kept as the reference the index is tested against. */
export class ScanExitIndex implements ExitIndex {
  private readonly open = new Set<IndexedPosition>();

  get size(): number {
    return this.open.size;
  }

  add(position: IndexedPosition): void {
    this.open.add(position);
    position.slot = 0;
  }

  update(): void {}

  remove(position: IndexedPosition): void {
    this.open.delete(position);
    position.slot = -1;
  }

  next(cashFen: bigint, supplyUnits: bigint): IndexedPosition | undefined {
    let best: IndexedPosition | undefined;
    for (const p of this.open) {
      if (!qualifies(p, cashFen, supplyUnits)) continue;
      if (best === undefined || before(p, best)) best = p;
    }
    return best;
  }
}
