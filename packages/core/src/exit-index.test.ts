import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeapExitIndex, ScanExitIndex, type ExitIndex } from './exit-index';

/** Positions by ordinal with their units and remaining cap (cap - realized), as the plan's columns hold them. */
function table() {
  const units: bigint[] = [];
  const remaining: bigint[] = [];
  const keys = {
    units: (p: number) => units[p] as bigint,
    remainingFen: (p: number) => remaining[p] as bigint,
  };
  return { units, remaining, keys };
}

/**
 * What SPEC 3.2 asks of the detector, written directly: among positions with units * P >= remaining * S, the one
 * with the lowest remaining / units, ties by the lower ordinal; -1 when none qualifies.
 */
function expectedNext(open: Set<number>, units: bigint[], remaining: bigint[], P: bigint, S: bigint): number {
  const qualifying = [...open].filter((p) => (units[p] as bigint) * P >= (remaining[p] as bigint) * S);
  qualifying.sort((a, b) => {
    const left = (remaining[a] as bigint) * (units[b] as bigint);
    const right = (remaining[b] as bigint) * (units[a] as bigint);
    return left < right ? -1 : left > right ? 1 : a - b;
  });
  return qualifying[0] ?? -1;
}

type Op =
  | { op: 'add'; units: bigint; remaining: bigint }
  | { op: 'update'; pick: number; units: bigint; remaining: bigint }
  | { op: 'remove'; pick: number }
  | { op: 'next'; P: bigint; S: bigint };

// Small key ranges so that equal exit prices (ties) are common.
const small = fc.bigInt(1n, 12n);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('add' as const), units: small, remaining: fc.bigInt(0n, 12n) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('update' as const),
      pick: fc.nat(),
      units: small,
      remaining: fc.bigInt(0n, 12n),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('next' as const), P: fc.bigInt(0n, 15n), S: fc.bigInt(1n, 15n) }),
  },
);

describe('exit index', () => {
  it('returns, after any sequence of adds, key updates (up or down) and removals, the qualifying position with the lowest exit price, ties by age — heap and scan alike', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200, size: 'max' }), (ops) => {
        const { units, remaining, keys } = table();
        const indexes: ExitIndex[] = [new HeapExitIndex(keys), new ScanExitIndex(keys)];
        const open = new Set<number>();
        for (const step of ops) {
          const members = [...open];
          if (step.op === 'add') {
            const p = units.length;
            units.push(step.units);
            remaining.push(step.remaining);
            open.add(p);
            for (const index of indexes) index.add(p);
          } else if (step.op === 'update' && members.length > 0) {
            const p = members[step.pick % members.length] as number;
            units[p] = step.units;
            remaining[p] = step.remaining;
            for (const index of indexes) index.update(p);
          } else if (step.op === 'remove' && members.length > 0) {
            const p = members[step.pick % members.length] as number;
            open.delete(p);
            for (const index of indexes) index.remove(p);
          } else if (step.op === 'next') {
            const want = expectedNext(open, units, remaining, step.P, step.S);
            for (const index of indexes) {
              const got = index.next(step.P, step.S);
              if (got !== want) expect(got, `${index.constructor.name}.next(${step.P}, ${step.S})`).toBe(want);
            }
          }
          for (const index of indexes) if (index.size !== open.size) expect(index.size).toBe(open.size);
        }
        // draining at an infinite price (S tiny, P huge) yields every position in exit-price order, ties by age
        const drained: number[][] = indexes.map(() => []);
        indexes.forEach((index, i) => {
          for (let p = index.next(10n ** 6n, 1n); p >= 0; p = index.next(10n ** 6n, 1n)) {
            (drained[i] as number[]).push(p);
            index.remove(p);
          }
        });
        const order = [...open].sort((a, b) => {
          const left = (remaining[a] as bigint) * (units[b] as bigint);
          const right = (remaining[b] as bigint) * (units[a] as bigint);
          return left < right ? -1 : left > right ? 1 : a - b;
        });
        expect(drained[0]).toEqual(order);
        expect(drained[1]).toEqual(order);
      }),
      { numRuns: 300 },
    );
  });

  it('treats removing a position twice or updating a removed one as no-ops', () => {
    const { units, remaining, keys } = table();
    const heap = new HeapExitIndex(keys);
    units.push(5n, 5n);
    remaining.push(10n, 20n);
    heap.add(0);
    heap.add(1);
    heap.remove(0);
    heap.remove(0);
    heap.update(0);
    expect(heap.size).toBe(1);
    // position 1 exits at price 20 / 5 = 4: P / S = 4 qualifies (>=), 39 / 10 does not
    expect(heap.next(4n, 1n)).toBe(1);
    expect(heap.next(39n, 10n)).toBe(-1);
  });
});
