import { describe, expect, it } from 'vitest';
import {
  AFTER_SALE_STATUSES,
  AFTER_SALE_TRANSITIONS,
  OPEN_STATUSES,
  canMove,
  isOpen,
  kindAllowed,
  type AfterSaleStatus,
} from './machine';

describe('the after-sales transition table', () => {
  it('reaches every status from requested (or, for goodwill, from refunding)', () => {
    const seen = new Set<AfterSaleStatus>(['requested']);
    const queue: AfterSaleStatus[] = ['requested'];
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      for (const next of AFTER_SALE_TRANSITIONS[s]) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...AFTER_SALE_STATUSES].sort());
  });

  it('ends in refunded or cancelled, and only a rejected request moves again (reopened by the shopper)', () => {
    expect(AFTER_SALE_TRANSITIONS.refunded).toEqual([]);
    expect(AFTER_SALE_TRANSITIONS.cancelled).toEqual([]);
    expect(AFTER_SALE_TRANSITIONS.rejected).toEqual(['requested']);
  });

  it.each([
    ['requested', 'awaiting_return', true],
    ['requested', 'refunded', true],
    ['awaiting_return', 'refunding', false], // the goods must come back first
    ['returning', 'cancelled', false], // goods on their way back cannot be cancelled by the shopper
    ['refunding', 'rejected', false], // money on its way cannot be rejected
    ['refund_failed', 'refunding', true],
    ['refunded', 'refunding', false],
  ] as const)('%s -> %s is %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it('holds the order while a request is open: every status that can still move money or goods', () => {
    expect(OPEN_STATUSES).toEqual(['requested', 'awaiting_return', 'returning', 'refunding', 'refund_failed']);
    for (const s of AFTER_SALE_STATUSES) expect(isOpen(s)).toBe(!['refunded', 'rejected', 'cancelled'].includes(s));
  });

  it.each([
    ['refund_only', 'paid', true],
    ['refund_only', 'received', true],
    ['return_refund', 'paid', false],
    ['return_refund', 'shipped', true],
    ['refund_only', 'settled', false],
    ['goodwill', 'settled', true],
    ['goodwill', 'received', false],
    ['refund_only', 'created', false],
  ] as const)('a %s request of a %s order is allowed: %s', (kind, status, allowed) => {
    expect(kindAllowed(kind, status)).toBe(allowed);
  });
});
