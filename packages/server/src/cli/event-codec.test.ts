import fc from 'fast-check';
import type { EngineEvent } from '@mall/core';
import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEvents } from './event-codec';

const id = fc.oneof(fc.constantFrom('j', 's', 'r', 'x', '1', '\u0001', 'a\u0001b'), fc.string({ minLength: 1 }));
const event: fc.Arbitrary<EngineEvent> = fc.oneof(
  fc.record({ type: fc.constant('join' as const), user: id, referrer: fc.option(id, { nil: undefined }) }),
  fc.record({
    type: fc.constant('settle' as const),
    user: id,
    order: id,
    amountFen: fc.bigInt({ min: 0n, max: 2n ** 53n }),
    lines: fc.option(fc.constant([{ product: 'p', amountFen: 1n, category: undefined }]), { nil: undefined }),
    region: fc.option(fc.array(id, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    campaigns: fc.option(fc.array(id, { maxLength: 2 }), { nil: undefined }),
  }),
  fc.record({ type: fc.constant('redeem' as const), user: id, order: id, units: fc.bigInt({ min: 0n, max: 9n }) }),
  fc.constant({ type: 'periodClose' as const }),
);

describe('event codec', () => {
  it('decodes the events it encoded, in order, field for field', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const decoded: EngineEvent[] = [];
        decodeEvents(encodeEvents(events), (e) => decoded.push(e));
        expect(decoded).toEqual(events);
      }),
      { numRuns: 300 },
    );
  });

  it('sends the common shapes as text and only the others as objects', () => {
    const encoded = encodeEvents([
      { type: 'join', user: 'A', referrer: undefined },
      { type: 'settle', user: 'A', order: 'a1', amountFen: 5n, lines: undefined, region: ['p'], campaigns: undefined },
      { type: 'periodClose' },
    ]);
    expect(encoded.others).toEqual([{ type: 'periodClose' }]);
  });
});
