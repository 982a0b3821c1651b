/**
 * Presale (预售) arithmetic and rules, written once: the server charges with these figures, refuses with these
 * problems, and the product page shows the rules these functions word, before the shopper pays anything.
 *
 * A presale sells one SKU at `priceFen` (the presale price, per unit). The shopper pays `depositFen` per unit in the
 * deposit window; the deposit counts for `countsAsFen` per unit against the price (定金膨胀: pay 100, it counts as
 * 300). The balance per unit is `priceFen - countsAsFen`, paid in the balance window. What the shopper pays in all is
 * deposit + balance; the difference from the price (`countsAsFen - depositFen`) is the presale's discount.
 *
 * The deposit's fate: refundable (cancel) until the balance window opens; once it opens it is no longer refundable;
 * if the balance is not paid by the end of the balance window the deposit is forfeited (the merchant keeps it and
 * the goods are released). Presale goods ship free and take neither coupons nor 满减 (a special price, see
 * docs/pricing.md). Times are epoch milliseconds passed in by the caller; windows are [start, end).
 */
import type { Fen } from '../money';
import { formatYuan } from '../money';

export interface PresaleTerms {
  /** The presale price per unit: what the goods cost before the deposit's extra worth. */
  priceFen: Fen;
  depositFen: Fen;
  /** What one unit's deposit counts for against the price (>= the deposit: 定金膨胀). */
  countsAsFen: Fen;
  depositStartsMs: number;
  depositEndsMs: number;
  balanceStartsMs: number;
  balanceEndsMs: number;
}

export type PresaleProblem =
  | 'deposit_not_positive'
  | 'counts_as_below_deposit'
  | 'counts_as_not_below_price'
  | 'deposit_window_empty'
  | 'balance_before_deposit_ends'
  | 'balance_window_empty';

/** What an admin form refuses. A balance of 0 is refused too: a presale whose deposit buys the goods is a sale. */
export function presaleTermsProblems(terms: PresaleTerms): PresaleProblem[] {
  const problems: PresaleProblem[] = [];
  if (terms.depositFen <= 0n) problems.push('deposit_not_positive');
  if (terms.countsAsFen < terms.depositFen) problems.push('counts_as_below_deposit');
  if (terms.countsAsFen >= terms.priceFen) problems.push('counts_as_not_below_price');
  if (!(terms.depositStartsMs < terms.depositEndsMs)) problems.push('deposit_window_empty');
  if (terms.balanceStartsMs < terms.depositEndsMs) problems.push('balance_before_deposit_ends');
  if (!(terms.balanceStartsMs < terms.balanceEndsMs)) problems.push('balance_window_empty');
  return problems;
}

export interface PresaleQuote {
  quantity: bigint;
  /** Paid in the deposit window. */
  depositFen: Fen;
  /** What the deposit counts for against the goods. */
  countsAsFen: Fen;
  /** The goods at the presale price. */
  goodsFen: Fen;
  /** The deposit's extra worth (定金膨胀): countsAs - deposit. The order's discount. */
  inflationFen: Fen;
  /** Paid in the balance window: goods - countsAs. */
  balanceFen: Fen;
  /** deposit + balance: the whole price actually paid, what the line's paid amount and the incentive plans see. */
  totalPaidFen: Fen;
}

/** The figures of buying `quantity` units. Every amount is a product of integers: nothing to round. */
export function presaleQuote(terms: PresaleTerms, quantity: bigint): PresaleQuote {
  if (quantity < 1n) throw new RangeError('a presale quote needs at least one unit');
  const depositFen = terms.depositFen * quantity;
  const countsAsFen = terms.countsAsFen * quantity;
  const goodsFen = terms.priceFen * quantity;
  const balanceFen = goodsFen - countsAsFen;
  return {
    quantity,
    depositFen,
    countsAsFen,
    goodsFen,
    inflationFen: countsAsFen - depositFen,
    balanceFen,
    totalPaidFen: depositFen + balanceFen,
  };
}

export type PresalePhase = 'upcoming' | 'deposit' | 'waiting_balance' | 'balance' | 'ended';

export function presalePhase(terms: PresaleTerms, nowMs: number): PresalePhase {
  if (nowMs < terms.depositStartsMs) return 'upcoming';
  if (nowMs < terms.depositEndsMs) return 'deposit';
  if (nowMs < terms.balanceStartsMs) return 'waiting_balance';
  if (nowMs < terms.balanceEndsMs) return 'balance';
  return 'ended';
}

/** When a presale holds its SKU: from its deposit window's opening to its balance window's end. */
export interface PresaleHold {
  depositStartsMs: number;
  balanceEndsMs: number;
}

/**
 * Whether a SKU is sold only through its presale at `nowMs`: from the deposit window's opening until the balance
 * window ends, an ordinary order (a cart, "buy now", a flash sale or a group) would sell the goods the presale's
 * deposits hold, at another price, around its rules; it is refused (presale_only) and the product page offers the
 * deposit instead. Before the deposit opens and after the balance closes the SKU sells as usual; a cancelled presale
 * holds nothing (the caller passes only scheduled ones).
 */
export function presaleHolds(hold: PresaleHold | null, nowMs: number): boolean {
  return hold !== null && hold.depositStartsMs <= nowMs && nowMs < hold.balanceEndsMs;
}

/**
 * What a paid deposit is at `nowMs` when the balance is not paid yet: `refundable` (the shopper may cancel and get it
 * back) before the balance window opens, `payable` (no refund; pay the balance now) inside it, `forfeited` after it.
 */
export type DepositFate = 'refundable' | 'payable' | 'forfeited';

export function depositFate(terms: PresaleTerms, nowMs: number): DepositFate {
  if (nowMs < terms.balanceStartsMs) return 'refundable';
  if (nowMs < terms.balanceEndsMs) return 'payable';
  return 'forfeited';
}

export interface PresaleRuleLine {
  code: 'deposit' | 'balance' | 'refund' | 'forfeit' | 'promotions';
  zh: string;
  en: string;
}

/** Beijing time (UTC+8, no daylight saving) as `YYYY-MM-DD HH:mm`, without a clock or a locale. */
export function beijingMinute(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The rules the product page states before the shopper pays, per unit, in Chinese and English. */
export function presaleRules(terms: PresaleTerms): PresaleRuleLine[] {
  const q = presaleQuote(terms, 1n);
  const y = formatYuan;
  const depositWindow = `${beijingMinute(terms.depositStartsMs)} – ${beijingMinute(terms.depositEndsMs)}`;
  const balanceWindow = `${beijingMinute(terms.balanceStartsMs)} – ${beijingMinute(terms.balanceEndsMs)}`;
  return [
    {
      code: 'deposit',
      zh: `定金 ¥${y(q.depositFen)} 抵 ¥${y(q.countsAsFen)}（${depositWindow} 支付，北京时间）`,
      en: `Deposit ¥${y(q.depositFen)} counts as ¥${y(q.countsAsFen)} (pay ${depositWindow}, Beijing time)`,
    },
    {
      code: 'balance',
      zh: `尾款 ¥${y(q.balanceFen)}（${balanceWindow} 支付），合计实付 ¥${y(q.totalPaidFen)}，预售价 ¥${y(q.goodsFen)}`,
      en: `Balance ¥${y(q.balanceFen)} (pay ${balanceWindow}); you pay ¥${y(q.totalPaidFen)} in all, presale price ¥${y(q.goodsFen)}`,
    },
    {
      code: 'refund',
      zh: `尾款开始支付（${beijingMinute(terms.balanceStartsMs)}）前可取消订单，定金原路全额退还；之后定金不退`,
      en: `Cancel before the balance opens (${beijingMinute(terms.balanceStartsMs)}) and the deposit is refunded in full to where it came from; after that it is not refundable`,
    },
    {
      code: 'forfeit',
      zh: `未在 ${beijingMinute(terms.balanceEndsMs)} 前支付尾款，订单关闭，定金不予退还`,
      en: `If the balance is not paid by ${beijingMinute(terms.balanceEndsMs)}, the order closes and the deposit is forfeited`,
    },
    {
      code: 'promotions',
      zh: '预售商品包邮，不参与优惠券和满减',
      en: 'Presale goods ship free and take no coupons or spend-threshold discounts',
    },
  ];
}
