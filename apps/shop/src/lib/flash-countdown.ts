import type { Ref } from 'vue';
import type { FlashSale } from '@mall/web-common/checkout-types';
import { clock, useServerNow } from './countdown';

/** What a flash sale's card says under its price: when it starts, that it is sold out, or when it ends. */
export type FlashStatus = { kind: 'startsIn'; time: string } | { kind: 'soldOut' } | { kind: 'endsIn'; time: string };

/** The sales a strip shows at `now`: those not over yet (running, or to come and counting down to their start). */
export function shownSales(sales: readonly FlashSale[], now: number): FlashSale[] {
  return sales.filter((s) => Date.parse(s.endsAt) > now);
}

export function flashStatus(s: FlashSale, now: number): FlashStatus {
  const starts = Date.parse(s.startsAt);
  if (starts > now) return { kind: 'startsIn', time: clock(starts - now) };
  if (s.remaining <= 0) return { kind: 'soldOut' };
  return { kind: 'endsIn', time: clock(Date.parse(s.endsAt) - now) };
}

/**
 * The clock of a flash-sale strip: it ticks every second only while one of its shown sales counts down (to its start,
 * or to its end while units are left). No sale, or only sold-out ones: no timer.
 */
export function useFlashClock(sales: () => readonly FlashSale[]): Ref<number> {
  return useServerNow((now) => shownSales(sales(), now).some((s) => flashStatus(s, now).kind !== 'soldOut'));
}
