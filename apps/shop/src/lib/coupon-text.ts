import { money } from '@mall/web-common/money';
import type { CouponTerms } from '@mall/web-common/checkout-types';
import { i18n } from './i18n';

/** How a coupon reads on its card: the face value and the condition, in the current language. */
function decimal(value: number, scale: number): string {
  const whole = Math.trunc(value / scale);
  const rest = value % scale;
  if (rest === 0) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

export function couponFace(c: Pick<CouponTerms, 'kind' | 'valueFen' | 'offBps'>): string {
  const t = i18n.global.t;
  if (c.kind === 'fixed') return money(c.valueFen);
  // 1500 bps off is 八五折 (8.5) in Chinese and 15% off in English.
  return i18n.global.locale.value === 'en'
    ? t('promo.percentOff', { value: decimal(c.offBps, 100) })
    : t('promo.percentOff', { value: decimal(10000 - c.offBps, 1000) });
}

export function couponCondition(c: Pick<CouponTerms, 'thresholdFen' | 'capFen' | 'kind'>): string {
  const t = i18n.global.t;
  const base = c.thresholdFen > 0 ? t('promo.threshold', { amount: money(c.thresholdFen) }) : t('promo.noThreshold');
  return c.kind === 'percentage' && c.capFen !== null
    ? `${base} · ${t('promo.cap', { amount: money(c.capFen) })}`
    : base;
}

export function reasonText(reason: string | null, missingFen: number): string {
  if (reason === null) return '';
  return i18n.global.t(`promo.reason.${reason}`, { amount: money(missingFen) });
}
