import type { Db } from '../platform/db/database';
import { Failure, fail } from '../platform/errors';
import { formatScaled, groupOrderMayShip, type GroupStatus } from '@mall/core';
import { badText } from '../platform/spreadsheet';
import { TRACKING_NO, carrierName, findCarrier } from './carriers';
import { shipOrder } from './orders';
import type { Address } from './order-views';

/**
 * Shipping at scale: one order with a carrier from the list, a batch from a spreadsheet (order id, carrier, tracking
 * number) where every good row ships in its own transaction and every bad row says why, and the warehouse's export.
 */
export async function shipWithCarrier(
  db: Db,
  orderId: string,
  actor: string,
  shipment: { carrier: string; trackingNo: string },
): Promise<void> {
  const carrier = findCarrier(shipment.carrier);
  if (carrier === undefined) fail('unknown_carrier', shipment.carrier);
  const trackingNo = shipment.trackingNo.trim();
  if (!TRACKING_NO.test(trackingNo))
    fail('invalid_parameter', 'a tracking number is 1 to 40 letters, digits or dashes');
  await shipOrder(db, orderId, actor, { carrier: carrier.code, trackingNo });
}

export interface BatchRowResult {
  /** The row's line in the file (the header is line 1). */
  line: number;
  orderId: string;
  ok: boolean;
  code?: string;
  message?: string;
}

const HEADERS: Record<string, 'orderId' | 'carrier' | 'trackingNo'> = {
  orderid: 'orderId',
  order: 'orderId',
  订单号: 'orderId',
  订单编号: 'orderId',
  carrier: 'carrier',
  快递公司: 'carrier',
  物流公司: 'carrier',
  trackingno: 'trackingNo',
  tracking: 'trackingNo',
  运单号: 'trackingNo',
  快递单号: 'trackingNo',
  物流单号: 'trackingNo',
};

/** The columns of a batch file: a header row naming them (zh or en), or, without one, order id, carrier, number. */
export function batchColumns(rows: string[][]): {
  columns: Record<'orderId' | 'carrier' | 'trackingNo', number>;
  first: number;
} {
  const header = (rows[0] ?? []).map((h) => HEADERS[h.replace(/[\s_-]/g, '').toLowerCase()] ?? HEADERS[h.trim()]);
  const known = header.filter((h) => h !== undefined);
  if (known.length === 0) return { columns: { orderId: 0, carrier: 1, trackingNo: 2 }, first: 0 };
  const at = (name: 'orderId' | 'carrier' | 'trackingNo'): number => {
    const i = header.indexOf(name);
    if (i < 0) fail('invalid_file', `the header has no ${name} column`);
    return i;
  };
  return { columns: { orderId: at('orderId'), carrier: at('carrier'), trackingNo: at('trackingNo') }, first: 1 };
}

/** The order ids a batch names (the operation log reads their state before and after). */
export function batchOrderIds(rows: string[][]): string[] {
  const { columns, first } = batchColumns(rows);
  return rows
    .slice(first)
    .map((r) => r[columns.orderId] ?? '')
    .filter((id) => id !== '' && id.length <= 100 && !badText(id));
}

export async function shipBatch(db: Db, rows: string[][], actor: string): Promise<BatchRowResult[]> {
  const { columns, first } = batchColumns(rows);
  const results: BatchRowResult[] = [];
  const shippedOn = new Map<string, number>();
  for (const [i, row] of rows.slice(first).entries()) {
    const line = i + first + 1;
    const orderId = row[columns.orderId] ?? '';
    const refuse = (code: string, message: string) => results.push({ line, orderId, ok: false, code, message });
    if (row.every((c) => c === '')) continue;
    if (row.some(badText)) {
      refuse('invalid_request', 'the row contains a control character');
      continue;
    }
    if (orderId === '' || orderId.length > 100) {
      refuse('invalid_request', 'no order id');
      continue;
    }
    const earlier = shippedOn.get(orderId);
    if (earlier !== undefined) {
      refuse('invalid_request', `this order was shipped on line ${earlier}`);
      continue;
    }
    try {
      await shipWithCarrier(db, orderId, actor, {
        carrier: row[columns.carrier] ?? '',
        trackingNo: row[columns.trackingNo] ?? '',
      });
      shippedOn.set(orderId, line);
      results.push({ line, orderId, ok: true });
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      refuse(error.code, error.detail ?? error.message);
    }
  }
  return results;
}

export const EXPORT_HEADER = [
  '订单号 orderId',
  '状态 status',
  '下单时间 createdAt',
  '收货人 name',
  '电话 phone',
  '地区 region',
  '详细地址 detail',
  '商品 title',
  '规格 sku',
  'SKU 编码 code',
  '数量 quantity',
  '单价 price',
  '订单金额 amount',
  '快递公司 carrier',
  '运单号 trackingNo',
];

/**
 * One row per order line, for picking and packing: by default the paid orders waiting to ship, oldest first. A paid
 * group-buy order whose group has not succeeded (or whose lottery seat was lost) is left out: shipping would refuse
 * it, and the warehouse should not pick goods that may yet be refunded.
 */
export async function warehouseRows(db: Db, status: string, limit = 20_000): Promise<string[][]> {
  const lines = await db
    .selectFrom('orders')
    .innerJoin('order_items', 'order_items.order_id', 'orders.id')
    .leftJoin('skus', 'skus.id', 'order_items.sku_id')
    .leftJoin('group_buy_members', 'group_buy_members.order_id', 'orders.id')
    .leftJoin('group_buy_groups', 'group_buy_groups.id', 'group_buy_members.group_id')
    .select([
      'orders.id',
      'orders.status',
      'orders.created_at',
      'orders.address',
      'orders.amount_fen',
      'orders.carrier',
      'orders.tracking_no',
      'order_items.title',
      'order_items.sku_name',
      'order_items.quantity',
      'order_items.price_fen',
      'skus.code',
      'group_buy_groups.status as group_status',
      'group_buy_members.status as member_status',
    ])
    .where('orders.status', '=', status)
    .orderBy('orders.created_at')
    .orderBy('orders.id')
    .orderBy('order_items.line')
    .limit(limit)
    .execute();
  const yuan = (fen: bigint): string => formatScaled(fen, 100n, 2, false);
  const shippable = lines.filter(
    (l) =>
      status !== 'paid' ||
      l.group_status === null ||
      groupOrderMayShip(l.group_status as GroupStatus, l.member_status ?? ''),
  );
  return shippable.map((l) => {
    const address = JSON.parse(l.address) as Partial<Address>;
    return [
      l.id,
      l.status,
      l.created_at,
      address.name ?? '',
      address.phone ?? '',
      (address.region ?? []).join(' '),
      address.detail ?? '',
      l.title,
      l.sku_name,
      l.code ?? '',
      String(l.quantity),
      yuan(l.price_fen),
      yuan(l.amount_fen),
      l.carrier === null ? '' : carrierName(l.carrier),
      l.tracking_no ?? '',
    ];
  });
}
