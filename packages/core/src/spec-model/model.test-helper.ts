/**
 * An independent, deliberately plain model of SPEC 3.1, 3.2 and 3.5 and the SPEC 4 scenario contract (the `plans`
 * form). Maps, arrays, BigInt and naive scans: every rule is written the way SPEC.md states it, with the sentence it
 * implements beside it. It shares no code with the engine; tests run both and compare (spec35.properties.test.ts).
 */
import { parseTopLevel, type ModelConfig, ModelInputError, PLAN_ORDER, type PlanCode } from './model-input.test-helper';
import { floorDiv, min, share } from './model-arithmetic.test-helper';
import { dividendShares } from './model-dividend.test-helper';
import { readEvent, type ModelEvent } from './model-events.test-helper';
import { PoolModel, type ModelPosition } from './model-pool.test-helper';
import {
  compareCodePoints,
  type ModelOutcome,
  type ModelResult,
  type ModelReward,
  type ModelRewardKind,
} from './model-result.test-helper';

export type { ModelPosition } from './model-pool.test-helper';
export type { ModelOutcome, ModelResult, ModelReward, ModelRewardKind } from './model-result.test-helper';
export { compareCodePoints, modelResultToJson } from './model-result.test-helper';

type User = {
  id: string;
  referrer: User | undefined;
  /** SPEC 3.5 "Spend": the sum of the whole amounts of settled orders. */
  spendFen: bigint;
  /** Index into the level list set by `setLevel`, -1 when none. */
  adminLevel: number;
  periodSpendFen: bigint;
  consumerMerchant: boolean;
  baseFen: bigint;
  referralRewards: bigint;
};
type Schedule = { order: string; user: User; perFen: bigint; remainingFen: bigint; installmentsLeft: bigint };

export class SpecModel {
  readonly users = new Map<string, User>();
  /** Join order (SPEC 3.5 dividends by level go "in join order"; ranking ties: "earlier join first"). */
  readonly joined: User[] = [];
  /** Settled order id -> its position (undefined when the order holds none). */
  readonly orders = new Map<string, { position: ModelPosition | undefined }>();
  readonly rewards: ModelReward[] = [];
  readonly wallets = new Map<string, bigint>();
  /** The appreciation pool when that plan is on. */
  readonly pool: PoolModel | undefined;
  /** Agents in appointment order; a dismissed one is removed, a re-appointed one goes to the end. */
  readonly agents: { user: User; region: string[] }[] = [];
  readonly queue: { order: string; user: User; remainingFen: bigint }[] = [];
  readonly schedules: Schedule[] = [];
  dividendFen = 0n;

  constructor(readonly config: ModelConfig) {
    this.pool = config.appreciationPool === undefined ? undefined : new PoolModel(config.appreciationPool);
  }

  /** Validates one event against the state (SPEC 4 bad input) and applies it. */
  apply(raw: unknown, index: number): void {
    const event = readEvent(raw, index, this);
    this.act(event);
  }

  private act(event: ModelEvent): void {
    switch (event.type) {
      case 'join': {
        const user: User = {
          id: event.user,
          referrer: event.referrer === undefined ? undefined : this.users.get(event.referrer),
          spendFen: 0n,
          adminLevel: -1,
          periodSpendFen: 0n,
          consumerMerchant: false,
          baseFen: 0n,
          referralRewards: 0n,
        };
        this.users.set(user.id, user);
        this.joined.push(user);
        return;
      }
      case 'settle':
        return this.settle(event);
      case 'redeem':
        return this.redeem(event.user, event.order, event.units);
      case 'setLevel':
        // "A later setLevel replaces the earlier one (also downwards)".
        this.user(event.user).adminLevel = this.config.levels.findIndex((l) => l.code === event.level);
        return;
      case 'appoint':
        this.agents.push({ user: this.user(event.user), region: event.region });
        return;
      case 'dismiss': {
        const at = this.agents.findIndex((a) => a.user.id === event.user && samePath(a.region, event.region));
        this.agents.splice(at, 1);
        return;
      }
      case 'periodClose':
        return this.periodClose();
    }
  }

  user(id: string): User {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`model bug: user ${id} vanished`);
    return user;
  }

  isAppointed(user: string, region: readonly string[]): boolean {
    return this.agents.some((a) => a.user.id === user && samePath(a.region, region));
  }

  private credit(user: User, amountFen: bigint, kind: ModelRewardKind, order: string | null): void {
    // SPEC 4: "a zero-amount credit is not listed"; wallets hold "only users credited more than 0".
    if (amountFen === 0n) return;
    this.rewards.push({ kind, user: user.id, order, amountFen });
    this.wallets.set(user.id, (this.wallets.get(user.id) ?? 0n) + amountFen);
  }

  /** SPEC 3.5 "Member levels": the higher of the spend level and the level an admin set; -1 for none. */
  effectiveLevel(user: User): number {
    let spendLevel = -1;
    this.config.levels.forEach((level, i) => {
      if (level.minSpendFen <= user.spendFen) spendLevel = i;
    });
    return Math.max(spendLevel, user.adminLevel);
  }

  /**
   * SPEC 3.5 "Scope": "Its amount A for an order is the sum of the order's lines whose product is in scope (the whole
   * order amount when the plan has no product list)"; readings: "A plan limited to products gives an order without
   * lines the amount 0".
   */
  private amountFor(plan: PlanCode, event: Extract<ModelEvent, { type: 'settle' }>): bigint {
    const scope = this.config.scopes.get(plan);
    if (scope === null || scope === undefined) return event.amountFen;
    let sum = 0n;
    for (const line of event.lines ?? []) if (scope.has(line.product)) sum += line.amountFen;
    return sum;
  }

  private settle(event: Extract<ModelEvent, { type: 'settle' }>): void {
    const buyer = this.user(event.user);
    this.orders.set(event.order, { position: undefined });
    // "Plans act when an order settles ... in this fixed order"; "An order with A = 0 for a plan does nothing in that
    // plan: no reward, no position, no progress of any counter, no consumer-merchant status."
    for (const plan of PLAN_ORDER) {
      if (!this.config.scopes.has(plan)) continue;
      const amountFen = this.amountFor(plan, event);
      if (amountFen === 0n) continue;
      const order = { id: event.order, buyer, amountFen, region: event.region };
      if (plan === 'referralCycle') this.referralCycle(order);
      else if (plan === 'promotionCommission') this.promotionCommission(order);
      else if (plan === 'levelDifferential') this.levelDifferential(order);
      else if (plan === 'regionalAgent') this.regionalAgent(order);
      else if (plan === 'cashback') this.cashbackAtSettlement(order);
      else if (plan === 'queueRebate') this.queueRebate(order);
      else if (plan === 'dividendPool') this.dividendAccrual(order);
      else this.appreciationMint(order);
    }
    // "A shopper's spend is the sum of the whole amounts of their settled orders, updated after all plans have acted";
    // "Spend counts every settled order, also one that no plan touches."
    buyer.spendFen += event.amountFen;
    // "After every settlement and every redemption, exits cascade until no position qualifies".
    this.exitCascade();
  }

  /** SPEC 3.1. */
  private referralCycle(order: ActingOrder): void {
    const params = this.config.referralCycle;
    if (params === undefined) return;
    const r = order.buyer.referrer;
    // "When an order of user U settles and U's referrer R is a consumer-merchant at that moment: R's k-th such reward
    // is share(min(R.base, order amount), ratesBps[k mod len])"; readings: "moves to the next rate whenever A > 0,
    // even when the reward rounds to 0"; "If R is not yet a consumer-merchant, nothing is paid and R's count does not
    // move".
    if (r !== undefined && r.consumerMerchant) {
      const k = r.referralRewards;
      r.referralRewards += 1n;
      const rate = params.ratesBps[Number(k % BigInt(params.ratesBps.length))] ?? 0n;
      this.credit(r, share(min(r.baseFen, order.amountFen), rate), 'referralCycle', order.id);
    }
    // "A shopper becomes a consumer-merchant when their first order in the plan settles. Their base is the largest
    // amount among their settled orders in the plan" (the in-scope amount A, per the readings).
    order.buyer.consumerMerchant = true;
    if (order.amountFen > order.buyer.baseFen) order.buyer.baseFen = order.amountFen;
  }

  /** SPEC 3.5 promotionCommission. */
  private promotionCommission(order: ActingOrder): void {
    const params = this.config.promotionCommission;
    if (params === undefined) return;
    // "R1 = the buyer's referrer, R2 = R1's referrer. R1 gets share(A, level1Bps), then R2 gets share(A, level2Bps),
    // each only if buyersOnly is false or that person's spend is above 0. A skipped person's share stays with the
    // platform (no roll-up)."
    const r1 = order.buyer.referrer;
    const r2 = r1?.referrer;
    for (const [r, rate] of [
      [r1, params.level1Bps],
      [r2, params.level2Bps],
    ] as const) {
      if (r !== undefined && (!params.buyersOnly || r.spendFen > 0n)) {
        this.credit(r, share(order.amountFen, rate), 'promotionCommission', order.id);
      }
    }
  }

  /** SPEC 3.5 levelDifferential. */
  private levelDifferential(order: ActingOrder): void {
    const params = this.config.levelDifferential;
    if (params === undefined) return;
    // "paid = 0; for R in (R1, R2) while R exists: r = rate of R's effective level; if r > paid, R gets
    // share(A, r - paid) and paid = r." "a shopper without a level has rate 0".
    let paid = 0n;
    let r = order.buyer.referrer;
    for (let step = 0; step < 2 && r !== undefined; step += 1, r = r.referrer) {
      const level = this.effectiveLevel(r);
      const rate = level < 0 ? 0n : (params.ratesBps[level] ?? 0n);
      if (rate > paid) {
        this.credit(r, share(order.amountFen, rate - paid), 'levelDifferential', order.id);
        paid = rate;
      }
    }
  }

  /** SPEC 3.5 regionalAgent. */
  private regionalAgent(order: ActingOrder): void {
    const params = this.config.regionalAgent;
    // "an order without a region pays no agent".
    if (params === undefined || order.region === undefined) return;
    const tierBps = [params.provinceBps, params.cityBps, params.districtBps];
    // "for each tier t = 1, 2, 3 that the order's region has, the agents appointed to its first t parts each get
    // floor(share(A, tierBps) / n) (n = how many), in appointment order; the remainder stays with the platform."
    for (let t = 1; t <= order.region.length; t += 1) {
      const path = order.region.slice(0, t);
      const agents = this.agents.filter((a) => samePath(a.region, path));
      if (agents.length === 0) continue;
      const each = floorDiv(share(order.amountFen, tierBps[t - 1] ?? 0n), BigInt(agents.length));
      for (const agent of agents) this.credit(agent.user, each, 'regionalAgent', order.id);
    }
  }

  /** SPEC 3.5 cashback, the part paid at settlement. */
  private cashbackAtSettlement(order: ActingOrder): void {
    const params = this.config.cashback;
    if (params === undefined) return;
    // "total = share(A, rateBps)"; readings: "A cashback whose total is 0 creates no schedule."
    const total = share(order.amountFen, params.rateBps);
    if (total === 0n) return;
    const n = params.installments;
    // "With 1 installment the buyer gets total at settlement."
    if (n === 1n) return this.credit(order.buyer, total, 'cashback', order.id);
    // "With n > 1 the buyer gets per = floor(total / n) at settlement and at each of the next n - 2 period closes,
    // and total - per * (n - 1) at the (n - 1)-th close. Zero amounts are not listed but still count."
    const per = floorDiv(total, n);
    this.credit(order.buyer, per, 'cashback', order.id);
    this.schedules.push({
      order: order.id,
      user: order.buyer,
      perFen: per,
      remainingFen: total - per,
      installmentsLeft: n - 1n,
    });
  }

  /** SPEC 3.5 queueRebate. */
  private queueRebate(order: ActingOrder): void {
    const params = this.config.queueRebate;
    if (params === undefined) return;
    // "first budget = share(A, payBps) pays the queue from its head: the head gets min(budget, its remaining),
    // leaves the queue when its remaining reaches 0, and the rest of the budget moves on to the next; what is left
    // when the queue is empty stays with the platform."
    let budget = share(order.amountFen, params.payBps);
    while (budget > 0n && this.queue.length > 0) {
      const head = this.queue[0];
      if (head === undefined) break;
      const paid = min(budget, head.remainingFen);
      // Readings: "A queueRebate reward names the order of the queue entry being repaid".
      this.credit(head.user, paid, 'queueRebate', head.order);
      head.remainingFen -= paid;
      budget -= paid;
      if (head.remainingFen === 0n) this.queue.shift();
    }
    // "Then the order joins the tail with remaining = share(A, capBps) (if above 0). An order never pays itself."
    const entitlement = share(order.amountFen, params.capBps);
    if (entitlement > 0n) this.queue.push({ order: order.id, user: order.buyer, remainingFen: entitlement });
  }

  /** SPEC 3.5 dividendPool: "each settled order adds share(A, accrueBps) to the dividend pool and A to the buyer's
   * period spend". */
  private dividendAccrual(order: ActingOrder): void {
    const params = this.config.dividendPool;
    if (params === undefined) return;
    this.dividendFen += share(order.amountFen, params.accrueBps);
    order.buyer.periodSpendFen += order.amountFen;
  }

  /** SPEC 3.2, the settlement part (the rule is in model-pool.test-helper.ts). */
  private appreciationMint(order: ActingOrder): void {
    if (this.pool === undefined) return;
    const position = this.pool.mint(order.id, order.buyer.id, order.amountFen);
    this.orders.set(order.id, { position });
  }

  private exitCascade(): void {
    this.pool?.exitCascade((user, amountFen, order) =>
      this.credit(this.user(user), amountFen, 'appreciationExit', order),
    );
  }

  private redeem(userId: string, orderId: string, units: bigint): void {
    const position = this.orders.get(orderId)?.position;
    const redeemed = this.pool?.redeem(userId, position, units, (amountFen) =>
      this.credit(this.user(userId), amountFen, 'appreciationRedeem', orderId),
    );
    // Readings: a refused redemption is "listed as rejected"; "Then exits cascade" after one that happened.
    if (redeemed === true) this.exitCascade();
    else this.rewards.push({ kind: 'rejected', user: userId, order: orderId, amountFen: 0n });
  }

  /** SPEC 3.5 "Periods": "first cashback installments (in the order they were created), then the dividend payout." */
  private periodClose(): void {
    for (const s of this.schedules) {
      // the last close pays the remainder "total - per * (n - 1)"; the earlier ones pay per.
      const amount = s.installmentsLeft === 1n ? s.remainingFen : s.perFen;
      this.credit(s.user, amount, 'cashback', s.order);
      s.remainingFen -= amount;
      s.installmentsLeft -= 1n;
    }
    const unfinished = this.schedules.filter((s) => s.installmentsLeft > 0n);
    this.schedules.splice(0, this.schedules.length, ...unfinished);
    if (this.config.dividendPool !== undefined) this.dividendPayout(this.config.dividendPool);
  }

  private dividendPayout(params: NonNullable<ModelConfig['dividendPool']>): void {
    const pool = this.dividendFen;
    const members = this.joined.map((user) => {
      const level = this.effectiveLevel(user);
      return { user, levelWeight: level < 0 ? 0n : (params.weights[level] ?? 0n), periodSpendFen: user.periodSpendFen };
    });
    let paid = 0n;
    for (const { user, amountFen } of dividendShares(pool, params, members)) {
      paid += amountFen;
      // Readings: "a dividend names null".
      this.credit(user, amountFen, 'dividend', null);
    }
    // "Undistributed fen (rounding, or nobody qualifying) carry over to the next period. Every period spend then
    // returns to 0."
    this.dividendFen = pool - paid;
    for (const user of this.joined) user.periodSpendFen = 0n;
  }

  /** The SPEC 4 result. */
  result(): ModelResult {
    const wallets = new Map<string, bigint>();
    for (const id of [...this.wallets.keys()].sort(compareCodePoints)) wallets.set(id, this.wallets.get(id) ?? 0n);
    const result: ModelResult = {
      pool: { cashFen: this.pool?.cashFen ?? 0n, supplyUnits: this.pool?.supplyUnits ?? 0n },
      positions: (this.pool?.positions ?? []).map((p) => ({ ...p })),
      wallets,
      rewards: this.rewards.map((r) => ({ ...r })),
    };
    // "When the plan is on, the result also holds queue (head first), cashback (unfinished schedules, oldest first)
    // and dividendPool (the carry)"; readings: "dividendPool.cashFen ... is the undistributed pool".
    if (this.config.scopes.has('queueRebate')) {
      result.queue = this.queue.map((q) => ({ order: q.order, user: q.user.id, remainingFen: q.remainingFen }));
    }
    if (this.config.scopes.has('cashback')) {
      result.cashback = this.schedules.map((s) => ({
        order: s.order,
        user: s.user.id,
        remainingFen: s.remainingFen,
        installmentsLeft: s.installmentsLeft,
      }));
    }
    if (this.config.scopes.has('dividendPool')) result.dividendPool = { cashFen: this.dividendFen };
    return result;
  }
}

type ActingOrder = { id: string; buyer: User; amountFen: bigint; region: string[] | undefined };

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** Runs a parsed scenario JSON value through the model. Bad input comes back as `{ok: false}` with the index. */
export function runModel(scenarioJson: unknown): ModelOutcome {
  try {
    const { config, events } = parseTopLevel(scenarioJson);
    const model = new SpecModel(config);
    events.forEach((event, index) => model.apply(event, index));
    return { ok: true, result: model.result() };
  } catch (error) {
    if (error instanceof ModelInputError) return { ok: false, index: error.index, message: error.message };
    throw error;
  }
}
