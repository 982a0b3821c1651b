import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/database';
import { createCategory, saveProduct } from '../commerce/catalog';
import { createStaff, setStaffPassword } from '../platform/identity/staff';
import { hashPassword } from '../platform/passwords';
import type { Sequencer } from '../incentives/incentive-log';
import { createCampaignIn, setCampaignStatusIn } from '../incentives/campaign-commands';
import { seedLevels, seedModes } from './seed-modes';
import { PROMO_PRODUCTS, seedPromotions, type PromotionSkus } from './seed-promotions';

/**
 * Demo data, written once (a `seeded` flag in kv): a catalog around the 1000-yuan gift pack, two campaigns on it
 * (the referral cycle and the appreciation pool, ids named after their plans so the demo reads easily) enabled with
 * the SPEC 3.4 acknowledgement on record, and staff `admin`, `operator`, `finance`.
 * Without MALL_ADMIN_PASSWORD the demo password is generated once and kept in kv so every start prints the same
 * one; staff share it in the demo. Set MALL_ADMIN_PASSWORD (or change passwords) for anything real.
 */
const PRODUCTS = [
  {
    key: 'gift',
    cat: 0,
    title: '消费商礼包',
    subtitle: '开通消费商 · 推三返一 · 消费增值',
    price: 100_000n,
    cost: 40_000n,
    stock: 100_000n,
    sku: '标准装',
  },
  {
    key: 'tea',
    cat: 1,
    title: '西湖龙井 明前特级 250g',
    subtitle: '产地直发',
    price: 36_800n,
    cost: 22_000n,
    stock: 500n,
    sku: '250g 罐装',
  },
  {
    key: 'rice',
    cat: 1,
    title: '五常大米 5kg',
    subtitle: '当季新米',
    price: 8_990n,
    cost: 6_000n,
    stock: 1_000n,
    sku: '5kg',
  },
  {
    key: 'orange',
    cat: 1,
    title: '赣南脐橙 10 斤装',
    subtitle: '现摘现发',
    price: 5_990n,
    cost: 3_500n,
    stock: 800n,
    sku: '10 斤',
  },
  {
    key: 'earbuds',
    cat: 2,
    title: '降噪蓝牙耳机',
    subtitle: '40 小时续航',
    price: 29_900n,
    cost: 18_000n,
    stock: 300n,
    sku: '曜石黑',
  },
  {
    key: 'kettle',
    cat: 3,
    title: '不锈钢电热水壶 1.7L',
    subtitle: '304 不锈钢',
    price: 12_900n,
    cost: 7_000n,
    stock: 400n,
    sku: '1.7L',
  },
  {
    key: 'towel',
    cat: 3,
    title: '新疆长绒棉毛巾 3 条装',
    subtitle: 'A 类婴幼儿标准',
    price: 4_990n,
    cost: 2_500n,
    stock: 2_000n,
    sku: '3 条装',
  },
] as const;

const CATEGORIES = ['礼包专区', '生鲜食品', '数码家电', '家居日用'];

export function productImageUrl(key: string): string {
  return `/assets/products/${key}.svg`;
}

export interface SeedResult {
  /** Undefined when the password was set by MALL_ADMIN_PASSWORD on an earlier start and is not stored. */
  adminPassword: string | undefined;
  seededNow: boolean;
}

const CAMPAIGNS = [
  { id: 'referralCycle', plan: 'referralCycle', name: '礼包推三返一 Gift pack referral cycle' },
  { id: 'appreciationPool', plan: 'appreciationPool', name: '礼包消费增值 Gift pack appreciation pool' },
] as const;

/**
 * Runs under the sequencer (campaigns are events in the incentive log), in one transaction with everything else;
 * then, on the start that seeded, the checkout promotions (seed-promotions.ts) through their own domain functions.
 * `sandboxSecret` is the installation's sandbox gateway secret, so the demo group's payment is signed as the
 * sandbox would sign it; `promotions: false` leaves the promotions out (their products are still in the catalog).
 */
export async function seedDemo(
  db: Db,
  sequencer: Sequencer,
  adminPassword?: string,
  promotions: { promotions: boolean; sandboxSecret?: string | undefined } = { promotions: true },
): Promise<SeedResult> {
  // Only a generated demo password is kept (so restarts can print it); one given by MALL_ADMIN_PASSWORD never is.
  const stored = await db.selectFrom('kv').select('value').where('key', '=', 'demo_admin_password').executeTakeFirst();
  const generated =
    adminPassword === undefined && stored === undefined ? randomBytes(9).toString('base64url') : undefined;
  const password = adminPassword ?? stored?.value ?? generated;
  const hash = password === undefined ? undefined : await hashPassword(password);
  await sequencer.run(async (trx) => {
    const seeded = await trx.selectFrom('kv').select('value').where('key', '=', 'seeded').executeTakeFirst();
    if (seeded === undefined) await seedLevels(trx);
  });
  const result = await sequencer.run(async (trx, batch, engine) => {
    const seeded = await trx.selectFrom('kv').select('value').where('key', '=', 'seeded').executeTakeFirst();
    if (seeded) {
      if (adminPassword !== undefined && hash !== undefined) {
        for (const name of ['admin', 'operator', 'finance']) await setStaffPassword(trx, name, hash);
        await trx.deleteFrom('kv').where('key', '=', 'demo_admin_password').execute();
        return { adminPassword, seededNow: false, promotionSkus: undefined };
      }
      return { adminPassword: stored?.value, seededNow: false, promotionSkus: undefined };
    }
    if (password === undefined || hash === undefined) throw new Error('no password for the demo staff');
    await createStaff(trx, 'admin', hash, 'admin');
    await createStaff(trx, 'operator', hash, 'operator');
    await createStaff(trx, 'finance', hash, 'finance');
    if (adminPassword === undefined) {
      await trx
        .insertInto('kv')
        .values({ key: 'demo_admin_password', value: password })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: password }))
        .execute();
    }
    const categories = [];
    for (const name of CATEGORIES) categories.push(await createCategory(trx, name));
    const productIds = new Map<string, string>();
    const skuIds = new Map<string, string>();
    // The promotions' own products are catalog like the rest, but no incentive campaign covers them.
    for (const p of [...PRODUCTS, ...PROMO_PRODUCTS]) {
      const saved = await saveProduct(trx, undefined, {
        title: p.title,
        subtitle: p.subtitle,
        description: `${p.title}：${p.subtitle}。`,
        categoryId: categories[p.cat]?.id ?? null,
        imageUrl: productImageUrl(p.key),
        onShelf: true,
        skus: [{ name: p.sku, priceFen: p.price, costFen: p.cost, stock: p.stock }],
      });
      productIds.set(p.key, saved.id);
      skuIds.set(p.key, saved.skus[0]?.id ?? '');
    }
    const gift = productIds.get('gift') ?? '';
    for (const c of CAMPAIGNS) {
      await createCampaignIn(trx, batch, engine, { ...c, scope: { products: [gift] } }, 'seed');
      await setCampaignStatusIn(trx, c.id, 'active', true, 'seed');
    }
    const ordinary = PRODUCTS.filter((p) => p.key !== 'gift').map((p) => productIds.get(p.key) ?? '');
    await seedModes(trx, batch, engine, ordinary);
    await batch.write(trx, new Date().toISOString());
    await trx.insertInto('kv').values({ key: 'seeded', value: new Date().toISOString() }).execute();
    const promotionSkus: PromotionSkus = {
      groupBuy: skuIds.get('rice') ?? '',
      lotteryGroup: skuIds.get('tea') ?? '',
      blindBox: skuIds.get('blindbox') ?? '',
      presale: skuIds.get('crab') ?? '',
    };
    return { adminPassword: password, seededNow: true, promotionSkus };
  });
  if (result.promotionSkus !== undefined && promotions.promotions)
    await seedPromotions(db, result.promotionSkus, promotions.sandboxSecret);
  return { adminPassword: result.adminPassword, seededNow: result.seededNow };
}

const COLORS: Record<string, string> = {
  gift: '#e4393c',
  tea: '#3a8f3a',
  rice: '#c9a227',
  orange: '#f08a24',
  earbuds: '#333a44',
  kettle: '#7a8a99',
  towel: '#4a90d9',
};

/** Small product pictures drawn on the fly, so the demo needs no image files. */
export function productSvg(key: string): string | undefined {
  const promo = PROMO_PRODUCTS.find((p) => p.key === key);
  const color = promo?.color ?? COLORS[key];
  const product = promo ?? PRODUCTS.find((p) => p.key === key);
  if (color === undefined || product === undefined) return undefined;
  const label = product.title.slice(0, 6);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="${color}"/><circle cx="200" cy="160" r="80" fill="#ffffff" opacity="0.25"/><text x="200" y="300" font-size="40" text-anchor="middle" fill="#ffffff" font-family="sans-serif">${label}</text></svg>`;
}
