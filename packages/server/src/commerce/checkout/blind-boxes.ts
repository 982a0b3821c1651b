import { createHash, randomBytes } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database';
import { inTx, isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Blind box series (盲盒, SPEC 3.3; the scheme is in docs/blind-box.md). A series sells one box SKU (priced, stocked
 * and paid like any SKU) and draws one of its items per box by the published weights. Its server seed is made here,
 * when the series is created, and stays in the database: until the series closes only `sha256(seed)` leaves it, so
 * the commitment is public before the first box is sold (a series opens only after it is created, and its items and
 * weights cannot change once open). Closing reveals the seed, and every draw can be recomputed from it.
 */
export interface BlindBoxItemInput {
  name: string;
  valueFen: bigint;
  weight: bigint;
}

export interface BlindBoxSeriesInput {
  name: string;
  skuId: string;
  dailyCapFen: bigint;
  guarantee: string;
  items: BlindBoxItemInput[];
}

export interface BlindBoxItemView {
  index: number;
  name: string;
  valueFen: bigint;
  weight: bigint;
  /** Draws of this item so far (the observed frequency beside the published weight). */
  drawn: bigint;
}

export interface BlindBoxSeriesView {
  id: string;
  name: string;
  productId: string;
  skuId: string;
  title: string;
  imageUrl: string;
  priceFen: bigint;
  status: 'draft' | 'open' | 'closed';
  seedHash: string;
  /** The server seed: null until the series is closed. */
  serverSeed: string | null;
  dailyCapFen: bigint;
  guarantee: string;
  totalWeight: bigint;
  draws: bigint;
  items: BlindBoxItemView[];
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

/** The seed's commitment: sha256 of the seed's text (64 hex digits), as the verify page recomputes it. */
export function seedHash(serverSeed: string): string {
  return createHash('sha256').update(serverSeed, 'utf8').digest('hex');
}

function seriesQuery(db: Db | Tx) {
  return db
    .selectFrom('blind_box_series')
    .innerJoin('skus', 'skus.id', 'blind_box_series.sku_id')
    .innerJoin('products', 'products.id', 'blind_box_series.product_id')
    .selectAll('blind_box_series')
    .select(['products.title', 'products.image_url', 'skus.price_fen']);
}
type SeriesRow = Awaited<ReturnType<ReturnType<typeof seriesQuery>['execute']>>[number];

async function views(db: Db | Tx, rows: SeriesRow[]): Promise<BlindBoxSeriesView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const items = await db
    .selectFrom('blind_box_items')
    .selectAll()
    .where('series_id', 'in', ids)
    .orderBy('series_id')
    .orderBy('idx')
    .execute();
  const counts = await db
    .selectFrom('blind_box_draws')
    .select(['series_id', 'item_idx', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('series_id', 'in', ids)
    .groupBy(['series_id', 'item_idx'])
    .execute();
  const drawn = new Map(counts.map((c) => [`${c.series_id}:${c.item_idx}`, BigInt(c.n)]));
  return rows.map((row) => {
    const own = items.filter((i) => i.series_id === row.id);
    const itemViews = own.map((i) => ({
      index: Number(i.idx),
      name: i.name,
      valueFen: i.value_fen,
      weight: i.weight,
      drawn: drawn.get(`${row.id}:${i.idx}`) ?? 0n,
    }));
    return {
      id: row.id,
      name: row.name,
      productId: row.product_id,
      skuId: row.sku_id,
      title: row.title,
      imageUrl: row.image_url,
      priceFen: row.price_fen,
      status: row.status as BlindBoxSeriesView['status'],
      seedHash: row.seed_hash,
      serverSeed: row.status === 'closed' ? row.server_seed : null,
      dailyCapFen: row.daily_cap_fen,
      guarantee: row.guarantee,
      totalWeight: own.reduce((sum, i) => sum + i.weight, 0n),
      draws: itemViews.reduce((sum, i) => sum + i.drawn, 0n),
      items: itemViews,
      createdAt: row.created_at,
      openedAt: row.opened_at,
      closedAt: row.closed_at,
    };
  });
}

/** Series for staff (every status) or for shoppers (open and closed: a closed one still verifies its draws). */
export async function listSeries(db: Db | Tx, shopper = false): Promise<BlindBoxSeriesView[]> {
  let query = seriesQuery(db);
  if (shopper) query = query.where('blind_box_series.status', 'in', ['open', 'closed']);
  return views(db, await query.orderBy('blind_box_series.created_at', 'desc').execute());
}

export async function getSeries(db: Db | Tx, id: string, shopper = false): Promise<BlindBoxSeriesView> {
  const row = await seriesQuery(db).where('blind_box_series.id', '=', id).executeTakeFirst();
  if (row === undefined || (shopper && row.status === 'draft')) fail('blind_box_not_found');
  const [view] = await views(db, [row]);
  if (view === undefined) fail('blind_box_not_found');
  return view;
}

function checkItems(items: readonly BlindBoxItemInput[]): void {
  if (items.length < 2) fail('invalid_parameter', 'a blind box series has at least 2 items');
  let total = 0n;
  for (const item of items) {
    if (item.weight < 0n || item.valueFen < 0n) fail('invalid_parameter', 'weights and values are not negative');
    total += item.weight;
  }
  if (total <= 0n) fail('invalid_parameter', 'the weights sum to 0');
}

/** Creates a draft series on a SKU and commits to a fresh 256-bit server seed. */
export async function createSeries(db: Db, input: BlindBoxSeriesInput): Promise<BlindBoxSeriesView> {
  checkItems(input.items);
  const id = newId('bbs');
  await inTx(db, async (trx) => {
    const sku = await trx
      .selectFrom('skus')
      .select(['id', 'product_id'])
      .where('id', '=', input.skuId)
      .executeTakeFirst();
    if (sku === undefined) fail('sku_not_found');
    const taken = await trx
      .selectFrom('blind_box_series')
      .select('id')
      .where('sku_id', '=', input.skuId)
      .executeTakeFirst();
    if (taken !== undefined) fail('invalid_parameter', 'this SKU already sells another blind box series');
    const serverSeed = randomBytes(32).toString('hex');
    await trx
      .insertInto('blind_box_series')
      .values({
        id,
        name: input.name,
        product_id: sku.product_id,
        sku_id: sku.id,
        status: 'draft',
        server_seed: serverSeed,
        seed_hash: seedHash(serverSeed),
        daily_cap_fen: input.dailyCapFen,
        guarantee: input.guarantee,
        created_at: nowIso(),
        opened_at: null,
        closed_at: null,
      })
      .execute();
    await trx
      .insertInto('blind_box_items')
      .values(
        input.items.map((item, i) => ({
          series_id: id,
          idx: BigInt(i),
          name: item.name,
          value_fen: item.valueFen,
          weight: item.weight,
        })),
      )
      .execute();
  });
  return getSeries(db, id);
}

/** Opens a draft series for sale; its items, weights and seed hash are fixed from now on. */
export async function openSeries(db: Db, id: string): Promise<BlindBoxSeriesView> {
  const result = await db
    .updateTable('blind_box_series')
    .set({ status: 'open', opened_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    await getSeries(db, id);
    fail('blind_box_not_draft');
  }
  return getSeries(db, id);
}

/**
 * Closes an open series and so reveals its seed. An unpaid box order would draw after the reveal, when its outcome
 * can be computed in advance, so a series with unpaid box orders is refused until they are paid or expire. Orders
 * read the series row with a share lock (PostgreSQL), so none is placed between this check and the close.
 */
export async function closeSeries(db: Db, id: string): Promise<BlindBoxSeriesView> {
  await inTx(db, async (trx) => {
    const query = trx.selectFrom('blind_box_series').select('status').where('id', '=', id);
    const row = await (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
    if (row === undefined) fail('blind_box_not_found');
    if (row.status !== 'open') fail('blind_box_not_open');
    const unpaid = await trx
      .selectFrom('blind_box_lines')
      .innerJoin('orders', 'orders.id', 'blind_box_lines.order_id')
      .select('orders.id')
      .where('blind_box_lines.series_id', '=', id)
      .where('orders.status', '=', 'created')
      .executeTakeFirst();
    if (unpaid !== undefined) fail('blind_box_orders_unpaid');
    await trx
      .updateTable('blind_box_series')
      .set({ status: 'closed', closed_at: nowIso() })
      .where('id', '=', id)
      .execute();
  });
  return getSeries(db, id);
}
