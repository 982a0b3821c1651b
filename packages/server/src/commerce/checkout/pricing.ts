import {
  couponChoices,
  orderFreight,
  presaleHolds,
  priceOrder,
  type Coupon,
  type CouponChoices,
  type OrderFreight,
  type PricedOrder,
  type PricingLine,
  type SpendThresholdActivity,
} from '@mall/core';
import type { ExpressionBuilder } from 'kysely';
import type { Db, Tx } from '../../platform/db/database';
import type { Database } from '../../platform/db/schema';
import { isTrue } from '../../platform/db/sql-truth';
import { prepared } from '../../platform/db/prepared';
import { fail } from '../../platform/errors';
import { loadFreightTemplates } from './freight-templates';
import { runningSpendThresholds } from './spend-thresholds';
import { shopperCouponForPricing, usableCoupons } from './coupons';
import type { FlashSalesTable } from '../../platform/db/schema-checkout';

/**
 * Prices a checkout on the server, the same way for the quote and for the order: loads the SKUs, the running flash
 * sale of a flash line, the running 满减 activities, the freight templates and the shopper's coupons, and hands them
 * to core (`orderFreight` on undiscounted amounts, then `priceOrder` / `couponChoices`; docs/pricing.md).
 */
export interface CheckoutItem {
  skuId: string;
  quantity: number;
  /** Buy this line in a running flash sale, at its price. */
  flashSaleId?: string | undefined;
  /** A price the server resolved itself (a group order at its group price); never taken from a request body. */
  groupPriceFen?: bigint | undefined;
}

/** At most this many units of one SKU in one order, counted after duplicate lines are merged. */
export const MAX_UNITS_PER_SKU = 1000n;

const lineSelect = [
  'skus.id as sku_id',
  'skus.name as sku_name',
  'skus.price_fen',
  'skus.cost_fen',
  'skus.weight_grams',
  'products.id as product_id',
  'products.title',
  'products.on_shelf',
  'products.purchase_limit',
  'products.category_id',
  'products.freight_template_id',
  'products.image_url',
] as const;

/**
 * Whether the SKU is sold as a blind box, read with the line: most orders hold none, and this lets them skip the
 * blind-box checks without a statement of their own.
 */
const boxSeries = (eb: ExpressionBuilder<Database, 'skus' | 'products'>) =>
  eb
    .exists(
      eb
        .selectFrom('blind_box_series')
        .select('blind_box_series.id')
        .whereRef('blind_box_series.sku_id', '=', 'skus.id'),
    )
    .as('blind_box');

/**
 * The SKU's current or next presale (scheduled, not yet over), read with the line: the window core's `presaleHolds`
 * judges. Presales of one SKU never overlap, so the earliest one not over is the one that may hold it now.
 */
const nextPresale = (
  eb: ExpressionBuilder<Database, 'skus' | 'products'>,
  now: string,
  column: 'deposit_starts_at' | 'balance_ends_at',
) =>
  eb
    .selectFrom('presales')
    .select(`presales.${column}`)
    .whereRef('presales.sku_id', '=', 'skus.id')
    .where('presales.status', '=', 'scheduled')
    .where('presales.balance_ends_at', '>', now)
    .orderBy('presales.deposit_starts_at')
    .limit(1);

const presaleWindow = (eb: ExpressionBuilder<Database, 'skus' | 'products'>, now: string) =>
  [
    nextPresale(eb, now, 'deposit_starts_at').as('presale_starts_at'),
    nextPresale(eb, now, 'balance_ends_at').as('presale_ends_at'),
  ] as const;

// Most orders hold one SKU: that shape is a prepared query (the IN list of several has a shape per count).
const oneSkuLineQuery = prepared((db, skuId: string, now: string) =>
  db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(lineSelect)
    .select(boxSeries)
    .select((eb) => presaleWindow(eb, now))
    .where('skus.id', '=', skuId),
);

export interface CheckoutLine {
  skuId: string;
  skuName: string;
  productId: string;
  title: string;
  imageUrl: string;
  categoryId: string | null;
  purchaseLimit: bigint;
  quantity: bigint;
  skuPriceFen: bigint;
  /** The SKU's unit cost now: the order line freezes quantity x this. */
  skuCostFen: bigint;
  weightGrams: bigint;
  freightTemplateId: string | null;
  flashSale: FlashSalesTable | null;
  groupPriceFen: bigint | null;
  /** The SKU has a blind-box series (open or not): the order's box checks run only then. */
  blindBox: boolean;
}

/** Merges lines of one SKU (and one sale) and loads them, in SKU order so stock rows are always locked alike. */
export async function loadLines(db: Db | Tx, items: readonly CheckoutItem[], now: string): Promise<CheckoutLine[]> {
  if (items.length === 0) fail('invalid_request', 'an order needs at least one item');
  const merged = new Map<
    string,
    { skuId: string; flashSaleId: string | undefined; groupPriceFen: bigint | undefined; quantity: bigint }
  >();
  for (const item of items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1)
      fail('invalid_request', 'quantity must be a positive integer');
    const key = `${item.skuId}\u0000${item.flashSaleId ?? ''}\u0000${item.groupPriceFen ?? ''}`;
    const entry = merged.get(key) ?? {
      skuId: item.skuId,
      flashSaleId: item.flashSaleId,
      groupPriceFen: item.groupPriceFen,
      quantity: 0n,
    };
    entry.quantity += BigInt(item.quantity);
    merged.set(key, entry);
  }
  const perSku = new Map<string, bigint>();
  for (const m of merged.values()) perSku.set(m.skuId, (perSku.get(m.skuId) ?? 0n) + m.quantity);
  for (const units of perSku.values())
    if (units > MAX_UNITS_PER_SKU) fail('invalid_request', `at most ${MAX_UNITS_PER_SKU} units of one SKU per order`);
  const skuIds = [...perSku.keys()];
  const rows =
    skuIds.length === 1
      ? (await oneSkuLineQuery(db, skuIds[0]!, now)).rows
      : await db
          .selectFrom('skus')
          .innerJoin('products', 'products.id', 'skus.product_id')
          .select(lineSelect)
          .select(boxSeries)
          .select((eb) => presaleWindow(eb, now))
          .where('skus.id', 'in', skuIds)
          .execute();
  const nowMs = Date.parse(now);
  const bySku = new Map(rows.map((r) => [r.sku_id, r]));
  const lines: CheckoutLine[] = [];
  for (const key of [...merged.keys()].sort()) {
    const m = merged.get(key)!;
    const row = bySku.get(m.skuId);
    if (!row) fail('sku_not_found', m.skuId);
    if (row.on_shelf !== 1n) fail('product_off_shelf', row.title);
    const hold =
      row.presale_starts_at === null || row.presale_ends_at === null
        ? null
        : { depositStartsMs: Date.parse(row.presale_starts_at), balanceEndsMs: Date.parse(row.presale_ends_at) };
    if (presaleHolds(hold, nowMs)) fail('presale_only', `${row.title} ${row.sku_name}`);
    let flashSale: FlashSalesTable | null = null;
    if (m.flashSaleId !== undefined) {
      const sale = await db.selectFrom('flash_sales').selectAll().where('id', '=', m.flashSaleId).executeTakeFirst();
      if (!sale || sale.sku_id !== m.skuId) fail('flash_sale_not_found');
      if (sale.status !== 'active' || sale.starts_at > now || sale.ends_at <= now) fail('flash_sale_not_running');
      flashSale = sale;
    }
    lines.push({
      skuId: row.sku_id,
      skuName: row.sku_name,
      productId: row.product_id,
      title: row.title,
      imageUrl: row.image_url,
      categoryId: row.category_id,
      purchaseLimit: row.purchase_limit,
      quantity: m.quantity,
      skuPriceFen: row.price_fen,
      skuCostFen: row.cost_fen,
      weightGrams: row.weight_grams,
      freightTemplateId: row.freight_template_id,
      flashSale,
      groupPriceFen: m.groupPriceFen ?? null,
      blindBox: isTrue(row.blind_box),
    });
  }
  return lines;
}

function pricingLines(lines: readonly CheckoutLine[]): PricingLine[] {
  return lines.map((l) => ({
    skuId: l.skuId,
    productId: l.productId,
    categoryIds: l.categoryId === null ? [] : [l.categoryId],
    quantity: l.quantity,
    skuPriceFen: l.skuPriceFen,
    specialPrice:
      l.flashSale !== null
        ? { source: 'flash', priceFen: l.flashSale.price_fen }
        : l.groupPriceFen !== null
          ? { source: 'group', priceFen: l.groupPriceFen }
          : null,
  }));
}

/** The freight of the lines shipped to `region` (on undiscounted amounts); null when no region is known yet. */
async function freightFor(db: Db | Tx, lines: readonly CheckoutLine[], region: readonly string[] | null) {
  if (region === null) return null;
  const templates = await loadFreightTemplates(
    db,
    lines.map((l) => l.freightTemplateId).filter((id): id is string => id !== null),
  );
  return orderFreight(
    templates,
    lines.map((l) => ({
      templateId: l.freightTemplateId,
      quantity: l.quantity,
      unitWeightGrams: l.weightGrams,
      amountFen: (l.flashSale?.price_fen ?? l.groupPriceFen ?? l.skuPriceFen) * l.quantity,
    })),
    region,
  );
}

/** Of the running activities, the one that takes the most off these lines (ties: the oldest). */
function bestActivity(
  activities: readonly SpendThresholdActivity[],
  lines: readonly PricingLine[],
  nowMs: number,
): SpendThresholdActivity | null {
  let best: { activity: SpendThresholdActivity; off: bigint } | null = null;
  for (const activity of activities) {
    const off = priceOrder({ lines, activity, coupon: null, shippingFen: 0n, nowMs }).thresholdDiscountFen;
    if (best === null || off > best.off) best = { activity, off };
  }
  return best?.activity ?? null;
}

export interface CheckoutPricing {
  lines: CheckoutLine[];
  freight: OrderFreight | null;
  activity: SpendThresholdActivity | null;
  priced: PricedOrder;
  /** Every coupon the shopper could pick, priced (quote only). */
  choices: (CouponChoices & { coupons: (Coupon & { name: string })[] }) | null;
}

function refuseUndelivered(lines: readonly CheckoutLine[], freight: OrderFreight | null): void {
  if (freight !== null && !freight.ok)
    fail('region_not_delivered', freight.lineIndexes.map((i) => lines[i]?.title ?? '').join(', '));
}

/**
 * Prices a checkout. `couponId`: a coupon of the shopper's; null for none; undefined (quote only) picks the best.
 * An order passes `strict`: a chosen coupon that is not the shopper's, used, or does not apply is 409
 * coupon_not_applicable.
 */
export async function priceCheckout(
  db: Db | Tx,
  userId: string,
  input: { items: readonly CheckoutItem[]; region: readonly string[] | null; couponId?: string | null | undefined },
  now: string,
  strict: boolean,
): Promise<CheckoutPricing> {
  const nowMs = Date.parse(now);
  const lines = await loadLines(db, input.items, now);
  const freight = await freightFor(db, lines, input.region);
  refuseUndelivered(lines, freight);
  const shippingFen = freight !== null && freight.ok ? freight.feeFen : 0n;
  const pricing = pricingLines(lines);
  const activity = bestActivity(await runningSpendThresholds(db, now), pricing, nowMs);
  const base = { lines: pricing, activity, shippingFen, nowMs };
  if (strict) {
    let coupon = null;
    if (typeof input.couponId === 'string') {
      const found = await shopperCouponForPricing(db, userId, input.couponId);
      if (found === undefined || found.status !== 'unused')
        fail('coupon_not_applicable', 'not an unused coupon of yours');
      coupon = found.coupon;
    }
    const priced = priceOrder({ ...base, coupon });
    if (priced.coupon !== null && !priced.coupon.applied) fail('coupon_not_applicable', priced.coupon.reason);
    return { lines, freight, activity, priced, choices: null };
  }
  const coupons = await usableCoupons(db, userId, now);
  const choices = couponChoices(base, coupons);
  let priced: PricedOrder;
  if (input.couponId === null) priced = choices.withoutCoupon;
  else if (input.couponId === undefined)
    priced = choices.bestIndex === null ? choices.withoutCoupon : choices.choices[choices.bestIndex]!.order;
  else {
    const chosen = choices.choices.find((c) => c.couponId === input.couponId);
    if (chosen === undefined || !chosen.usable)
      fail('coupon_not_applicable', chosen?.reason ?? 'not an unused coupon of yours');
    priced = chosen.order;
  }
  return { lines, freight, activity, priced, choices: { ...choices, coupons } };
}
