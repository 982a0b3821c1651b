/**
 * The appreciation pool of SPEC 3.2 (with the SPEC 3.5 readings on positions and redemptions) for the independent
 * model: pool cash P, supply S, positions in creation order, and a naive exit cascade that scans every position.
 */
import { floorDiv, share } from './model-arithmetic.test-helper';
import type { ModelConfig } from './model-input.test-helper';

export type ModelPosition = {
  order: string;
  user: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: 'open' | 'exited' | 'closed';
};

export class PoolModel {
  cashFen = 0n;
  supplyUnits = 0n;
  /** P and S just before S last fell to 0 (SPEC 3.2), undefined if S has never fallen to 0. */
  lastPrice: { cashFen: bigint; supplyUnits: bigint } | undefined;
  readonly positions: ModelPosition[] = [];

  constructor(private readonly params: NonNullable<ModelConfig['appreciationPool']>) {}

  /** SPEC 3.2, the settlement part, for an order with A > 0 in the pool's scope. */
  mint(order: string, user: string, amountFen: bigint): ModelPosition {
    const params = this.params;
    // "contribution c = share(A, poolShareBps), credited value v = share(c, creditShareBps)".
    const c = share(amountFen, params.poolShareBps);
    const v = share(c, params.creditShareBps);
    // "Units minted at the price BEFORE the contribution: floor(v * S / P) while S > 0. When S is 0: at the last price
    // the pool had before S fell to 0 (floor(v * S_last / P_last)...), or floor(v * 1_000_000 / initialPriceFen) if S
    // has never been above 0."
    let units: bigint;
    if (this.supplyUnits > 0n) units = floorDiv(v * this.supplyUnits, this.cashFen);
    else if (this.lastPrice !== undefined) units = floorDiv(v * this.lastPrice.supplyUnits, this.lastPrice.cashFen);
    else units = floorDiv(v * 1_000_000n, params.initialPriceFen);
    // "Then P += c, S += units, and the buyer gets a position {units, cap = share(A, exitMultipleBps), realized = 0}";
    // "(An order with A > 0 whose pool contribution mints 0 units gets a position with 0 units, recorded as closed.)"
    this.cashFen += c;
    this.supplyUnits += units;
    const position: ModelPosition = {
      order,
      user,
      units,
      capFen: share(amountFen, params.exitMultipleBps),
      realizedFen: 0n,
      paidFen: 0n,
      status: units > 0n ? 'open' : 'closed',
    };
    this.positions.push(position);
    return position;
  }

  /** Removes cash and units from the pool, remembering the price the pool had if S falls to 0 (SPEC 3.2). */
  private take(cashFen: bigint, units: bigint): void {
    if (units === this.supplyUnits && units > 0n) {
      this.lastPrice = { cashFen: this.cashFen, supplyUnits: this.supplyUnits };
    }
    this.cashFen -= cashFen;
    this.supplyUnits -= units;
    if (this.cashFen < 0n || this.supplyUnits < 0n) throw new Error('model bug: the pool went negative');
  }

  /**
   * SPEC 3.2 "Exit": "a position whose value reaches its cap, units * P >= (cap - realized) * S, is closed ...
   * exits cascade until no position qualifies, lowest exit price (cap - realized) / units first, ties by position
   * age." A naive scan of every position each time.
   */
  exitCascade(pay: (user: string, amountFen: bigint, order: string) => void): void {
    const params = this.params;
    for (;;) {
      let best: ModelPosition | undefined;
      for (const p of this.positions) {
        if (p.status !== 'open') continue;
        if (p.units * this.cashFen < (p.capFen - p.realizedFen) * this.supplyUnits) continue;
        // lower exit price first: (capA - rA) / uA < (capB - rB) / uB, cross-multiplied; strict, so age wins ties.
        if (
          best === undefined ||
          (p.capFen - p.realizedFen) * best.units < (best.capFen - best.realizedFen) * p.units
        ) {
          best = p;
        }
      }
      if (best === undefined) return;
      // "gross = cap - realized, paid = share(gross, exitCashShareBps) to the holder's wallet, P -= paid, S -= units.
      // The rest of the value stays in the pool." Readings: "A position that exits shows units 0 and realizedFen equal
      // to capFen; paidFen is all cash the position paid".
      const gross = best.capFen - best.realizedFen;
      const paid = share(gross, params.exitCashShareBps);
      this.take(paid, best.units);
      best.units = 0n;
      best.realizedFen = best.capFen;
      best.paidFen += paid;
      best.status = 'exited';
      pay(best.user, paid, best.order);
    }
  }

  /**
   * SPEC 3.2 "Redemption" with the refusals of the SPEC 3.5 readings; returns whether it happened (the caller lists a
   * refusal and runs the cascade after one that happened).
   */
  redeem(user: string, position: ModelPosition | undefined, units: bigint, pay: (amountFen: bigint) => void): boolean {
    // Readings: "A redemption is refused (listed as rejected) when: the units are 0 or more than the position holds,
    // the position is not open, the order holds no position, the pool plan is off, or the user is not the position's
    // holder." SPEC 3.5: "Redeeming an order that was settled but holds no position ... is refused".
    if (position === undefined || position.status !== 'open') return false;
    if (position.user !== user || units === 0n || units > position.units) return false;
    // "gross = floor(u * P / S), allowed only if gross <= cap - realized"
    const gross = floorDiv(units * this.cashFen, this.supplyUnits);
    if (gross > position.capFen - position.realizedFen) return false;
    // "paid = share(gross, 10000 - redeemFeeBps); P -= paid, S -= u, units -= u, realized += gross; a position with no
    // units left is closed." Readings: "A redemption whose payment rounds to 0 still happens ... and is not listed."
    const paid = share(gross, 10_000n - this.params.redeemFeeBps);
    this.take(paid, units);
    position.units -= units;
    position.realizedFen += gross;
    position.paidFen += paid;
    if (position.units === 0n) position.status = 'closed';
    pay(paid);
    return true;
  }
}
