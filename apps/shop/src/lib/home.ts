import { knowEnvironment } from '@mall/web-common/environment';
import type { HomeSection } from '@mall/web-common/api-types';
import type { FlashSale } from '@mall/web-common/checkout-types';
import { knowOpenSeries, type BlindBoxSeries } from './blind-box';
import { syncServerTime } from './countdown';
import { takeGet } from './early-get';
import type { GroupBuyActivity } from './group-buy';
import type { Presale } from './presale';

/** What a card of a home strip needs whatever its kind: where it leads and what it shows. */
export interface StripItem {
  id: string;
  productId: string;
  title: string;
  imageUrl: string | null;
}

/**
 * The home page in one answer (GET /api/shop/home): the operator's sections and the promotion strips, already
 * narrowed by the server to what the home shows, with its clock and the environment.
 */
export interface HomePage {
  version: number;
  sections: HomeSection[];
  flashSales: FlashSale[];
  presales: Presale[];
  blindBoxes: BlindBoxSeries[];
  groupBuys: GroupBuyActivity[];
  environment: string;
  serverTime: string;
}

export const homePath = '/api/shop/home';

/** The home's answer, started by the router when it matched the page; what it tells others is passed on. */
export async function loadHome(): Promise<HomePage> {
  const home = await takeGet<HomePage>(homePath);
  syncServerTime(home.serverTime);
  knowEnvironment(home.environment);
  knowOpenSeries(home.blindBoxes);
  return home;
}
