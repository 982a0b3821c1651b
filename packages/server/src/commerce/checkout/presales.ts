import {
  presalePhase,
  presaleQuote,
  presaleRules,
  presaleTermsProblems,
  type PresalePhase,
  type PresaleRuleLine,
  type PresaleTerms,
} from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Presales (预售) as staff schedule them and shoppers see them: a SKU at a presale price, a deposit that counts for
 * more than it costs, a deposit window and a balance window. The arithmetic and the rules' wording are core's
 * (`@mall/core` presale.ts); this module stores terms and answers views. The order side is presale-orders.ts.
 */
export interface PresaleInput {
  skuId: string;
  priceFen: bigint;
  depositFen: bigint;
  countsAsFen: bigint;
  depositStartsAt: string;
  depositEndsAt: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
}

export interface PresaleCounts {
  depositsPaid: bigint;
  balancesPaid: bigint;
  forfeited: bigint;
  refunded: bigint;
  depositFen: bigint;
  balanceFen: bigint;
  forfeitedFen: bigint;
}

export interface PresaleView {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  skuPriceFen: bigint;
  priceFen: bigint;
  depositFen: bigint;
  countsAsFen: bigint;
  balanceFen: bigint;
  totalPaidFen: bigint;
  depositStartsAt: string;
  depositEndsAt: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
  status: string;
  /** upcoming | deposit | waiting_balance | balance | ended, or cancelled. */
  phase: PresalePhase | 'cancelled';
  rules: PresaleRuleLine[];
}

type Row = Awaited<ReturnType<ReturnType<typeof presaleQuery>['execute']>>[number];

function presaleQuery(db: Db | Tx) {
  return db
    .selectFrom('presales')
    .innerJoin('skus', 'skus.id', 'presales.sku_id')
    .innerJoin('products', 'products.id', 'presales.product_id')
    .selectAll('presales')
    .select([
      'products.title',
      'products.image_url',
      'products.on_shelf',
      'skus.name as sku_name',
      'skus.price_fen as sku_price_fen',
    ]);
}

export function termsOf(row: {
  price_fen: bigint;
  deposit_fen: bigint;
  counts_as_fen: bigint;
  deposit_starts_at: string;
  deposit_ends_at: string;
  balance_starts_at: string;
  balance_ends_at: string;
}): PresaleTerms {
  return {
    priceFen: row.price_fen,
    depositFen: row.deposit_fen,
    countsAsFen: row.counts_as_fen,
    depositStartsMs: Date.parse(row.deposit_starts_at),
    depositEndsMs: Date.parse(row.deposit_ends_at),
    balanceStartsMs: Date.parse(row.balance_starts_at),
    balanceEndsMs: Date.parse(row.balance_ends_at),
  };
}

function view(row: Row, nowMs: number): PresaleView {
  const terms = termsOf(row);
  const quote = presaleQuote(terms, 1n);
  return {
    id: row.id,
    productId: row.product_id,
    skuId: row.sku_id,
    title: row.title,
    skuName: row.sku_name,
    imageUrl: row.image_url,
    skuPriceFen: row.sku_price_fen,
    priceFen: row.price_fen,
    depositFen: row.deposit_fen,
    countsAsFen: row.counts_as_fen,
    balanceFen: quote.balanceFen,
    totalPaidFen: quote.totalPaidFen,
    depositStartsAt: row.deposit_starts_at,
    depositEndsAt: row.deposit_ends_at,
    balanceStartsAt: row.balance_starts_at,
    balanceEndsAt: row.balance_ends_at,
    status: row.status,
    phase: row.status === 'cancelled' ? 'cancelled' : presalePhase(terms, nowMs),
    rules: presaleRules(terms),
  };
}

function isoOrFail(value: string, name: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) fail('invalid_parameter', `${name} must be an ISO-8601 time`);
  return new Date(ms).toISOString();
}

/** Schedules a presale; core's problems are the refusals, and one SKU has at most one presale at any time. */
export async function createPresale(db: Db, input: PresaleInput): Promise<PresaleView> {
  const row = {
    price_fen: input.priceFen,
    deposit_fen: input.depositFen,
    counts_as_fen: input.countsAsFen,
    deposit_starts_at: isoOrFail(input.depositStartsAt, 'depositStartsAt'),
    deposit_ends_at: isoOrFail(input.depositEndsAt, 'depositEndsAt'),
    balance_starts_at: isoOrFail(input.balanceStartsAt, 'balanceStartsAt'),
    balance_ends_at: isoOrFail(input.balanceEndsAt, 'balanceEndsAt'),
  };
  const problems = presaleTermsProblems(termsOf(row));
  if (problems.length > 0) fail('invalid_parameter', problems.join(', '));
  const id = newId('pre');
  await inTx(db, async (trx) => {
    const sku = await trx
      .selectFrom('skus')
      .select(['id', 'product_id'])
      .where('id', '=', input.skuId)
      .executeTakeFirst();
    if (!sku) fail('sku_not_found');
    const overlapping = await trx
      .selectFrom('presales')
      .select('id')
      .where('sku_id', '=', input.skuId)
      .where('status', '=', 'scheduled')
      .where('deposit_starts_at', '<', row.balance_ends_at)
      .where('balance_ends_at', '>', row.deposit_starts_at)
      .executeTakeFirst();
    if (overlapping) fail('presale_overlaps', overlapping.id);
    await trx
      .insertInto('presales')
      .values({
        id,
        product_id: sku.product_id,
        sku_id: input.skuId,
        ...row,
        status: 'scheduled',
        created_at: nowIso(),
      })
      .execute();
  });
  return getPresale(db, id);
}

/** Staff stop a presale from taking new deposits; deposits already paid keep the rules they were paid under. */
export async function cancelPresale(db: Db, id: string): Promise<PresaleView> {
  const result = await db
    .updateTable('presales')
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    await getPresale(db, id);
    fail('presale_not_open', 'already cancelled');
  }
  return getPresale(db, id);
}

export async function getPresale(db: Db | Tx, id: string, shopper = false): Promise<PresaleView> {
  const row = await presaleQuery(db).where('presales.id', '=', id).executeTakeFirst();
  if (!row || (shopper && (row.on_shelf !== 1n || row.status !== 'scheduled'))) fail('presale_not_found');
  return view(row, Date.parse(nowIso()));
}

/** Shoppers see presales of products on the shelf until their balance window ends; staff see every one. */
export async function listPresales(
  db: Db | Tx,
  filter: { shopper?: boolean; productId?: string } = {},
): Promise<PresaleView[]> {
  const now = nowIso();
  let query = presaleQuery(db).orderBy('presales.deposit_starts_at').orderBy('presales.id');
  if (filter.productId !== undefined) query = query.where('presales.product_id', '=', filter.productId);
  if (filter.shopper === true)
    query = query
      .where('presales.status', '=', 'scheduled')
      .where('presales.balance_ends_at', '>', now)
      .where('products.on_shelf', '=', 1n);
  const nowMs = Date.parse(now);
  return (await query.execute()).map((row) => view(row, nowMs));
}

/** The admin's watch: per presale, deposits paid, balances paid, forfeited and refunded, in orders and fen. */
export async function presaleCounts(db: Db | Tx): Promise<Map<string, PresaleCounts>> {
  const rows = await db
    .selectFrom('presale_orders')
    .select([
      'presale_id',
      'status',
      (eb) => eb.fn.countAll<bigint>().as('n'),
      (eb) => eb.fn.sum<bigint>('deposit_fen').as('deposit'),
      (eb) => eb.fn.sum<bigint>('balance_fen').as('balance'),
    ])
    .where('status', '!=', 'awaiting_deposit')
    .where('status', '!=', 'cancelled')
    .groupBy(['presale_id', 'status'])
    .execute();
  const counts = new Map<string, PresaleCounts>();
  for (const r of rows) {
    const c = counts.get(r.presale_id) ?? {
      depositsPaid: 0n,
      balancesPaid: 0n,
      forfeited: 0n,
      refunded: 0n,
      depositFen: 0n,
      balanceFen: 0n,
      forfeitedFen: 0n,
    };
    const n = BigInt(r.n);
    const deposit = BigInt(r.deposit ?? 0);
    // Every row here paid its deposit once; a refunded one gave it back.
    c.depositsPaid += n;
    c.depositFen += deposit;
    if (r.status === 'balance_paid') {
      c.balancesPaid += n;
      c.balanceFen += BigInt(r.balance ?? 0);
    }
    if (r.status === 'forfeited') {
      c.forfeited += n;
      c.forfeitedFen += deposit;
    }
    if (r.status === 'deposit_refunded') c.refunded += n;
    counts.set(r.presale_id, c);
  }
  return counts;
}
