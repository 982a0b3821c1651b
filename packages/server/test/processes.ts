import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { newId } from '../src/platform/ids';
import { postCreditsBulk, type TransferInput } from '../src/money/ledger';
import { inTx, type Db } from '../src/platform/db/database';

/** Helpers for tests that run `mall start` as real processes on one PostgreSQL. */
export const MALL = join(import.meta.dirname, '..', 'bin', 'mall.js');

export interface MallProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `mall start` with these arguments and resolves once it prints the admin login (and, in a cluster, the workers). */
export function startMall(env: Record<string, string>, args: string[] = []): Promise<MallProcess> {
  const child = spawn(process.execPath, [MALL, 'start', ...args], {
    env: { ...process.env, MALL_LOG_LEVEL: 'warn', MALL_SKIP_WEB_BUILD: '1', MALL_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mall start did not come up:\n${out}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const port = /storefront\s+http:\/\/localhost:(\d+)\//.exec(out);
      const clustered = args.includes('--workers') && !args.includes('1');
      if (port && /admin login/.test(out) && (!clustered || /workers\s+\d+ processes/.test(out))) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port[1]}`, output: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mall start exited ${code}:\n${out}`));
    });
  });
}

/** The node pid of the process holding the leader lock of `schema`, read from PostgreSQL (the lock's connection names it). */
export async function leaderPid(baseUrl: string, schema: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const answer = await client.query<{ name: string }>(
      `select a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
      [`mall:leader:${schema}`],
    );
    const name = answer.rows[0]?.name;
    return name === undefined ? undefined : Number(name.split(':')[1]);
  } finally {
    await client.end();
  }
}

/**
 * Writes `n` received gift-pack orders straight into the database (buyers in a fan-out-3 tree under `rootUserId`,
 * each order's money in escrow), so a settlement has enough to do to be killed in the middle of it.
 */
export async function seedReceivedBacklog(
  db: Db,
  n: number,
  receivedAt: string,
  rootUserId: string,
): Promise<string[]> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'category_id'])
    .where('title', '=', '消费商礼包')
    .executeTakeFirstOrThrow();
  const sku = await db
    .selectFrom('skus')
    .select(['id', 'name'])
    .where('product_id', '=', product.id)
    .executeTakeFirstOrThrow();
  const userIds: string[] = [];
  const orderIds: string[] = [];
  for (let from = 0; from < n; from += 500) {
    await inTx(db, async (trx) => {
      const users = [];
      const orders = [];
      const items = [];
      const transfers: TransferInput[] = [];
      for (let i = from; i < Math.min(n, from + 500); i += 1) {
        const id = newId('usr');
        userIds.push(id);
        const referrer = i === 0 ? rootUserId : (userIds[(i - 1 - ((i - 1) % 3)) / 3] ?? rootUserId);
        users.push({
          id,
          phone: `166${String(i).padStart(8, '0')}`,
          password_hash: null,
          invite_code: `K${i}`,
          referrer_id: referrer,
          created_at: receivedAt,
        });
        const orderId = newId('ord');
        orderIds.push(orderId);
        orders.push({
          id: orderId,
          user_id: id,
          status: 'received',
          amount_fen: 100_000n,
          address: '{}',
          idempotency_key: orderId,
          request_hash: '-',
          created_at: receivedAt,
          expires_at: receivedAt,
          paid_at: receivedAt,
          shipped_at: receivedAt,
          received_at: receivedAt,
          settled_at: null,
          carrier: 'SF',
          tracking_no: '1',
          payment_id: null,
          refund_status: null,
          refund_reason: null,
          refund_from: null,
        });
        items.push({
          order_id: orderId,
          line: 0n,
          sku_id: sku.id,
          product_id: product.id,
          title: '消费商礼包',
          sku_name: sku.name,
          price_fen: 100_000n,
          quantity: 1n,
          // The gift pack is in the demo campaigns' scope; settlement reads the line at what was paid for it.
          category_id: product.category_id,
          paid_fen: 100_000n,
          unit_price_fen: 100_000n,
        });
        transfers.push({
          id: `payment:seed:${orderId}`,
          from: 'gateway:sandbox',
          to: 'platform:escrow',
          amountFen: 100_000n,
          reason: 'payment',
          orderId,
          userId: id,
        });
      }
      for (let i = 0; i < users.length; i += 100)
        await trx
          .insertInto('users')
          .values(users.slice(i, i + 100))
          .execute();
      for (let i = 0; i < orders.length; i += 100)
        await trx
          .insertInto('orders')
          .values(orders.slice(i, i + 100))
          .execute();
      for (let i = 0; i < items.length; i += 100)
        await trx
          .insertInto('order_items')
          .values(items.slice(i, i + 100))
          .execute();
      await postCreditsBulk(trx, transfers, receivedAt);
    });
  }
  return orderIds;
}
