import type { JsonValue } from '../json';
import { BigIntColumn, IntColumn } from '../columns';
import type { Effect, PositionStatus } from '../effects';
import { HeapExitIndex, ScanExitIndex, type ExitIndex, type ExitKeys } from '../exit-index';
import { UNITS_PER_POINT, share } from '../money';
import { pushRecord, type CampaignRef, type Directory, type PlanEnv, type SettledOrder } from '../plan';
import type { PositionNumbers } from '../quotes';

export interface PoolParams {
  poolShare: bigint;
  creditShare: bigint;
  initialPrice: bigint;
  exitMultiple: bigint;
  exitCashShare: bigint;
  redeemFeeBps: bigint;
}

export interface PoolState {
  cashFen: bigint;
  supplyUnits: bigint;
  /** Cash and supply just before the supply last fell to zero: the price new units mint at in an empty pool. */
  lastCashFen: bigint;
  lastSupplyUnits: bigint;
}

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

const STATUS: readonly PositionStatus[] = ['open', 'exited', 'closed'];
const OPEN = 0;
const EXITED = 1;
const CLOSED = 2;

/**
 * The numbers of one appreciation pool (SPEC 3.2): cash P, supply S and the positions as columns by ordinal
 * (creation order), so a million holders cost flat buffers, not objects. The plan file turns its changes into
 * effects; this class only keeps the arithmetic and the exit index.
 */
export class PoolBook {
  readonly campaign: CampaignRef;
  readonly directory: Directory;
  state: PoolState = { cashFen: 0n, supplyUnits: 0n, lastCashFen: 0n, lastSupplyUnits: 0n };
  count = 0;
  orderOf = new IntColumn();
  userOf = new IntColumn();
  status = new IntColumn();
  units = new BigIntColumn();
  capFen = new BigIntColumn();
  realizedFen = new BigIntColumn();
  paidFen = new BigIntColumn();
  /** Position ordinal + 1 by order index (0: the order has no position). */
  positionOfOrder = new IntColumn();
  openCount = 0;
  /** Sum of (cap - realized) over open positions: what the pool has promised (issue 9, honest projections). */
  promisedFen = 0n;
  /** Sum of the in-scope amounts of every order that took a position (for today's average order). */
  amountFen = 0n;
  private oldestCursor = 0;
  private index: ExitIndex;
  private readonly keys: ExitKeys = {
    units: (p) => this.units.get(p),
    remainingFen: (p) => this.capFen.get(p) - this.realizedFen.get(p),
  };

  constructor(
    env: PlanEnv,
    public params: PoolParams,
  ) {
    this.campaign = env.campaign;
    this.directory = env.directory;
    this.index = this.makeIndex(env.options.exitDetection);
  }

  private makeIndex(detection: 'index' | 'scan'): ExitIndex {
    return detection === 'scan' ? new ScanExitIndex(this.keys) : new HeapExitIndex(this.keys);
  }

  fork(env: PlanEnv): PoolBook {
    const copy = new PoolBook(env, this.params);
    copy.state = { ...this.state };
    copy.count = this.count;
    copy.orderOf = this.orderOf.clone();
    copy.userOf = this.userOf.clone();
    copy.status = this.status.clone();
    copy.units = this.units.clone();
    copy.capFen = this.capFen.clone();
    copy.realizedFen = this.realizedFen.clone();
    copy.paidFen = this.paidFen.clone();
    copy.positionOfOrder = this.positionOfOrder.clone();
    copy.openCount = this.openCount;
    copy.promisedFen = this.promisedFen;
    copy.amountFen = this.amountFen;
    copy.oldestCursor = this.oldestCursor;
    copy.index = this.index.clone(copy.keys);
    return copy;
  }

  rebuildIndex(detection: 'index' | 'scan'): void {
    this.index = this.makeIndex(detection);
    for (let p = 0; p < this.count; p += 1) if (this.status.get(p) === OPEN) this.index.add(p);
  }

  ordinalOf(orderIndex: number): number {
    return orderIndex < 0 ? -1 : this.positionOfOrder.get(orderIndex) - 1;
  }

  /** The oldest position still open, or -1 (amortised O(1): the cursor only moves forward). */
  oldestOpen(): number {
    while (this.oldestCursor < this.count && this.status.get(this.oldestCursor) !== OPEN) this.oldestCursor += 1;
    return this.oldestCursor < this.count ? this.oldestCursor : -1;
  }

  isOpen(p: number): boolean {
    return p >= 0 && this.status.get(p) === OPEN;
  }

  numbers(p: number): PositionNumbers {
    if (p < 0) return { open: false, units: 0n, capFen: 0n, realizedFen: 0n };
    return {
      open: this.status.get(p) === OPEN,
      units: this.units.get(p),
      capFen: this.capFen.get(p),
      realizedFen: this.realizedFen.get(p),
    };
  }

  snapshot(p: number): PoolPosition {
    return {
      ordinal: p,
      order: this.directory.orderId(this.orderOf.get(p)),
      user: this.directory.userId(this.userOf.get(p)),
      units: this.units.get(p),
      capFen: this.capFen.get(p),
      realizedFen: this.realizedFen.get(p),
      paidFen: this.paidFen.get(p),
      status: STATUS[this.status.get(p)] as PositionStatus,
    };
  }

  /** Position p's result fields (order, user, units, capFen, realizedFen, paidFen, status) into `cells`. */
  resultCells(p: number, cells: JsonValue[]): void {
    cells[0] = this.directory.orderId(this.orderOf.get(p));
    cells[1] = this.directory.userId(this.userOf.get(p));
    cells[2] = this.units.get(p);
    cells[3] = this.capFen.get(p);
    cells[4] = this.realizedFen.get(p);
    cells[5] = this.paidFen.get(p);
    cells[6] = STATUS[this.status.get(p)] as PositionStatus;
  }

  positions(): PoolPosition[] {
    const list: PoolPosition[] = [];
    for (let p = 0; p < this.count; p += 1) list.push(this.snapshot(p));
    return list;
  }

  positionOf(order: string): PoolPosition | undefined {
    const p = this.ordinalOf(this.directory.orderIndex(order));
    return p < 0 ? undefined : this.snapshot(p);
  }

  /** SPEC 3.2 minting: units at the price before the contribution, a position capped at share(A, multiple). */
  mint(order: SettledOrder, amountFen: bigint, contribution: bigint): number {
    const credited = share(contribution, this.params.creditShare);
    const state = this.state;
    let minted: bigint;
    if (state.supplyUnits > 0n) minted = (credited * state.supplyUnits) / state.cashFen;
    else if (state.lastSupplyUnits > 0n) minted = (credited * state.lastSupplyUnits) / state.lastCashFen;
    else minted = (credited * UNITS_PER_POINT) / this.params.initialPrice;
    state.cashFen += contribution;
    state.supplyUnits += minted;
    const p = this.count;
    this.count += 1;
    this.amountFen += amountFen;
    const cap = share(amountFen, this.params.exitMultiple);
    this.orderOf.set(p, order.orderIndex);
    this.userOf.set(p, order.userIndex);
    this.units.set(p, minted);
    this.capFen.set(p, cap);
    this.realizedFen.set(p, 0n);
    this.paidFen.set(p, 0n);
    this.positionOfOrder.set(order.orderIndex, p + 1);
    // A position with no units can never be worth anything: it is closed from the start.
    if (minted > 0n) {
      this.status.set(p, OPEN);
      this.openCount += 1;
      this.promisedFen += cap;
      this.index.add(p);
    } else {
      this.status.set(p, CLOSED);
    }
    return p;
  }

  nextExit(): number {
    return this.index.next(this.state.cashFen, this.state.supplyUnits);
  }

  /** Closes a position at its cap: pays share(cap - realized, exitCashShare); the rest stays in the pool. */
  exit(p: number): bigint {
    this.index.remove(p);
    this.openCount -= 1;
    const gross = this.capFen.get(p) - this.realizedFen.get(p);
    const paid = share(gross, this.params.exitCashShare);
    this.promisedFen -= gross;
    this.removeUnits(this.units.get(p), paid);
    this.units.set(p, 0n);
    this.realizedFen.set(p, this.capFen.get(p));
    this.paidFen.set(p, this.paidFen.get(p) + paid);
    this.status.set(p, EXITED);
    return paid;
  }

  redeem(p: number, units: bigint, grossFen: bigint, paidFen: bigint): void {
    const held = this.units.get(p);
    this.removeUnits(units, paidFen);
    this.units.set(p, held - units);
    this.realizedFen.set(p, this.realizedFen.get(p) + grossFen);
    this.paidFen.set(p, this.paidFen.get(p) + paidFen);
    this.promisedFen -= grossFen;
    if (held === units) {
      this.status.set(p, CLOSED);
      this.openCount -= 1;
      this.promisedFen -= this.capFen.get(p) - this.realizedFen.get(p);
      this.index.remove(p);
    } else {
      this.index.update(p);
    }
  }

  /** Takes units out of supply, remembering the price if this empties the pool. */
  private removeUnits(removed: bigint, paid: bigint): void {
    const state = this.state;
    if (state.supplyUnits === removed) {
      state.lastCashFen = state.cashFen;
      state.lastSupplyUnits = state.supplyUnits;
    }
    state.cashFen -= paid;
    state.supplyUnits -= removed;
  }

  emit(p: number, user: string, out: Effect[]): void {
    pushRecord(out, this.campaign, 'position', this.directory.orderId(this.orderOf.get(p)), user, {
      ordinal: p,
      units: this.units.get(p),
      capFen: this.capFen.get(p),
      realizedFen: this.realizedFen.get(p),
      paidFen: this.paidFen.get(p),
      status: STATUS[this.status.get(p)] as PositionStatus,
    });
  }

  emitPool(out: Effect[]): void {
    pushRecord(out, this.campaign, 'pool', '', undefined, {
      cashFen: this.state.cashFen,
      supplyUnits: this.state.supplyUnits,
    });
  }
}
