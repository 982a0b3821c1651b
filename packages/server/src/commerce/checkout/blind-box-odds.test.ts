import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawIndex, drawMessage } from '@mall/core';
import { drawDigest, shanghaiDay } from './blind-box-draws';

/**
 * The published odds are what the draws produce: 100,000 draws through node:crypto's HMAC and the core mapping,
 * exactly as the server draws, checked with Pearson's chi-square test against the weights.
 */
const WEIGHTS = [1n, 4n, 15n, 30n, 50n, 0n];
const DRAWS = 100_000;
// The chi-square critical value for 4 degrees of freedom (5 drawable items) at significance 0.001.
const CRITICAL_4DF_0_001 = 18.467;

function observed(serverSeed: string, buyerSeed: string): number[] {
  const counts = WEIGHTS.map(() => 0);
  for (let nonce = 1; nonce <= DRAWS; nonce += 1) {
    const digest = createHmac('sha256', serverSeed).update(drawMessage(buyerSeed, nonce)).digest();
    const at = drawIndex(digest, WEIGHTS);
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}

function chiSquare(counts: readonly number[], weights: readonly bigint[]): number {
  const total = Number(weights.reduce((a, b) => a + b, 0n));
  let statistic = 0;
  weights.forEach((w, i) => {
    if (w === 0n) return;
    const expected = (DRAWS * Number(w)) / total;
    statistic += ((counts[i] ?? 0) - expected) ** 2 / expected;
  });
  return statistic;
}

describe('blind box odds', () => {
  const counts = observed('9f1c0e5a7b3d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e', 'chi-square');

  it('draws 100,000 boxes at the published weights (chi-square, 4 degrees of freedom, significance 0.001)', () => {
    expect(counts.reduce((a, b) => a + b, 0)).toBe(DRAWS);
    expect(chiSquare(counts, WEIGHTS)).toBeLessThan(CRITICAL_4DF_0_001);
  });

  it('never draws an item of weight 0', () => {
    expect(counts[5]).toBe(0);
  });

  it('has the power to notice odds other than the published ones', () => {
    // The same draws against slightly different weights (hidden item 1% -> 2%) fail the same test.
    expect(chiSquare(counts, [2n, 4n, 15n, 29n, 50n, 0n])).toBeGreaterThan(CRITICAL_4DF_0_001);
  });

  it("signs the buyer's seed and nonce with the seed's text as the HMAC key", () => {
    const expected = createHmac('sha256', 'seed').update('alice:7').digest('hex');
    expect(drawDigest('seed', 'alice', 7n)).toBe(expected);
  });

  it('counts the daily cap over the Asia/Shanghai calendar day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const now = new Date(ms).toISOString();
        const day = shanghaiDay(now);
        expect(day.from <= now && now < day.to).toBe(true);
        expect(Date.parse(day.to) - Date.parse(day.from)).toBe(86_400_000);
        // Midnight in Shanghai is 16:00 UTC the day before.
        expect(day.from.slice(11)).toBe('16:00:00.000Z');
      }),
    );
  });
});
