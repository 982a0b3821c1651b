import type { HomeSection } from '@mall/web-common/api-types';
import type { HomePage } from './home';

/** Which of a product section's cards a part shows; the first part carries the section's title. */
export interface CardSlice {
  from: number;
  to: number;
  head: boolean;
}

/** A part of the home page in page order, with about how tall it is and whether it renders with the answer. */
export interface HomeBlock {
  key: string;
  kind: 'flash' | 'presale' | 'blindBox' | 'groupBuy' | 'section';
  section?: HomeSection;
  cards?: CardSlice;
  /** Estimated height in CSS pixels: the placeholder's while the part waits. */
  space: number;
  /** Rendered with the answer, not after it (DeferredBlock): none is, today (see homeBlocks). */
  eager: boolean;
}

// Heights as laid out on a 360-412 px wide phone (margins included); the estimate only keeps the placeholders of
// the parts below the first screen from all being "in view" at once.
const STRIP_PX = 230;
const CARD_ROW_PX = 270;
const TITLE_PX = 60;
/**
 * Cards per part: one row. On a phone (Lighthouse's mobile preset: a quarter of this machine's speed) a row renders
 * and lays out within a task of well under 50 ms; two rows did not on a slow day.
 */
export const CARDS_PER_PART = 2;

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
      return 0;
  }
}

/**
 * The home page's parts in order: the strips that have something to show (none when `page` is null: a search, or
 * the admin's preview), then the operator's sections, a product section cut into parts of one row of cards. No part
 * renders with the answer (that task draws the page's frame and the demo notice, and is long enough on a phone); they
 * follow one per task after its paint, those in view first.
 */
export function homeBlocks(page: HomePage | null, sections: readonly HomeSection[]): HomeBlock[] {
  const parts: Omit<HomeBlock, 'eager'>[] = [];
  if (page !== null) {
    if (page.flashSales.length > 0) parts.push({ key: 'flash', kind: 'flash', space: STRIP_PX });
    if (page.presales.length > 0) parts.push({ key: 'presale', kind: 'presale', space: STRIP_PX });
    if (page.blindBoxes.length > 0) parts.push({ key: 'blind-box', kind: 'blindBox', space: STRIP_PX });
    if (page.groupBuys.length > 0) parts.push({ key: 'group-buy', kind: 'groupBuy', space: STRIP_PX });
  }
  sections.forEach((section, i) => {
    if (section.type !== 'products' && section.type !== 'campaign') {
      parts.push({ key: `section-${i}`, kind: 'section', section, space: sectionSpace(section) });
      return;
    }
    // At least one part, so that the title shows for a section whose products a search narrows.
    for (let from = 0; from === 0 || from < section.products.length; from += CARDS_PER_PART) {
      const to = from + CARDS_PER_PART;
      const rows = Math.ceil(Math.min(CARDS_PER_PART, section.products.length - from) / 2);
      parts.push({
        key: `section-${i}-${from}`,
        kind: 'section',
        section,
        cards: { from, to, head: from === 0 },
        space: (from === 0 ? TITLE_PX : 0) + rows * CARD_ROW_PX,
      });
    }
  });
  return parts.map((part) => ({ ...part, eager: false }));
}
