/** Blind box series and draws as the admin reads them (amounts in fen as JSON numbers). */
export interface BlindBoxItem {
  index: number;
  name: string;
  valueFen: number;
  weight: number;
  drawn: number;
}

export interface BlindBoxSeries {
  id: string;
  name: string;
  productId: string;
  skuId: string;
  title: string;
  priceFen: number;
  status: 'draft' | 'open' | 'closed';
  seedHash: string;
  serverSeed: string | null;
  dailyCapFen: number;
  guarantee: string;
  totalWeight: number;
  draws: number;
  items: BlindBoxItem[];
  createdAt: string;
}

export interface BlindBoxDraw {
  id: string;
  orderId: string;
  buyerSeed: string;
  nonce: number;
  digest: string;
  itemIndex: number;
  itemName: string;
  drawnAt: string;
}

/** A share as a percentage with two decimals, floored, in integers (weights and counts, no floats). */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '-';
  const hundredths = (BigInt(part) * 10_000n) / BigInt(whole);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}%`;
}
