import { describe, expect, it } from 'vitest';
import { periodKey, periodStartMs } from './periods';

/** Periods close at 00:00 Asia/Shanghai (UTC+8 all year): 16:00 UTC the day before. */
describe('period keys', () => {
  const at = (iso: string) => Date.parse(iso);

  it('a day turns at 16:00 UTC', () => {
    expect(periodKey('day', at('2026-11-29T15:59:59.999Z'))).toBe('day:2026-11-29');
    expect(periodKey('day', at('2026-11-29T16:00:00.000Z'))).toBe('day:2026-11-30');
    expect(new Date(periodStartMs('day', at('2026-11-29T10:00:00Z'))).toISOString()).toBe('2026-11-28T16:00:00.000Z');
  });

  it('a week runs Monday to Sunday in Shanghai', () => {
    // 2026-11-29 is a Sunday in Shanghai until 16:00 UTC, then Monday 2026-11-30 begins.
    expect(periodKey('week', at('2026-11-29T15:00:00Z'))).toBe('week:2026-11-23');
    expect(periodKey('week', at('2026-11-29T16:00:00Z'))).toBe('week:2026-11-30');
    expect(new Date(periodStartMs('week', at('2026-11-25T00:00:00Z'))).toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('a month turns at 16:00 UTC on its last day, also across a year', () => {
    expect(periodKey('month', at('2026-11-30T15:59:59Z'))).toBe('month:2026-11');
    expect(periodKey('month', at('2026-11-30T16:00:00Z'))).toBe('month:2026-12');
    expect(periodKey('month', at('2026-12-31T16:00:00Z'))).toBe('month:2027-01');
    expect(new Date(periodStartMs('month', at('2027-01-10T00:00:00Z'))).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('the period before a start is the previous one', () => {
    for (const kind of ['day', 'week', 'month'] as const) {
      const start = periodStartMs(kind, at('2026-03-01T04:00:00Z'));
      expect(periodKey(kind, start - 1)).not.toBe(periodKey(kind, start));
      expect(periodStartMs(kind, start - 1)).toBeLessThan(start);
    }
  });
});
