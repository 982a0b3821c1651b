import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { DAY_MS, isoPlusMs, nowIso } from '../platform/clock';
import { loadSettings } from '../platform/settings';
import { registerUser } from '../platform/identity/shoppers';
import { createGroupBuyActivity } from '../commerce/group-buy/activities';
import { openGroup } from '../commerce/group-buy/groups';
import { createSeries, openSeries } from '../commerce/checkout/blind-boxes';
import { createPresale } from '../commerce/checkout/presales';
import { payOrder, receivePaymentNotification } from '../money/payments/payments';
import { SANDBOX_SIGNATURE_HEADER, sandboxProvider, signSandbox } from '../money/payments/sandbox';
import type { SandboxNotification } from '../money/payments/sandbox';

/**
 * The demo's checkout promotions (issue 12): a 3-person group buy on the rice with one group already open (a demo
 * shopper leads it and paid in the sandbox gateway), a lottery group on the tea, a blind-box series on its own box
 * product and a presale with 定金膨胀 on its own product. Everything goes through the functions the admin and shop
 * routes call, so the rows are exactly what the running mall would write.
 */

/** Products only the promotions sell: created with the rest of the catalog, kept out of the incentive campaigns. */
export const PROMO_PRODUCTS = [
  {
    key: 'blindbox',
    cat: 2,
    title: '萌宠盲盒 第一弹',
    subtitle: '6 款随机 · 概率公示 · 可验证抽取',
    price: 5_900n,
    cost: 2_500n,
    stock: 10_000n,
    sku: '单盒',
    color: '#8e44ad',
  },
  {
    key: 'crab',
    cat: 1,
    title: '阳澄湖大闸蟹礼卡 8 只装',
    subtitle: '预售 · 定金 100 抵 300',
    price: 129_900n,
    cost: 55_000n,
    stock: 200n,
    sku: '公 4.0 两 / 母 3.0 两',
    color: '#b5651d',
  },
] as const;

export const DEMO_LEADER_PHONE = '18800000010';

const LEADER_ADDRESS = {
  name: '演示团长',
  phone: DEMO_LEADER_PHONE,
  region: ['广东省', '深圳市', '南山区'],
  detail: '科技园演示路 1 号',
};

const BOX_ITEMS = [
  { name: '隐藏款 · 星空猫', valueFen: 39_900n, weight: 1n },
  { name: '稀有款 · 金毛', valueFen: 15_900n, weight: 4n },
  { name: '柴犬', valueFen: 5_900n, weight: 20n },
  { name: '布偶猫', valueFen: 5_900n, weight: 25n },
  { name: '仓鼠', valueFen: 4_900n, weight: 25n },
  { name: '兔子', valueFen: 4_900n, weight: 25n },
];

export interface PromotionSkus {
  groupBuy: string;
  lotteryGroup: string;
  blindBox: string;
  presale: string;
}

/**
 * Pays a group order as a shopper would in the sandbox: the pending payment, then the gateway's signed success
 * notification through the one apply-once path (which also takes the group seat). The signature only has to round
 * trip inside this call, so a one-off secret serves when the installation's is not given (the `mall seed` command).
 */
async function payInSandbox(db: Db, secret: string, orderId: string, userId: string): Promise<void> {
  const providers = new Map([['sandbox', sandboxProvider(secret)]]);
  const payment = await payOrder(db, providers, orderId, userId, 'sandbox');
  const notification: SandboxNotification = {
    paymentId: payment.id,
    orderId,
    amountFen: Number(payment.amountFen),
    status: 'SUCCESS',
    providerTxn: `sbx_${payment.id}`,
    timestamp: nowIso(),
  };
  const raw = JSON.stringify(notification);
  const headers = { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: signSandbox(secret, raw) };
  const { outcome } = await receivePaymentNotification(db, providers, 'sandbox', headers, raw);
  if (outcome !== 'applied') throw new Error(`the demo leader's payment was not applied: ${outcome}`);
}

/** Runs once, right after the catalog is seeded; each step is its own transaction, as the admin's clicks would be. */
export async function seedPromotions(db: Db, skus: PromotionSkus, sandboxSecret?: string): Promise<void> {
  const now = nowIso();
  const groupBuy = await createGroupBuyActivity(db, {
    skuId: skus.groupBuy,
    priceFen: 6_990n,
    groupSize: 3,
    hours: 24,
    lotteryWinners: 0,
    consolationTemplateId: null,
    startsAt: now,
    endsAt: isoPlusMs(now, 30 * DAY_MS),
  });
  await createGroupBuyActivity(db, {
    skuId: skus.lotteryGroup,
    priceFen: 990n,
    groupSize: 5,
    hours: 24,
    lotteryWinners: 1,
    consolationTemplateId: null,
    startsAt: now,
    endsAt: isoPlusMs(now, 30 * DAY_MS),
  });

  const leader = await inTx(db, (trx) => registerUser(trx, { phone: DEMO_LEADER_PHONE, passwordHash: null }));
  const settings = await loadSettings(db);
  const { orderId } = await openGroup(
    db,
    leader.id,
    'demo-seed-group',
    groupBuy.id,
    { address: LEADER_ADDRESS },
    settings,
  );
  await payInSandbox(db, sandboxSecret ?? randomBytes(32).toString('hex'), orderId, leader.id);

  const series = await createSeries(db, {
    name: '萌宠盲盒 第一弹 Pet blind box #1',
    skuId: skus.blindBox,
    dailyCapFen: 50_000n,
    guarantee: '无保底：每次抽取相互独立，概率如上所示。No guarantee: every draw is independent at the odds shown.',
    items: BOX_ITEMS,
  });
  await openSeries(db, series.id);

  await createPresale(db, {
    skuId: skus.presale,
    priceFen: 99_900n,
    depositFen: 10_000n,
    countsAsFen: 30_000n,
    depositStartsAt: now,
    depositEndsAt: isoPlusMs(now, 7 * DAY_MS),
    balanceStartsAt: isoPlusMs(now, 7 * DAY_MS),
    balanceEndsAt: isoPlusMs(now, 10 * DAY_MS),
  });
}
