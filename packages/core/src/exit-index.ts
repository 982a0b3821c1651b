/**
 * Finds the next position to exit. A position qualifies when units * P >= (cap - realized) * S, i.e. when the
 * price P/S has reached its exit price (cap - realized) / units. Among qualifying positions the lowest exit
 * price goes first, ties by age (lower ordinal). Ratios are compared by cross-multiplying; nothing is divided.
 * Positions are addressed by ordinal; their numbers live in the plan's columns.
 */
export interface ExitKeys {
  units(position: number): bigint;
  /** cap - realized */
  remainingFen(position: number): bigint;
}

export interface ExitIndex {
  readonly size: number;
  add(position: number): void;
  /** Call after the position's units or realized amount changed. */
  update(position: number): void;
  remove(position: number): void;
  /** The position that exits next at pool cash P and supply S, or -1 when none qualifies. */
  next(cashFen: bigint, supplyUnits: bigint): number;
  /** A copy over the same positions reading another plan's columns (an engine fork). */
  clone(keys: ExitKeys): ExitIndex;
}

/**
 * Binary min-heap keyed by exit price. New positions mint at the current price, so their exit prices mostly
 * arrive in rising order and sift up at once; each exit is one O(log n) pop.
 */
export class HeapExitIndex implements ExitIndex {
  private heap: number[] = [];
  /** Heap slot of each position, -1 when not in the heap. */
  private slots: number[] = [];

  constructor(private readonly keys: ExitKeys) {}

  get size(): number {
    return this.heap.length;
  }

  clone(keys: ExitKeys): HeapExitIndex {
    const copy = new HeapExitIndex(keys);
    copy.heap = this.heap.slice();
    copy.slots = this.slots.slice();
    return copy;
  }

  add(position: number): void {
    this.heap.push(position);
    this.slots[position] = this.heap.length - 1;
    this.up(this.heap.length - 1);
  }

  update(position: number): void {
    const slot = this.slots[position] ?? -1;
    if (slot >= 0) this.down(this.up(slot));
  }

  remove(position: number): void {
    const slot = this.slots[position] ?? -1;
    if (slot < 0) return;
    const last = this.heap.pop() as number;
    this.slots[position] = -1;
    if (last !== position) {
      this.heap[slot] = last;
      this.slots[last] = slot;
      this.down(this.up(slot));
    }
  }

  next(cashFen: bigint, supplyUnits: bigint): number {
    if (this.heap.length === 0) return -1;
    const top = this.heap[0] as number;
    return this.keys.units(top) * cashFen >= this.keys.remainingFen(top) * supplyUnits ? top : -1;
  }

  /** a exits before b: lower exit price, then older. */
  private before(a: number, aRem: bigint, aUnits: bigint, b: number): boolean {
    const left = aRem * this.keys.units(b);
    const right = this.keys.remainingFen(b) * aUnits;
    if (left !== right) return left < right;
    return a < b;
  }

  private up(start: number): number {
    const heap = this.heap;
    const item = heap[start] as number;
    const rem = this.keys.remainingFen(item);
    const units = this.keys.units(item);
    let i = start;
    while (i > 0) {
      const parentSlot = (i - 1) >> 1;
      const parent = heap[parentSlot] as number;
      if (!this.before(item, rem, units, parent)) break;
      heap[i] = parent;
      this.slots[parent] = i;
      i = parentSlot;
    }
    heap[i] = item;
    this.slots[item] = i;
    return i;
  }

  private down(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[start] as number;
    const rem = this.keys.remainingFen(item);
    const units = this.keys.units(item);
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n) {
        const left = heap[l] as number;
        if (
          this.before(
            heap[r] as number,
            this.keys.remainingFen(heap[r] as number),
            this.keys.units(heap[r] as number),
            left,
          )
        )
          child = r;
      }
      const c = heap[child] as number;
      if (this.before(item, rem, units, c)) break;
      heap[i] = c;
      this.slots[c] = i;
      i = child;
    }
    heap[i] = item;
    this.slots[item] = i;
  }
}

/** The vendors' way: look at every holder on every check. Kept as the reference the index is measured against. */
export class ScanExitIndex implements ExitIndex {
  private readonly open = new Set<number>();

  constructor(private readonly keys: ExitKeys) {}

  get size(): number {
    return this.open.size;
  }

  clone(keys: ExitKeys): ScanExitIndex {
    const copy = new ScanExitIndex(keys);
    for (const p of this.open) copy.open.add(p);
    return copy;
  }

  add(position: number): void {
    this.open.add(position);
  }

  update(): void {}

  remove(position: number): void {
    this.open.delete(position);
  }

  next(cashFen: bigint, supplyUnits: bigint): number {
    let best = -1;
    let bestRem = 0n;
    let bestUnits = 0n;
    for (const p of this.open) {
      const units = this.keys.units(p);
      const rem = this.keys.remainingFen(p);
      if (units * cashFen < rem * supplyUnits) continue;
      if (best < 0 || rem * bestUnits < bestRem * units || (rem * bestUnits === bestRem * units && p < best)) {
        best = p;
        bestRem = rem;
        bestUnits = units;
      }
    }
    return best;
  }
}
