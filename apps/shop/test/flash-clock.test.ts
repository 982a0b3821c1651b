import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import type { FlashSale } from '@mall/web-common/checkout-types';
import { flashStatus, shownSales, useFlashClock } from '../src/lib/flash-countdown';

const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const sale = (startsInS: number, endsInS: number, remaining = 5): FlashSale =>
  ({
    id: `f${startsInS}_${endsInS}_${remaining}`,
    startsAt: new Date(T0 + startsInS * 1000).toISOString(),
    endsAt: new Date(T0 + endsInS * 1000).toISOString(),
    remaining,
  }) as FlashSale;

describe('the flash-sale strip clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps no timer without a sale, nor with only sold-out ones', async () => {
    const sales = ref<FlashSale[]>([]);
    const scope = effectScope();
    scope.run(() => useFlashClock(() => sales.value));
    await nextTick();
    expect(vi.getTimerCount()).toBe(0);
    sales.value = [sale(-60, 600, 0)];
    await nextTick();
    expect(vi.getTimerCount()).toBe(0);
    scope.stop();
  });

  it('ticks each second while a sale counts down, and stops when the last one ends', async () => {
    const sales = ref<FlashSale[]>([]);
    const scope = effectScope();
    const now = scope.run(() => useFlashClock(() => sales.value));
    sales.value = [sale(-60, 3)];
    await nextTick();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(now?.value).toBe(T0 + 1000);
    expect(flashStatus(sales.value[0] as FlashSale, now?.value ?? 0)).toEqual({ kind: 'endsIn', time: '00:00:02' });
    vi.advanceTimersByTime(2000);
    await nextTick();
    expect(shownSales(sales.value, now?.value ?? 0)).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    scope.stop();
  });

  it('counts down to a sale that starts later, and its timer goes with the component', async () => {
    const scope = effectScope();
    const now = scope.run(() => useFlashClock(() => [sale(90_000, 93_600)]));
    await nextTick();
    expect(flashStatus(sale(90_000, 93_600), now?.value ?? 0)).toEqual({ kind: 'startsIn', time: '1d 01:00:00' });
    expect(vi.getTimerCount()).toBe(1);
    scope.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
