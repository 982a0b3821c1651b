import { describe, expect, it } from 'vitest';
import { FlashGate } from './flash-gate';

/** A sale in memory standing for the database: the gate in front of it must never let more through than it has. */
function fakeSale(units: bigint) {
  const state = { left: units, reads: 0 };
  const remaining = () => {
    state.reads += 1;
    return Promise.resolve({ left: state.left, running: true });
  };
  return { state, remaining };
}

describe('flash gate', () => {
  it('admits at most the units left at once and turns the rest away once everything in flight is done', async () => {
    const { state, remaining } = fakeSale(3n);
    const gate = new FlashGate(remaining, 0);
    let inDatabase = 0;
    let sold = 0;
    const buyer = async () => {
      const admission = await gate.admit('s', 1n);
      if (admission !== 'admitted') return admission;
      inDatabase += 1;
      expect(inDatabase).toBeLessThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 1));
      inDatabase -= 1;
      state.left -= 1n;
      sold += 1;
      gate.done('s', 1n, 'kept');
      return admission;
    };
    const outcomes = await Promise.all(Array.from({ length: 50 }, buyer));
    expect(sold).toBe(3);
    expect(outcomes.filter((o) => o === 'sold_out')).toHaveLength(47);
  });

  it('lets a waiting buyer through when an attempt ahead fails for another reason', async () => {
    const { state, remaining } = fakeSale(1n);
    const gate = new FlashGate(remaining, 0);
    expect(await gate.admit('s', 1n)).toBe('admitted');
    const waiting = gate.admit('s', 1n);
    gate.done('s', 1n, 'returned');
    expect(await waiting).toBe('admitted');
    state.left = 0n;
    gate.done('s', 1n, 'kept');
    expect(await gate.admit('s', 1n)).toBe('sold_out');
  });

  it('asks the database again after its refresh interval, so units released elsewhere sell again', async () => {
    const { state, remaining } = fakeSale(0n);
    let now = 0;
    const gate = new FlashGate(remaining, 250, () => now);
    expect(await gate.admit('s', 1n)).toBe('sold_out');
    const reads = state.reads;
    expect(await gate.admit('s', 1n)).toBe('sold_out');
    expect(state.reads).toBe(reads);
    state.left = 2n;
    now += 300;
    expect(await gate.admit('s', 2n)).toBe('admitted');
  });

  it('says not running for a sale outside its window', async () => {
    const gate = new FlashGate(() => Promise.resolve({ left: 0n, running: false }), 0);
    expect(await gate.admit('s', 1n)).toBe('not_running');
  });

  it('says not running at once when the sale is closed in this process, even within the refresh interval', async () => {
    const { state, remaining } = fakeSale(2n);
    const gate = new FlashGate(remaining, 60_000);
    expect(await gate.admit('s', 1n)).toBe('admitted');
    gate.done('s', 1n, 'kept');
    gate.closed('s');
    expect(await gate.admit('s', 1n)).toBe('not_running');
    expect(state.reads).toBe(1);
  });
});
