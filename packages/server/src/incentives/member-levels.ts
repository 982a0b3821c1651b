import { findPlan, levelProgress } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { encodeStored } from '../platform/json';
import { nowIso } from '../platform/clock';
import type { Sequencer } from './incentive-log';
import { loadLevels, thresholdLevels, type LevelRow } from './level-ladder';
import { ensureJoined } from './settlement';

/**
 * Member levels (会员等级) for staff and shoppers. Names and thresholds change at any time (promotion reads them at
 * settlement). The ladder itself (which levels, in which order) is what the engine and per-level campaign
 * parameters count on: a level may be added on top only while no campaign has per-level parameters, and levels
 * may be removed or reordered only while, besides, no shopper's level was ever set (no `setLevel` in the log).
 * Every change runs under the sequencer's lock, so the engine rebuilds on the new ladder before its next event.
 */
export interface LevelInput {
  code: string;
  name: string;
  minSpendFen: bigint;
}

export function levelJson(l: LevelRow) {
  return { code: l.code, name: l.name, rank: l.rank, minSpendFen: l.minSpendFen };
}

async function memberAudit(
  trx: Tx,
  user: string | null,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
  at: string,
): Promise<void> {
  await trx
    .insertInto('member_audit')
    .values({ id: newId('evt'), user_id: user, actor, action, detail: encodeStored(detail), at })
    .execute();
}

/** Thresholds strictly increase with rank and the lowest level is every shopper's from joining (threshold 0). */
function checkThresholds(ladder: readonly LevelRow[]): void {
  ladder.forEach((l, i) => {
    if (l.minSpendFen < 0n) fail('invalid_parameter', `level ${l.code}: the threshold cannot be negative`);
    if (i === 0 && l.minSpendFen !== 0n) fail('invalid_parameter', 'the lowest level has threshold 0');
    const below = ladder[i - 1];
    if (below !== undefined && l.minSpendFen <= below.minSpendFen) {
      fail('invalid_parameter', `level ${l.code}: thresholds must increase from the lowest level up`);
    }
  });
}

async function perLevelCampaigns(trx: Tx): Promise<string[]> {
  const rows = await trx.selectFrom('campaigns').select(['id', 'plan']).execute();
  return rows
    .filter((r) => Object.values(findPlan(r.plan)?.params ?? {}).some((p) => p.kind === 'perLevel'))
    .map((r) => r.id);
}

async function assertLadderFree(trx: Tx, alsoUnset: boolean): Promise<void> {
  const users = await perLevelCampaigns(trx);
  if (users.length > 0) fail('levels_in_use', `campaigns with per-level parameters: ${users.join(', ')}`);
  if (!alsoUnset) return;
  const set = await trx.selectFrom('incentive_events').select('seq').where('type', '=', 'setLevel').limit(1).execute();
  if (set.length > 0) fail('levels_in_use', 'a shopper level has been set');
}

async function writeLadder(trx: Tx, ladder: readonly LevelRow[], at: string): Promise<void> {
  // Ranks are unique: move every row out of the way first, then write the final ranks.
  for (const l of ladder) {
    await trx
      .updateTable('member_levels')
      .set({ rank: BigInt(-1 - l.rank) })
      .where('code', '=', l.code)
      .execute();
  }
  for (const [i, l] of ladder.entries()) {
    await trx
      .updateTable('member_levels')
      .set({ rank: BigInt(i), name: l.name, min_spend_fen: l.minSpendFen, updated_at: at })
      .where('code', '=', l.code)
      .execute();
  }
}

/** A new level on top of the ladder. */
export async function createLevel(sequencer: Sequencer, input: LevelInput, actor: string): Promise<LevelRow[]> {
  return sequencer.run(async (trx) => {
    const ladder = await loadLevels(trx);
    if (ladder.some((l) => l.code === input.code)) fail('level_exists', input.code);
    const added = { ...input, rank: ladder.length };
    checkThresholds([...ladder, added]);
    await assertLadderFree(trx, false);
    const at = nowIso();
    await trx
      .insertInto('member_levels')
      .values({
        code: input.code,
        name: input.name,
        rank: BigInt(added.rank),
        min_spend_fen: input.minSpendFen,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await memberAudit(trx, null, actor, 'level_created', { ...input }, at);
    return loadLevels(trx);
  });
}

/** New name or threshold of one level; thresholds apply to orders settled from now on. */
export async function editLevel(
  sequencer: Sequencer,
  code: string,
  patch: { name?: string | undefined; minSpendFen?: bigint | undefined },
  actor: string,
): Promise<LevelRow[]> {
  return sequencer.run(async (trx) => {
    const ladder = await loadLevels(trx);
    const level = ladder.find((l) => l.code === code);
    if (level === undefined) fail('level_not_found', code);
    const next = ladder.map((l) =>
      l.code === code ? { ...l, name: patch.name ?? l.name, minSpendFen: patch.minSpendFen ?? l.minSpendFen } : l,
    );
    checkThresholds(next);
    const at = nowIso();
    await writeLadder(trx, next, at);
    await memberAudit(trx, null, actor, 'level_edited', { code, ...patch }, at);
    return loadLevels(trx);
  });
}

/** The ladder in a new order (every code exactly once), lowest first. */
export async function reorderLevels(sequencer: Sequencer, codes: readonly string[], actor: string) {
  return sequencer.run(async (trx) => {
    const ladder = await loadLevels(trx);
    const unknown = codes.find((c) => !ladder.some((l) => l.code === c));
    if (unknown !== undefined) fail('level_not_found', unknown);
    if (codes.length !== ladder.length || new Set(codes).size !== codes.length) {
      fail('invalid_parameter', 'name every level exactly once');
    }
    const next = codes.map((c, i) => ({ ...(ladder.find((l) => l.code === c) as LevelRow), rank: i }));
    if (next.some((l, i) => ladder[i]?.code !== l.code)) await assertLadderFree(trx, true);
    // Thresholds still increase from the lowest level up: a new order comes with thresholds edited to fit it.
    checkThresholds(next);
    const at = nowIso();
    await writeLadder(trx, next, at);
    await memberAudit(trx, null, actor, 'levels_reordered', { codes }, at);
    return loadLevels(trx);
  });
}

/** Staff set a shopper's level by hand: a `setLevel` event (a later one replaces it, also downwards), logged. */
export async function setShopperLevel(sequencer: Sequencer, user: string, code: string, actor: string) {
  return sequencer.run(async (trx, batch, engine) => {
    const found = await trx.selectFrom('users').select('id').where('id', '=', user).executeTakeFirst();
    if (found === undefined) fail('user_not_found', user);
    if (!(await loadLevels(trx)).some((l) => l.code === code)) fail('level_not_found', code);
    const at = nowIso();
    await ensureJoined(trx, engine, batch, [user], at);
    batch.apply({ type: 'setLevel', user, level: code }, at);
    await batch.write(trx, at);
    await memberAudit(trx, user, actor, 'level_set', { level: code }, at);
  });
}

/** Each shopper's level code as the engine holds it (null: none, or not yet in the engine). */
export async function levelsOfUsers(sequencer: Sequencer, users: readonly string[]): Promise<Map<string, string>> {
  return sequencer.snapshot((engine) => {
    const out = new Map<string, string>();
    for (const user of users) {
      const index = engine.directory.userIndex(user);
      const level = index < 0 ? -1 : engine.directory.levelOf(index);
      const code = engine.levels[level]?.code;
      if (code !== undefined) out.set(user, code);
    }
    return out;
  });
}

/** A shopper's own level, settled spend and the spend still missing to the next level (core's levelProgress). */
export async function shopperLevel(db: Db, sequencer: Sequencer, user: string) {
  const ladder = await loadLevels(db);
  const { held, spendFen } = await sequencer.snapshot((engine) => {
    const index = engine.directory.userIndex(user);
    return index < 0
      ? { held: -1, spendFen: 0n }
      : { held: engine.directory.levelOf(index), spendFen: engine.directory.spendFen(index) };
  });
  // A shopper not yet in the engine (nothing settled) holds the lowest level like everyone who joins.
  const heldIndex = held < 0 && ladder.length > 0 && ladder[0]?.minSpendFen === 0n ? 0 : held;
  const progress = levelProgress(thresholdLevels(ladder), heldIndex, spendFen);
  const at = (i: number | undefined) => (i === undefined || i < 0 ? null : levelJson(ladder[i] as LevelRow));
  return {
    level: at(progress.level),
    next: at(progress.next),
    spendFen,
    spendToNextFen: progress.spendToNextFen ?? null,
    levels: ladder.map(levelJson),
  };
}

export async function memberAuditLog(db: Db, user: string | undefined, limit: number) {
  let query = db.selectFrom('member_audit').selectAll().orderBy('at', 'desc').limit(limit);
  if (user !== undefined) query = query.where('user_id', '=', user);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    actor: r.actor,
    action: r.action,
    detail: r.detail,
    at: r.at,
  }));
}
