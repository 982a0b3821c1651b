import { PLATFORM_REVENUE, poolCash, userWallet } from '../accounts';
import type { Effect, PositionStatus } from '../effects';
import { BigIntColumn, IntColumn } from '../columns';
import { HeapExitIndex, ScanExitIndex, type ExitIndex } from '../exit-index';
import { BPS_SCALE, UNITS_PER_POINT, share } from '../money';
import { definePlan, type RedeemCommand, type SettledOrder } from '../plan';

export const APPRECIATION_POOL = 'appreciationPool';

/** A position as read from the pool: a snapshot, not a live view. */
export interface PoolPosition {
  readonly ordinal: number;
  readonly order: string;
  readonly user: string;
  readonly units: bigint;
  readonly capFen: bigint;
  readonly realizedFen: bigint;
  readonly paidFen: bigint;
  readonly status: PositionStatus;
}

export interface PoolState {
  cashFen: bigint;
  supplyUnits: bigint;
  /** Cash and supply just before the supply last fell to zero: the price new units mint at in an empty pool. */
  lastCashFen: bigint;
  lastSupplyUnits: bigint;
}

export interface AppreciationPoolInstance {
  readonly code: string;
  readonly state: Readonly<PoolState>;
  /** Every position in creation order (materialised on each read). */
  readonly positions: readonly PoolPosition[];
  readonly openCount: number;
  position(order: string): PoolPosition | undefined;
  /**
   * Rebuilds exit detection over the open positions with another strategy. The benchmark uses it to time the
   * naive scan on a pool of 10^5 holders without first paying the scan's quadratic cost to build that pool.
   */
  rebuildExitIndex(detection: 'index' | 'scan'): void;
}

const STATUS: readonly PositionStatus[] = ['open', 'exited', 'closed'];
const OPEN = 0;
const EXITED = 1;
const CLOSED = 2;

/**
 * 消费增值 with 出局 (SPEC 3.2). Pool cash P and supply S; the price P/S only rises because units mint at the
 * price before the contribution and every payout is at most the value of the units it removes.
 */
export const appreciationPool = definePlan({
  code: APPRECIATION_POOL,
  title: { zh: '消费增值', en: 'Appreciation pool' },
  summary: {
    zh: '订单结算后按比例注入增值池并获得积分，积分价格只涨不跌；积分价值达到消费额的倍数时出局，按比例兑付现金。',
    en: 'A share of each settled order enters the pool and mints points at the current price; the price only rises, and a position exits with a cash payout once it reaches its multiple.',
  },
  highRisk: true,
  referralLevels: 0,
  params: {
    poolShareBps: {
      kind: 'bps',
      default: 3000,
      min: 0,
      max: 10_000,
      label: { zh: '入池比例（基点）', en: 'Pool share (bps)' },
    },
    creditShareBps: {
      kind: 'bps',
      default: 7000,
      min: 0,
      max: 10_000,
      label: { zh: '计积分比例（基点）', en: 'Credited share (bps)' },
    },
    initialPriceFen: {
      kind: 'fen',
      default: 100,
      min: 1,
      max: 100_000_000,
      label: { zh: '初始价格（分/积分）', en: 'Initial price (fen per point)' },
    },
    exitMultipleBps: {
      kind: 'bps',
      default: 20_000,
      min: 1,
      max: 1_000_000,
      label: { zh: '出局倍数（基点）', en: 'Exit multiple (bps)' },
    },
    exitCashShareBps: {
      kind: 'bps',
      default: 8000,
      min: 0,
      max: 10_000,
      label: { zh: '出局现金比例（基点）', en: 'Exit cash share (bps)' },
    },
    redeemFeeBps: {
      kind: 'bps',
      default: 2000,
      min: 0,
      max: 10_000,
      label: { zh: '兑换手续费（基点）', en: 'Redemption fee (bps)' },
    },
  },
  create(params, directory, options) {
    const poolShare = BigInt(params.poolShareBps);
    const creditShare = BigInt(params.creditShareBps);
    const initialPrice = BigInt(params.initialPriceFen);
    const exitMultiple = BigInt(params.exitMultipleBps);
    const exitCashShare = BigInt(params.exitCashShareBps);
    const redeemKeep = BPS_SCALE - BigInt(params.redeemFeeBps);
    const account = poolCash(APPRECIATION_POOL);

    const state: PoolState = { cashFen: 0n, supplyUnits: 0n, lastCashFen: 0n, lastSupplyUnits: 0n };
    // Positions as columns by ordinal (creation order): a million holders cost flat buffers, not objects.
    let count = 0;
    const orderOf = new IntColumn();
    const userOf = new IntColumn();
    const status = new IntColumn();
    const units = new BigIntColumn();
    const capFen = new BigIntColumn();
    const realizedFen = new BigIntColumn();
    const paidFen = new BigIntColumn();
    /** Position ordinal + 1 by order index (0: the order has no position). */
    const positionOfOrder = new IntColumn();
    const keys = {
      units: (p: number) => units.get(p),
      remainingFen: (p: number) => capFen.get(p) - realizedFen.get(p),
    };
    const makeIndex = (detection: 'index' | 'scan'): ExitIndex =>
      detection === 'scan' ? new ScanExitIndex(keys) : new HeapExitIndex(keys);
    let index = makeIndex(options.exitDetection);
    let openCount = 0;

    function snapshot(p: number): PoolPosition {
      return {
        ordinal: p,
        order: directory.orderId(orderOf.get(p)),
        user: directory.userId(userOf.get(p)),
        units: units.get(p),
        capFen: capFen.get(p),
        realizedFen: realizedFen.get(p),
        paidFen: paidFen.get(p),
        status: STATUS[status.get(p)] as PositionStatus,
      };
    }

    // Builds the effect directly rather than spreading snapshot(p): one allocation per position change on the
    // settlement path instead of two.
    function emitPosition(p: number, out: Effect[]): void {
      out.push({
        type: 'position',
        plan: APPRECIATION_POOL,
        ordinal: p,
        order: directory.orderId(orderOf.get(p)),
        user: directory.userId(userOf.get(p)),
        units: units.get(p),
        capFen: capFen.get(p),
        realizedFen: realizedFen.get(p),
        paidFen: paidFen.get(p),
        status: STATUS[status.get(p)] as PositionStatus,
      });
    }

    function emitPool(out: Effect[]): void {
      out.push({ type: 'pool', plan: APPRECIATION_POOL, cashFen: state.cashFen, supplyUnits: state.supplyUnits });
    }

    /** Takes units out of supply, remembering the price if this empties the pool. */
    function removeUnits(removed: bigint, paid: bigint): void {
      if (state.supplyUnits === removed) {
        state.lastCashFen = state.cashFen;
        state.lastSupplyUnits = state.supplyUnits;
      }
      state.cashFen -= paid;
      state.supplyUnits -= removed;
    }

    function pay(
      p: number,
      id: string,
      reason: 'appreciationExit' | 'appreciationRedeem',
      amountFen: bigint,
      out: Effect[],
    ): void {
      if (amountFen === 0n) return;
      const user = directory.userId(userOf.get(p));
      out.push({
        type: 'transfer',
        id,
        plan: APPRECIATION_POOL,
        reason,
        from: account,
        to: userWallet(user),
        amountFen,
        order: directory.orderId(orderOf.get(p)),
        user,
      });
    }

    function cascade(out: Effect[]): void {
      for (;;) {
        const p = index.next(state.cashFen, state.supplyUnits);
        if (p < 0) return;
        index.remove(p);
        openCount -= 1;
        const gross = capFen.get(p) - realizedFen.get(p);
        const paid = share(gross, exitCashShare);
        removeUnits(units.get(p), paid);
        units.set(p, 0n);
        realizedFen.set(p, capFen.get(p));
        paidFen.set(p, paidFen.get(p) + paid);
        status.set(p, EXITED);
        pay(p, `appreciationExit:${directory.orderId(orderOf.get(p))}`, 'appreciationExit', paid, out);
        emitPosition(p, out);
      }
    }

    function mintUnits(creditedFen: bigint): bigint {
      if (state.supplyUnits > 0n) return (creditedFen * state.supplyUnits) / state.cashFen;
      if (state.lastSupplyUnits > 0n) return (creditedFen * state.lastSupplyUnits) / state.lastCashFen;
      return (creditedFen * UNITS_PER_POINT) / initialPrice;
    }

    const instance = {
      code: APPRECIATION_POOL,
      state,
      get positions(): PoolPosition[] {
        const list: PoolPosition[] = [];
        for (let p = 0; p < count; p += 1) list.push(snapshot(p));
        return list;
      },
      get openCount(): number {
        return openCount;
      },
      position(order: string): PoolPosition | undefined {
        const orderIndex = directory.orderIndex(order);
        const p = orderIndex < 0 ? -1 : positionOfOrder.get(orderIndex) - 1;
        return p < 0 ? undefined : snapshot(p);
      },
      holdsOrder: (orderIndex: number) => positionOfOrder.get(orderIndex) > 0,
      rebuildExitIndex(detection: 'index' | 'scan'): void {
        index = makeIndex(detection);
        for (let p = 0; p < count; p += 1) if (status.get(p) === OPEN) index.add(p);
      },
      settle(order: SettledOrder, out: Effect[]): void {
        const contribution = share(order.amountFen, poolShare);
        const minted = mintUnits(share(contribution, creditShare));
        state.cashFen += contribution;
        state.supplyUnits += minted;
        if (contribution > 0n) {
          out.push({
            type: 'transfer',
            id: `poolContribution:${order.order}`,
            plan: APPRECIATION_POOL,
            reason: 'poolContribution',
            from: PLATFORM_REVENUE,
            to: account,
            amountFen: contribution,
            order: order.order,
          });
        }
        const p = count;
        count += 1;
        orderOf.set(p, order.orderIndex);
        userOf.set(p, order.userIndex);
        units.set(p, minted);
        capFen.set(p, share(order.amountFen, exitMultiple));
        realizedFen.set(p, 0n);
        paidFen.set(p, 0n);
        positionOfOrder.set(order.orderIndex, p + 1);
        // A position with no units can never be worth anything: it is closed from the start.
        if (minted > 0n) {
          status.set(p, OPEN);
          openCount += 1;
          index.add(p);
        } else {
          status.set(p, CLOSED);
        }
        emitPosition(p, out);
        cascade(out);
        emitPool(out);
      },
      redeem(command: RedeemCommand, out: Effect[]): void {
        const p = positionOfOrder.get(command.orderIndex) - 1;
        const reject = (code: 'position_not_open' | 'not_enough_units' | 'over_cap', message: string): void => {
          out.push({
            type: 'rejected',
            plan: APPRECIATION_POOL,
            user: command.user,
            order: command.order,
            code,
            message,
          });
        };
        if (p < 0 || status.get(p) !== OPEN) {
          reject('position_not_open', `position ${command.order} is not open`);
          return;
        }
        const held = units.get(p);
        if (command.units > held) {
          reject('not_enough_units', `position ${command.order} holds ${held} units, asked ${command.units}`);
          return;
        }
        const gross = (command.units * state.cashFen) / state.supplyUnits;
        if (gross > capFen.get(p) - realizedFen.get(p)) {
          reject('over_cap', `redeeming ${command.units} units is worth more than the position's remaining cap`);
          return;
        }
        const paid = share(gross, redeemKeep);
        removeUnits(command.units, paid);
        units.set(p, held - command.units);
        realizedFen.set(p, realizedFen.get(p) + gross);
        paidFen.set(p, paidFen.get(p) + paid);
        if (held === command.units) {
          status.set(p, CLOSED);
          openCount -= 1;
          index.remove(p);
        } else {
          index.update(p);
        }
        pay(p, `appreciationRedeem:${command.seq}`, 'appreciationRedeem', paid, out);
        emitPosition(p, out);
        cascade(out);
        emitPool(out);
      },
    };
    return instance;
  },
});
