import { PLATFORM_REVENUE, poolCash, userWallet } from '../accounts';
import type { Effect, PositionStatus } from '../effects';
import { HeapExitIndex, ScanExitIndex, type ExitIndex, type IndexedPosition } from '../exit-index';
import { BPS_SCALE, UNITS_PER_POINT, share } from '../money';
import { definePlan } from '../plan';

export const APPRECIATION_POOL = 'appreciationPool';

export interface PoolPosition extends IndexedPosition {
  readonly order: string;
  readonly user: string;
  paidFen: bigint;
  status: PositionStatus;
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
  /** Every position in creation order. */
  readonly positions: readonly PoolPosition[];
  position(order: string): PoolPosition | undefined;
}

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
  create(params, _directory, options) {
    const poolShare = BigInt(params.poolShareBps);
    const creditShare = BigInt(params.creditShareBps);
    const initialPrice = BigInt(params.initialPriceFen);
    const exitMultiple = BigInt(params.exitMultipleBps);
    const exitCashShare = BigInt(params.exitCashShareBps);
    const redeemKeep = BPS_SCALE - BigInt(params.redeemFeeBps);
    const account = poolCash(APPRECIATION_POOL);

    const state: PoolState = { cashFen: 0n, supplyUnits: 0n, lastCashFen: 0n, lastSupplyUnits: 0n };
    const positions: PoolPosition[] = [];
    const byOrder = new Map<string, PoolPosition>();
    const index: ExitIndex = options.exitDetection === 'scan' ? new ScanExitIndex() : new HeapExitIndex();

    function emitPosition(p: PoolPosition, out: Effect[]): void {
      out.push({
        type: 'position',
        plan: APPRECIATION_POOL,
        order: p.order,
        user: p.user,
        units: p.units,
        capFen: p.capFen,
        realizedFen: p.realizedFen,
        paidFen: p.paidFen,
        status: p.status,
        ordinal: p.ordinal,
      });
    }

    function emitPool(out: Effect[]): void {
      out.push({ type: 'pool', plan: APPRECIATION_POOL, cashFen: state.cashFen, supplyUnits: state.supplyUnits });
    }

    /** Takes units out of supply, remembering the price if this empties the pool. */
    function removeUnits(units: bigint, paidFen: bigint): void {
      if (state.supplyUnits === units) {
        state.lastCashFen = state.cashFen;
        state.lastSupplyUnits = state.supplyUnits;
      }
      state.cashFen -= paidFen;
      state.supplyUnits -= units;
    }

    function pay(
      p: PoolPosition,
      id: string,
      reason: 'appreciationExit' | 'appreciationRedeem',
      amountFen: bigint,
      out: Effect[],
    ): void {
      if (amountFen === 0n) return;
      out.push({
        type: 'transfer',
        id,
        plan: APPRECIATION_POOL,
        reason,
        from: account,
        to: userWallet(p.user),
        amountFen,
        order: p.order,
        user: p.user,
      });
    }

    function cascade(out: Effect[]): void {
      for (;;) {
        const next = index.next(state.cashFen, state.supplyUnits) as PoolPosition | undefined;
        if (next === undefined) return;
        index.remove(next);
        const gross = next.capFen - next.realizedFen;
        const paid = share(gross, exitCashShare);
        removeUnits(next.units, paid);
        next.units = 0n;
        next.realizedFen = next.capFen;
        next.paidFen += paid;
        next.status = 'exited';
        pay(next, `appreciationExit:${next.order}`, 'appreciationExit', paid, out);
        emitPosition(next, out);
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
      positions,
      position: (order: string) => byOrder.get(order),
      ownsOrder: (order: string) => byOrder.get(order)?.user,
      settle(order: { order: string; user: string; amountFen: bigint }, out: Effect[]): void {
        const contribution = share(order.amountFen, poolShare);
        const units = mintUnits(share(contribution, creditShare));
        state.cashFen += contribution;
        state.supplyUnits += units;
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
        const position: PoolPosition = {
          ordinal: positions.length,
          order: order.order,
          user: order.user,
          units,
          capFen: share(order.amountFen, exitMultiple),
          realizedFen: 0n,
          paidFen: 0n,
          // A position with no units can never be worth anything: it is closed from the start.
          status: units > 0n ? 'open' : 'closed',
          slot: -1,
        };
        positions.push(position);
        byOrder.set(order.order, position);
        if (units > 0n) index.add(position);
        emitPosition(position, out);
        cascade(out);
        emitPool(out);
      },
      redeem(command: { seq: number; user: string; order: string; units: bigint }, out: Effect[]): void {
        const p = byOrder.get(command.order);
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
        if (p === undefined || p.status !== 'open') {
          reject('position_not_open', `position ${command.order} is not open`);
          return;
        }
        if (command.units > p.units) {
          reject('not_enough_units', `position ${command.order} holds ${p.units} units, asked ${command.units}`);
          return;
        }
        const gross = (command.units * state.cashFen) / state.supplyUnits;
        if (gross > p.capFen - p.realizedFen) {
          reject('over_cap', `redeeming ${command.units} units is worth more than the position's remaining cap`);
          return;
        }
        const paid = share(gross, redeemKeep);
        removeUnits(command.units, paid);
        p.units -= command.units;
        p.realizedFen += gross;
        p.paidFen += paid;
        if (p.units === 0n) {
          p.status = 'closed';
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
