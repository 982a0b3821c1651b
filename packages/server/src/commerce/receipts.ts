import { inTx, type Db } from '../platform/db/database';
import { Failure } from '../platform/errors';
import { DAY_MS, isoPlusMs, nowIso } from '../platform/clock';
import { loadSettings } from '../platform/settings';
import { transition } from './order-machine';

/**
 * Auto-confirm receipt (自动确认收货): shipped orders the shopper has not confirmed `autoReceiveDays` after shipping are
 * received by the system, so the after-sales window opens and settlement runs without the shopper. An order with an
 * open after-sales request is `refunding`, not `shipped`, and waits for it.
 */
export async function autoConfirmReceipts(db: Db, limit = 500): Promise<number> {
  const settings = await loadSettings(db);
  const cutoff = isoPlusMs(nowIso(), -settings.autoReceiveDays * DAY_MS);
  const due = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'shipped')
    .where('shipped_at', '<=', cutoff)
    .orderBy('shipped_at')
    .limit(limit)
    .execute();
  let received = 0;
  for (const { id } of due) {
    try {
      await inTx(db, (trx) =>
        transition(
          trx,
          id,
          'received',
          'system:auto_receive',
          { received_at: nowIso() },
          'shipped',
          `auto after ${settings.autoReceiveDays} days`,
        ),
      );
      received += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
    }
  }
  return received;
}
