import { describe, expect, it } from 'vitest';
import { CARDS_PER_PART, homeBlocks } from '../src/lib/home-blocks';
import type { HomePage } from '../src/lib/home';
import type { HomeSection, Product } from '@mall/web-common/api-types';

const products = (n: number): Product[] =>
  Array.from({ length: n }, (_, i) => ({ id: `p${i}`, title: `商品 ${i}` }) as unknown as Product);

function page(counts: { flash?: number; presales?: number; boxes?: number; groups?: number }): HomePage {
  const items = (n = 0) => Array.from({ length: n }, (_, i) => ({ id: `x${i}` }));
  return {
    version: 1,
    sections: [],
    flashSales: items(counts.flash) as never,
    presales: items(counts.presales) as never,
    blindBoxes: items(counts.boxes) as never,
    groupBuys: items(counts.groups) as never,
    environment: 'demo',
    serverTime: '2026-11-29T00:00:00.000Z',
  };
}

describe('the home page in parts', () => {
  const sections: HomeSection[] = [
    { type: 'banner', items: [] },
    { type: 'products', title: '精选', products: products(9) },
    { type: 'notice', text: '包邮' },
  ];

  it('puts the strips that have something first, then the sections in order, and renders none with the answer', () => {
    const blocks = homeBlocks(page({ presales: 1, groups: 2 }), sections);
    expect(blocks.map((b) => b.kind)).toEqual([
      'presale',
      'groupBuy',
      'section',
      'section',
      'section',
      'section',
      'section',
      'section',
      'section',
    ]);
    expect(blocks.map((b) => b.eager)).toEqual(blocks.map(() => false));
    expect(new Set(blocks.map((b) => b.key)).size).toBe(blocks.length);
  });

  it('cuts a product section into parts of one row, the title with the first, every card once', () => {
    const parts = homeBlocks(null, sections).filter((b) => b.section?.type === 'products');
    expect(CARDS_PER_PART).toBe(2);
    expect(parts.map((b) => b.cards)).toEqual(
      [0, 2, 4, 6, 8].map((from) => ({ from, to: from + 2, head: from === 0 })),
    );
    // Nine cards: four full rows, then one card on a row of its own.
    expect(parts.map((b) => b.space)).toEqual([60 + 270, 270, 270, 270, 270]);
  });

  it('keeps a title part for a product section without products, and no strips without a page (search, preview)', () => {
    const blocks = homeBlocks(null, [{ type: 'products', title: '空', products: [] }]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.cards).toEqual({ from: 0, to: CARDS_PER_PART, head: true });
    expect(homeBlocks(null, []).length).toBe(0);
  });
});
