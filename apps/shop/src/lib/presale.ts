import { api } from './http';

/** A presale as the shop API answers it (GET /api/shop/presales), with core's rule lines in both languages. */
export interface Presale {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  skuPriceFen: number;
  priceFen: number;
  depositFen: number;
  countsAsFen: number;
  balanceFen: number;
  totalPaidFen: number;
  depositStartsAt: string;
  depositEndsAt: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
  phase: 'upcoming' | 'deposit' | 'waiting_balance' | 'balance' | 'ended' | 'cancelled';
  rules: { code: string; zh: string; en: string }[];
}

export interface PresaleOrder {
  presaleId: string;
  quantity: number;
  depositFen: number;
  balanceFen: number;
  status: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
  depositPaidAt: string | null;
  balancePaidAt: string | null;
  next: 'pay_deposit' | 'pay_balance' | 'wait_balance' | 'none';
}

export async function presalesOf(productId?: string): Promise<{ items: Presale[]; serverTime: string }> {
  const query = productId === undefined ? '' : `?productId=${encodeURIComponent(productId)}`;
  return api.get(`/api/shop/presales${query}`);
}

/** The presale part of an order, or null for an ordinary order (the API answers 404 for those). */
export async function presaleOrderOf(
  orderId: string,
): Promise<{ presaleOrder: PresaleOrder; presale: Presale; serverTime: string } | null> {
  try {
    const res = await api.get<{ presaleOrder: PresaleOrder | null; presale: Presale | null; serverTime: string }>(
      `/api/shop/orders/${encodeURIComponent(orderId)}/presale`,
    );
    return res.presaleOrder === null || res.presale === null
      ? null
      : { presaleOrder: res.presaleOrder, presale: res.presale, serverTime: res.serverTime };
  } catch {
    return null;
  }
}

/** What the cashier charges now: the deposit while it is unpaid, the balance after. */
export function dueNowFen(order: PresaleOrder): number {
  return order.status === 'awaiting_deposit' ? order.depositFen : order.balanceFen;
}
