import type { Db, Tx } from './db/database';
import { inTx } from './db/database';
import { fail } from './errors';

export interface Settings {
  afterSalesDays: number;
  withdrawMinFen: bigint;
  withdrawFeeBps: bigint;
  unpaidTimeoutMinutes: number;
  /** Open unpaid orders one shopper may hold at once (stock held by unpaid orders is stock nobody else can buy). */
  maxUnpaidOrders: number;
  /** Days after shipping when an order the shopper has not confirmed is received automatically (自动确认收货). */
  autoReceiveDays: number;
  /** The incentive period (dividends, cashback installments): it closes at 00:00 Asia/Shanghai. */
  periodKind: PeriodKind;
}

export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export type SettingsPatch = Partial<Record<Exclude<keyof Settings, 'periodKind'>, number>> & { periodKind?: string };

export const DEFAULT_SETTINGS: Settings = {
  afterSalesDays: 7,
  withdrawMinFen: 100n,
  withdrawFeeBps: 0n,
  unpaidTimeoutMinutes: 30,
  maxUnpaidOrders: 5,
  autoReceiveDays: 10,
  periodKind: 'month',
};

const LIMITS = {
  afterSalesDays: [0, 365],
  withdrawMinFen: [1, 100_000_000],
  withdrawFeeBps: [0, 5000],
  unpaidTimeoutMinutes: [0, 7 * 24 * 60],
  maxUnpaidOrders: [1, 100],
  autoReceiveDays: [0, 90],
} as const;

// Read on every order and withdrawal, changed by an admin now and then: a short cache per database handle, dropped
// by any local update (another process sees a change within CACHE_MS). Reads inside a transaction are never cached.
const CACHE_MS = 2000;
const cache = new WeakMap<Db | Tx, { settings: Settings; at: number; generation: number }>();
let generation = 0;

export async function loadSettings(db: Db | Tx): Promise<Settings> {
  const hit = cache.get(db);
  if (hit !== undefined && hit.generation === generation && Date.now() - hit.at < CACHE_MS) return hit.settings;
  const settings = await readSettings(db);
  if (!db.isTransaction) cache.set(db, { settings, at: Date.now(), generation });
  return settings;
}

async function readSettings(db: Db | Tx): Promise<Settings> {
  const rows = await db.selectFrom('settings').selectAll().execute();
  const raw = new Map(rows.map((r) => [r.key, r.value]));
  const int = (key: keyof Settings, fallback: number | bigint): string => raw.get(key) ?? String(fallback);
  return {
    afterSalesDays: Number(int('afterSalesDays', DEFAULT_SETTINGS.afterSalesDays)),
    withdrawMinFen: BigInt(int('withdrawMinFen', DEFAULT_SETTINGS.withdrawMinFen)),
    withdrawFeeBps: BigInt(int('withdrawFeeBps', DEFAULT_SETTINGS.withdrawFeeBps)),
    unpaidTimeoutMinutes: Number(int('unpaidTimeoutMinutes', DEFAULT_SETTINGS.unpaidTimeoutMinutes)),
    maxUnpaidOrders: Number(int('maxUnpaidOrders', DEFAULT_SETTINGS.maxUnpaidOrders)),
    autoReceiveDays: Number(int('autoReceiveDays', DEFAULT_SETTINGS.autoReceiveDays)),
    periodKind: periodKindOf(raw.get('periodKind')),
  };
}

function periodKindOf(raw: string | undefined): PeriodKind {
  return PERIOD_KINDS.find((k) => k === raw) ?? DEFAULT_SETTINGS.periodKind;
}

/** Validates every given key against its range before writing any of them. */
async function updateSettings(trx: Tx, patch: SettingsPatch): Promise<Settings> {
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'periodKind') {
      if (!PERIOD_KINDS.some((k) => k === value))
        fail('invalid_parameter', `periodKind is one of ${PERIOD_KINDS.join(', ')}`);
      continue;
    }
    const limits = LIMITS[key as keyof typeof LIMITS] as readonly [number, number] | undefined;
    if (limits === undefined) fail('invalid_request', `unknown setting ${key}`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < limits[0] || value > limits[1]) {
      fail('invalid_parameter', `${key} must be an integer between ${limits[0]} and ${limits[1]}`);
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    await trx
      .insertInto('settings')
      .values({ key, value: String(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(value) }))
      .execute();
  }
  generation += 1;
  return readSettings(trx);
}

export function settingsJson(s: Settings): Record<string, number | string> {
  return {
    afterSalesDays: s.afterSalesDays,
    withdrawMinFen: Number(s.withdrawMinFen),
    withdrawFeeBps: Number(s.withdrawFeeBps),
    unpaidTimeoutMinutes: s.unpaidTimeoutMinutes,
    maxUnpaidOrders: s.maxUnpaidOrders,
    autoReceiveDays: s.autoReceiveDays,
    periodKind: s.periodKind,
  };
}

export async function changeSettings(db: Db, patch: SettingsPatch): Promise<Settings> {
  return inTx(db, (trx) => updateSettings(trx, patch));
}
