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

/** A part of the home page in page order, with about how tall it is and whether it renders with the answer. */
export interface HomeBlock {
  key: string;
  kind: 'flash' | 'presale' | 'blindBox' | 'groupBuy' | 'section';
  section?: HomeSection;
  /** Estimated height in CSS pixels: the placeholder's while the part waits. */
  space: number;
  /** Starts within the first screen: rendered with the answer, not after the first paint. */
  eager: boolean;
}

// Heights as laid out on a 360-412 px wide phone (margins included); the estimate only has to tell the first screen
// from the rest and keep the placeholders from all being "in view" at once.
const ABOVE_BLOCKS_PX = 170; // the red top with the search field, and the demo notice
const STRIP_PX = 230;
const CARD_ROW_PX = 270;

function sectionSpace(s: HomeSection): number {
  switch (s.type) {
    case 'banner':
      return 132;
    case 'entries':
      return 92;
    case 'notice':
      return 52;
    case 'categories':
      return 140;
    default:
      return 60 + Math.ceil(s.products.length / 2) * CARD_ROW_PX;
  }
}

/**
 * The home page's parts in order: the strips that have something to show (none when `page` is null: a search, or
 * the admin's preview), then the operator's sections. Parts that start within `viewportPx` of the top are eager.
 */
export function homeBlocks(page: HomePage | null, sections: readonly HomeSection[], viewportPx: number): HomeBlock[] {
  const parts: Omit<HomeBlock, 'eager'>[] = [];
  if (page !== null) {
    if (page.flashSales.length > 0) parts.push({ key: 'flash', kind: 'flash', space: STRIP_PX });
    if (page.presales.length > 0) parts.push({ key: 'presale', kind: 'presale', space: STRIP_PX });
    if (page.blindBoxes.length > 0) parts.push({ key: 'blind-box', kind: 'blindBox', space: STRIP_PX });
    if (page.groupBuys.length > 0) parts.push({ key: 'group-buy', kind: 'groupBuy', space: STRIP_PX });
  }
  sections.forEach((section, i) =>
    parts.push({ key: `section-${i}`, kind: 'section', section, space: sectionSpace(section) }),
  );
  let top = ABOVE_BLOCKS_PX;
  return parts.map((part) => {
    const eager = top < viewportPx;
    top += part.space;
    return { ...part, eager };
  });
}
