import {
  amountInScope,
  checkLines,
  parseCampaign,
  type CampaignConfig,
  type CampaignScope,
  type EngineConfig,
} from './campaigns';
import type { Effect } from './effects';
import { MAX_AMOUNT_FEN } from './limits';
import { EngineInputError, validRegion, type EngineEvent } from './engine-events';
import { Members } from './members';
import type { CampaignRef, Fact, Level, PlanInstance, PlanRuntimeOptions, SettledOrder } from './plan';
import { PLANS, findPlan, planRank, type AnyPlanDefinition } from './plans/registry';

export { MAX_AMOUNT_FEN } from './limits';
export { EngineInputError, validRegion, type EngineEvent } from './engine-events';
export type { EngineConfig, CampaignConfig, ConfigProblem, OrderLine } from './campaigns';
export { parseEngineConfig } from './campaigns';

/** A running campaign as the engine holds it. */
export interface CampaignEntry {
  readonly ref: CampaignRef;
  readonly definition: AnyPlanDefinition;
  params: Readonly<Record<string, unknown>>;
  scope: CampaignScope | undefined;
  readonly instance: PlanInstance;
  /** Creation order among all campaigns. */
  readonly created: number;
}

/**
 * The incentive engine: a deterministic state machine over the event stream. It never does I/O, reads no clock
 * and makes no ids; it returns effects for an adapter to write. Feeding it the same events in the same order
 * always yields the same effects, which is what replay and audit rely on.
 */
export class Engine {
  private members: Members;
  /** Campaigns in settlement order: the plan's place in SPEC 3.5, then creation order. */
  private entries: CampaignEntry[] = [];
  private byId = new Map<string, CampaignEntry>();
  private sequence = 0;
  private periods = 0;
  private createdCount = 0;

  constructor(
    config: EngineConfig,
    private readonly options: PlanRuntimeOptions = { exitDetection: 'index' },
  ) {
    this.members = new Members(config.levels);
    for (const campaign of config.campaigns) this.addCampaign(campaign);
  }

  /** A deep copy: dry runs and projections act on it without touching this engine. */
  fork(): Engine {
    const copy = new Engine({ levels: this.members.levels, campaigns: [] }, this.options);
    copy.members = this.members.fork();
    copy.sequence = this.sequence;
    copy.periods = this.periods;
    copy.createdCount = this.createdCount;
    for (const entry of this.entries) {
      const ref: CampaignRef = { id: entry.ref.id, plan: entry.ref.plan, version: entry.ref.version };
      const instance = entry.instance.fork({ directory: copy.members, campaign: ref, options: this.options });
      const forked: CampaignEntry = { ...entry, ref, instance };
      copy.entries.push(forked);
      copy.byId.set(ref.id, forked);
    }
    return copy;
  }

  /** Number of events applied so far. */
  get seq(): number {
    return this.sequence;
  }

  /** Number of period closes so far. */
  get period(): number {
    return this.periods;
  }

  get levels(): readonly Level[] {
    return this.members.levels;
  }

  /** Read-only facts about shoppers, orders, levels and agents. */
  get directory(): Members {
    return this.members;
  }

  hasUser(user: string): boolean {
    return this.members.userIndex(user) >= 0;
  }

  referrerOf(user: string): string | undefined {
    const index = this.members.userIndex(user);
    const referrer = index < 0 ? -1 : this.members.referrerOf(index);
    return referrer < 0 ? undefined : this.members.userId(referrer);
  }

  /** Buyer of a settled order, if the order has settled. */
  orderOwner(order: string): string | undefined {
    const index = this.members.orderIndex(order);
    return index < 0 ? undefined : this.members.userId(this.members.orderUser(index));
  }

  /** A campaign's running instance, by campaign id. */
  campaign(id: string): PlanInstance | undefined {
    return this.byId.get(id)?.instance;
  }

  /** Every campaign of a plan (or all), in settlement order. */
  campaigns(planCode?: string): readonly CampaignEntry[] {
    return planCode === undefined ? this.entries : this.entries.filter((e) => e.ref.plan === planCode);
  }

  entry(id: string): CampaignEntry | undefined {
    return this.byId.get(id);
  }

  /** Labelled numbers of a running campaign, from its plan's definition. */
  facts(id: string): readonly Fact[] {
    const entry = this.byId.get(id);
    return entry === undefined ? [] : entry.definition.facts(entry.instance);
  }

  private addCampaign(config: CampaignConfig): CampaignEntry {
    const definition = findPlan(config.plan);
    if (definition === undefined) throw new EngineInputError('unknown_plan', `unknown plan ${config.plan}`);
    const ref: CampaignRef = { id: config.id, plan: config.plan, version: 1 };
    const instance = definition.create(config.params as never, {
      directory: this.members,
      campaign: ref,
      options: this.options,
    });
    const entry: CampaignEntry = {
      ref,
      definition,
      params: config.params,
      scope: config.scope,
      instance,
      created: this.createdCount,
    };
    this.createdCount += 1;
    const rank = planRank(config.plan);
    let at = this.entries.length;
    while (at > 0 && planRank((this.entries[at - 1] as CampaignEntry).ref.plan) > rank) at -= 1;
    this.entries.splice(at, 0, entry);
    this.byId.set(config.id, entry);
    return entry;
  }

  /** Validates and applies one event. Throws EngineInputError (and changes nothing) on bad input. */
  apply(event: EngineEvent): Effect[] {
    const out: Effect[] = [];
    switch (event.type) {
      case 'join':
        this.join(event.user, event.referrer);
        break;
      case 'settle':
        this.settle(event, out);
        break;
      case 'redeem':
        this.redeem(event, out);
        break;
      case 'setLevel': {
        const user = this.requireUser(event.user);
        const level = this.members.levelIndex(event.level);
        if (level < 0) throw new EngineInputError('unknown_level', `unknown level ${event.level}`);
        this.members.setAdminLevel(user, level);
        break;
      }
      case 'appoint':
      case 'dismiss':
        this.agent(event);
        break;
      case 'periodClose':
        this.periods += 1;
        for (const entry of this.entries) entry.instance.periodClose?.(this.periods, out);
        break;
      case 'campaign':
        this.configure(event);
        break;
      default:
        throw new EngineInputError('unknown_event', `unknown event type ${(event as { type: unknown }).type}`);
    }
    this.sequence += 1;
    return out;
  }

  private requireUser(user: string): number {
    const index = this.members.userIndex(user);
    if (index < 0) throw new EngineInputError('unknown_user', `unknown user ${user}`);
    return index;
  }

  private join(user: string, referrer: string | undefined): void {
    if (typeof user !== 'string' || user.length === 0) {
      throw new EngineInputError('invalid_user', 'user must be a non-empty string');
    }
    if (this.members.userIndex(user) >= 0) throw new EngineInputError('duplicate_user', `user ${user} already joined`);
    let referrerIndex = -1;
    if (referrer !== undefined) {
      // Referrers must already exist and can never change, so the invitation graph is a forest: no loops.
      if (referrer === user) throw new EngineInputError('referrer_loop', `user ${user} cannot invite themselves`);
      referrerIndex = this.members.userIndex(referrer);
      if (referrerIndex < 0) throw new EngineInputError('unknown_referrer', `unknown referrer ${referrer}`);
    }
    this.members.join(user, referrerIndex);
  }

  private agent(event: Extract<EngineEvent, { type: 'appoint' | 'dismiss' }>): void {
    const user = this.requireUser(event.user);
    if (!validRegion(event.region)) {
      throw new EngineInputError('invalid_region', 'region must be 1 to 3 non-empty strings');
    }
    const appointed = this.members.isAgent(user, event.region);
    if (event.type === 'appoint') {
      if (appointed) throw new EngineInputError('agent_exists', `${event.user} is already an agent of that region`);
      this.members.appoint(user, event.region);
    } else {
      if (!appointed) throw new EngineInputError('agent_not_appointed', `${event.user} is not an agent of that region`);
      this.members.dismiss(user, event.region);
    }
  }

  private settle(event: Extract<EngineEvent, { type: 'settle' }>, out: Effect[]): void {
    const userIndex = this.requireUser(event.user);
    if (typeof event.order !== 'string' || event.order.length === 0) {
      throw new EngineInputError('invalid_order', 'order must be a non-empty string');
    }
    if (this.members.orderIndex(event.order) >= 0) {
      throw new EngineInputError('duplicate_order', `order ${event.order} already settled`);
    }
    if (typeof event.amountFen !== 'bigint' || event.amountFen < 0n || event.amountFen > MAX_AMOUNT_FEN) {
      throw new EngineInputError('invalid_amount', `amountFen must be an integer from 0 to ${MAX_AMOUNT_FEN}`);
    }
    if (event.lines !== undefined) {
      const problem = checkLines(event.lines, event.amountFen);
      if (problem !== undefined) throw new EngineInputError('invalid_lines', problem);
    }
    if (event.region !== undefined && !validRegion(event.region)) {
      throw new EngineInputError('invalid_region', 'region must be 1 to 3 non-empty strings');
    }
    const acting = event.campaigns;
    if (acting !== undefined) {
      for (const id of acting) {
        if (!this.byId.has(id)) throw new EngineInputError('unknown_campaign', `unknown campaign ${id}`);
      }
    }
    const orderIndex = this.members.addOrder(event.order, userIndex);
    const settled: SettledOrder = {
      seq: this.sequence,
      order: event.order,
      orderIndex,
      user: event.user,
      userIndex,
      amountFen: event.amountFen,
      region: event.region,
    };
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i] as CampaignEntry;
      if (acting !== undefined && !acting.includes(entry.ref.id)) continue;
      const amountFen = amountInScope(entry.scope, event.amountFen, event.lines);
      // An order with A = 0 in a plan's scope does nothing in that plan (SPEC 3.5).
      if (amountFen > 0n) entry.instance.settle(settled, amountFen, out);
    }
    // Spend counts every settled order, after all plans acted on it (SPEC 3.5).
    this.members.addSpend(userIndex, event.amountFen);
  }

  private redeem(event: Extract<EngineEvent, { type: 'redeem' }>, out: Effect[]): void {
    const userIndex = this.requireUser(event.user);
    const orderIndex = this.members.orderIndex(event.order);
    if (orderIndex < 0) throw new EngineInputError('unknown_order', `unknown order ${event.order}`);
    if (typeof event.units !== 'bigint' || event.units < 0n) {
      throw new EngineInputError('invalid_units', 'units must be a non-negative integer');
    }
    let candidates: CampaignEntry[];
    if (event.campaign !== undefined) {
      const entry = this.byId.get(event.campaign);
      if (entry === undefined) throw new EngineInputError('unknown_campaign', `unknown campaign ${event.campaign}`);
      if (entry.instance.redeem === undefined) {
        throw new EngineInputError('not_redeemable', `campaign ${event.campaign} holds nothing to redeem`);
      }
      candidates = [entry];
    } else {
      candidates = this.entries.filter((e) => e.instance.holdsOrder?.(orderIndex) === true);
      if (candidates.length > 1) {
        throw new EngineInputError(
          'ambiguous_redeem',
          `order ${event.order} holds positions in ${candidates.map((c) => c.ref.id).join(', ')}: name the campaign`,
        );
      }
    }
    const reject = (entry: CampaignEntry | undefined, code: 'no_position' | 'plan_off' | 'not_holder'): void => {
      const plan = entry?.ref.plan ?? PLANS.find((p) => p.events.includes('redeem'))?.code ?? '';
      const message =
        code === 'plan_off'
          ? 'no campaign holds redeemable positions'
          : code === 'no_position'
            ? `order ${event.order} holds no position`
            : `order ${event.order} belongs to another user`;
      out.push({
        type: 'rejected',
        plan,
        campaign: entry?.ref.id ?? null,
        user: event.user,
        order: event.order,
        code,
        message,
      });
    };
    const target = candidates[0];
    if (target === undefined) {
      reject(undefined, this.entries.some((e) => e.instance.redeem !== undefined) ? 'no_position' : 'plan_off');
      return;
    }
    if (target.instance.holdsOrder?.(orderIndex) !== true) return reject(target, 'no_position');
    if (this.members.orderUser(orderIndex) !== userIndex) return reject(target, 'not_holder');
    target.instance.redeem?.(
      { seq: this.sequence, user: event.user, userIndex, order: event.order, orderIndex, units: event.units },
      out,
    );
  }

  private configure(event: Extract<EngineEvent, { type: 'campaign' }>): void {
    const existing = this.byId.get(event.id);
    if (existing !== undefined && event.plan !== undefined && event.plan !== existing.ref.plan) {
      throw new EngineInputError('invalid_campaign', `campaign ${event.id} is a ${existing.ref.plan} campaign`);
    }
    const plan = existing?.ref.plan ?? event.plan;
    if (plan === undefined) throw new EngineInputError('invalid_campaign', `campaign ${event.id} needs a plan`);
    const keepScope = existing !== undefined && event.products === undefined && event.categories === undefined;
    const parsed = parseCampaign(
      { id: event.id, plan, params: event.params, products: event.products, categories: event.categories },
      this.members.levels,
    );
    if (!parsed.ok) {
      const first = parsed.problems[0];
      throw new EngineInputError(first?.code ?? 'invalid_parameter', parsed.problems.map((p) => p.message).join('; '));
    }
    if (existing === undefined) {
      this.addCampaign(parsed.campaign);
      return;
    }
    // A new version: orders settled from now on use the new parameters; the state is kept.
    existing.ref.version += 1;
    existing.params = parsed.campaign.params;
    if (!keepScope) existing.scope = parsed.campaign.scope;
    existing.instance.reconfigure(parsed.campaign.params);
  }
}
