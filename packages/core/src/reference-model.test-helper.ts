/**
 * A deliberately naive reference model of SPEC 3.1 (referral cycle) and 3.2 (appreciation pool with exit), for
 * tests only. It shares no code with the engine: plain arrays and maps, a scan of every holder for exits, and its
 * own arithmetic written from SPEC's sentences. The property tests run it side by side with the engine.
 *
 * Two readings the SPEC leaves implicit, stated here so a reader can judge them:
 * - A position minted with 0 units holds nothing and is closed at once. (Read literally, the exit test
 *   `units * P >= (cap - realized) * S` would hold for it whenever S = 0, paying out cash that no unit backs.)
 * - "The last price the pool had before S fell to 0" is the price right before the removal that emptied it; the
 *   model simply remembers P and S every time S > 0 after a change.
 * - SPEC 3.5: an order whose amount is 0 does nothing in a plan: no reward step, no consumer-merchant status, no
 *   position (its redemption is refused: the order holds no position).
 */
export interface RefParams {
  ratesBps?: readonly number[];
  pool?: {
    poolShareBps: number;
    creditShareBps: number;
    initialPriceFen: number;
    exitMultipleBps: number;
    exitCashShareBps: number;
    redeemFeeBps: number;
  };
}

export type RefEvent =
  | { type: 'join'; user: string; referrer?: string | undefined }
  | { type: 'settle'; user: string; order: string; amountFen: bigint; plans?: readonly string[] | undefined }
  | { type: 'redeem'; user: string; order: string; units: bigint };

export interface RefPosition {
  order: string;
  user: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: 'open' | 'exited' | 'closed';
}

/** [kind, user, order, amountFen] for credits; ['rejected', user, order, code] for refused redemptions. */
export type RefReward = [string, string, string, bigint | string];

const TEN_THOUSAND = 10000n;

/** floor(x * bps / 10000), written out again on purpose. */
function pct(x: bigint, bps: bigint): bigint {
  return (x * bps) / TEN_THOUSAND;
}

export class ReferenceModel {
  readonly referrerOf = new Map<string, string | undefined>();
  /** Present once the shopper is a consumer-merchant. */
  readonly merchants = new Map<string, { baseFen: bigint; rewardCount: number }>();
  readonly ownerOf = new Map<string, string>();
  readonly positions: RefPosition[] = [];
  cashFen = 0n;
  supplyUnits = 0n;
  /** The price (P, S) the last time the pool had units; undefined while it never had any. */
  lastPrice: [bigint, bigint] | undefined;
  readonly wallets = new Map<string, bigint>();
  /** Everything that went into the pool. */
  contributedFen = 0n;

  constructor(readonly params: RefParams) {}

  position(order: string): RefPosition | undefined {
    return this.positions.find((p) => p.order === order);
  }

  apply(event: RefEvent): RefReward[] {
    const out: RefReward[] = [];
    if (event.type === 'join') {
      this.referrerOf.set(event.user, event.referrer);
    } else if (event.type === 'settle') {
      this.ownerOf.set(event.order, event.user);
      const takesPart = (code: string) => event.plans === undefined || event.plans.includes(code);
      if (this.params.ratesBps !== undefined && takesPart('referralCycle')) this.referral(event, out);
      if (this.params.pool !== undefined && takesPart('appreciationPool')) this.mint(event, out);
    } else {
      this.redeem(event, out);
    }
    return out;
  }

  private credit(kind: string, user: string, order: string, amount: bigint, out: RefReward[]): void {
    if (amount === 0n) return;
    this.wallets.set(user, (this.wallets.get(user) ?? 0n) + amount);
    out.push([kind, user, order, amount]);
  }

  // SPEC 3.1
  private referral(event: { user: string; order: string; amountFen: bigint }, out: RefReward[]): void {
    if (event.amountFen === 0n) return;
    const rates = this.params.ratesBps as readonly number[];
    const r = this.referrerOf.get(event.user);
    const upline = r === undefined ? undefined : this.merchants.get(r);
    if (r !== undefined && upline !== undefined) {
      const k = upline.rewardCount;
      const basis = upline.baseFen <= event.amountFen ? upline.baseFen : event.amountFen;
      const amount = pct(basis, BigInt(rates[k % rates.length] as number));
      upline.rewardCount = k + 1;
      this.credit('referralCycle', r, event.order, amount, out);
    }
    const me = this.merchants.get(event.user);
    if (me === undefined) this.merchants.set(event.user, { baseFen: event.amountFen, rewardCount: 0 });
    else if (event.amountFen > me.baseFen) me.baseFen = event.amountFen;
  }

  private notePrice(): void {
    if (this.supplyUnits > 0n) this.lastPrice = [this.cashFen, this.supplyUnits];
  }

  // SPEC 3.2, settlement
  private mint(event: { user: string; order: string; amountFen: bigint }, out: RefReward[]): void {
    if (event.amountFen === 0n) return;
    const p = this.params.pool as NonNullable<RefParams['pool']>;
    const c = pct(event.amountFen, BigInt(p.poolShareBps));
    const v = pct(c, BigInt(p.creditShareBps));
    let units: bigint;
    if (this.supplyUnits > 0n) units = (v * this.supplyUnits) / this.cashFen;
    else if (this.lastPrice !== undefined) units = (v * this.lastPrice[1]) / this.lastPrice[0];
    else units = (v * 1_000_000n) / BigInt(p.initialPriceFen);
    this.cashFen += c;
    this.contributedFen += c;
    this.supplyUnits += units;
    this.notePrice();
    this.positions.push({
      order: event.order,
      user: event.user,
      units,
      capFen: pct(event.amountFen, BigInt(p.exitMultipleBps)),
      realizedFen: 0n,
      paidFen: 0n,
      status: units > 0n ? 'open' : 'closed',
    });
    this.exits(out);
  }

  // SPEC 3.2, redemption
  private redeem(event: { user: string; order: string; units: bigint }, out: RefReward[]): void {
    const p = this.params.pool as NonNullable<RefParams['pool']>;
    const pos = this.position(event.order);
    if (pos === undefined) {
      out.push(['rejected', event.user, event.order, 'no_position']);
      return;
    }
    if (pos.status !== 'open') {
      out.push(['rejected', event.user, event.order, 'position_not_open']);
      return;
    }
    if (event.units > pos.units) {
      out.push(['rejected', event.user, event.order, 'not_enough_units']);
      return;
    }
    const gross = (event.units * this.cashFen) / this.supplyUnits;
    if (gross > pos.capFen - pos.realizedFen) {
      out.push(['rejected', event.user, event.order, 'over_cap']);
      return;
    }
    const paid = pct(gross, 10000n - BigInt(p.redeemFeeBps));
    this.cashFen -= paid;
    this.supplyUnits -= event.units;
    this.notePrice();
    pos.units -= event.units;
    pos.realizedFen += gross;
    pos.paidFen += paid;
    if (pos.units === 0n) pos.status = 'closed';
    this.credit('appreciationRedeem', pos.user, pos.order, paid, out);
    this.exits(out);
  }

  /** Looks at every holder each time; takes the lowest exit price, ties by age, until nobody qualifies. */
  private exits(out: RefReward[]): void {
    const p = this.params.pool as NonNullable<RefParams['pool']>;
    for (;;) {
      let pick: RefPosition | undefined;
      for (const pos of this.positions) {
        if (pos.status !== 'open') continue;
        const remaining = pos.capFen - pos.realizedFen;
        if (pos.units * this.cashFen < remaining * this.supplyUnits) continue;
        if (pick === undefined) {
          pick = pos;
          continue;
        }
        // remaining / units < pick's remaining / pick's units? (positions are scanned oldest first, so equal keeps pick)
        if (remaining * pick.units < (pick.capFen - pick.realizedFen) * pos.units) pick = pos;
      }
      if (pick === undefined) return;
      const gross = pick.capFen - pick.realizedFen;
      const paid = pct(gross, BigInt(p.exitCashShareBps));
      this.cashFen -= paid;
      this.supplyUnits -= pick.units;
      this.notePrice();
      pick.units = 0n;
      pick.realizedFen = pick.capFen;
      pick.paidFen += paid;
      pick.status = 'exited';
      this.credit('appreciationExit', pick.user, pick.order, paid, out);
    }
  }
}
