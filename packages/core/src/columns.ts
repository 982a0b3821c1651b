const INT64_MAX = (1n << 63n) - 1n;

/**
 * A growable column of 64-bit integers. A million positions stored as columns are a few flat buffers instead of
 * millions of heap objects, which keeps garbage collection out of the settlement path. Values are checked on
 * write: a typed array would otherwise wrap silently.
 */
export class BigIntColumn {
  private data: BigInt64Array;
  private size = 0;

  constructor(capacity = 1024) {
    this.data = new BigInt64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Reads 0 where nothing was written. */
  get(index: number): bigint {
    return index < this.size ? (this.data[index] as bigint) : 0n;
  }

  set(index: number, value: bigint): void {
    if (value > INT64_MAX || value < 0n) throw new RangeError(`value ${value} is outside the engine's 0..2^63-1 range`);
    if (index >= this.size) this.grow(index + 1);
    this.data[index] = value;
  }

  push(value: bigint): number {
    const index = this.size;
    this.set(index, value);
    return index;
  }

  /** A deep copy (forks of the engine share no mutable state). */
  clone(): BigIntColumn {
    const copy = new BigIntColumn(this.data.length);
    copy.data.set(this.data);
    copy.size = this.size;
    return copy;
  }

  private grow(minSize: number): void {
    if (minSize > this.data.length) {
      let capacity = this.data.length * 2;
      while (capacity < minSize) capacity *= 2;
      const next = new BigInt64Array(capacity);
      next.set(this.data);
      this.data = next;
    }
    this.size = minSize;
  }
}

/** A growable column of 32-bit integers that reads 0 where nothing was written. */
export class IntColumn {
  private data: Int32Array;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  get(index: number): number {
    return index < this.data.length ? (this.data[index] as number) : 0;
  }

  clone(): IntColumn {
    const copy = new IntColumn(this.data.length);
    copy.data.set(this.data);
    return copy;
  }

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      let capacity = this.data.length * 2;
      while (capacity <= index) capacity *= 2;
      const next = new Int32Array(capacity);
      next.set(this.data);
      this.data = next;
    }
    this.data[index] = value;
  }
}

/** A growable set of small non-negative integers, one bit each, read 32 at a time in ascending order. */
export class BitColumn {
  private data: Int32Array;

  constructor(capacity = 32) {
    this.data = new Int32Array(capacity);
  }

  /** Bits 32w to 32w + 31 (bit i of the word is member 32w + i); 0 past the end. */
  word(w: number): number {
    return w < this.data.length ? (this.data[w] as number) : 0;
  }

  set(index: number): void {
    const w = index >>> 5;
    if (w >= this.data.length) {
      let capacity = this.data.length * 2;
      while (capacity <= w) capacity *= 2;
      const next = new Int32Array(capacity);
      next.set(this.data);
      this.data = next;
    }
    this.data[w] = (this.data[w] as number) | (1 << (index & 31));
  }

  clear(index: number): void {
    const w = index >>> 5;
    if (w < this.data.length) this.data[w] = (this.data[w] as number) & ~(1 << (index & 31));
  }

  clone(): BitColumn {
    const copy = new BitColumn(this.data.length);
    copy.data.set(this.data);
    return copy;
  }
}
