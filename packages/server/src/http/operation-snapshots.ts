import { getProduct } from '../commerce/catalog';
import { findCategory } from '../commerce/categories';
import { getOrderView } from '../commerce/order-views';
import { findWithdrawal } from '../money/withdrawals';
import { campaignJson, findCampaign } from '../incentives/campaigns';
import { loadSettings, settingsJson } from '../platform/settings';
import { staffListing } from '../platform/identity/staff';
import { getRole } from '../platform/identity/roles';
import { getLayout } from '../commerce/page-layouts';
import { findUpload } from '../platform/uploads';
import { Failure } from '../platform/errors';
import { listCouponTemplates } from '../commerce/checkout/coupon-templates';
import { listSpendThresholds } from '../commerce/checkout/spend-thresholds';
import { getFlashSale } from '../commerce/checkout/flash-sales';
import { loadLevels } from '../incentives/level-ladder';
import { levelsOfUsers } from '../incentives/member-levels';
import { listAgencies } from '../incentives/agents';
import type { AppContext, EntityKind } from './context';

/** Reads an entity as the operation log keeps it; undefined when it does not exist (before a create). */
type Snapshot = (ctx: AppContext, id: string) => Promise<unknown>;

/** A missing entity is "no state", not an error: before a create, after a delete. */
async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Failure && error.code.endsWith('_not_found')) return undefined;
    throw error;
  }
}

export const SNAPSHOTS: Record<EntityKind, Snapshot> = {
  product: (ctx, id) => orMissing(() => getProduct(ctx.store.db, id, false)),
  category: (ctx, id) => findCategory(ctx.store.db, id),
  order: (ctx, id) =>
    orMissing(async () => {
      // The state an admin changes, not the whole history the order view carries.
      const o = await getOrderView(ctx.store.db, id);
      return { id: o.id, status: o.status, amountFen: o.amountFen, refund: o.refund, shipment: o.shipment };
    }),
  withdrawal: (ctx, id) => findWithdrawal(ctx.store.db, id),
  campaign: async (ctx, id) => {
    const campaign = await findCampaign(ctx.store.db, id);
    return campaign === undefined ? undefined : campaignJson(campaign);
  },
  settings: async (ctx) => settingsJson(await loadSettings(ctx.store.db)),
  staff: (ctx, id) => orMissing(() => staffListing(ctx.store.db, id)),
  role: (ctx, code) => getRole(ctx.store.db, code),
  layout: (ctx, key) => getLayout(ctx.store.db, key),
  upload: (ctx, id) => findUpload(ctx.store.db, id),
  couponTemplate: async (ctx, id) => (await listCouponTemplates(ctx.store.db)).find((t) => t.id === id),
  spendThreshold: async (ctx, id) => (await listSpendThresholds(ctx.store.db)).find((a) => a.id === id),
  flashSale: (ctx, id) => orMissing(() => getFlashSale(ctx.store.db, id)),
  levels: async (ctx) => ({ levels: await loadLevels(ctx.store.db) }),
  // What staff change about a shopper by hand: the level they hold and the regions they are agent of.
  shopper: async (ctx, id) => ({
    level: (await levelsOfUsers(ctx.sequencer, [id])).get(id) ?? null,
    agencies: await listAgencies(ctx.store.db, id),
  }),
};
