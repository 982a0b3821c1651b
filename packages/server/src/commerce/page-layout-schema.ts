import { PLANS } from '@mall/core';
/**
 * The storefront home page as a JSON document the operator arranges (店铺装修): an ordered list of sections, each with
 * typed configuration. `parseLayout` is the schema: it accepts exactly these shapes and says which field of which
 * section is wrong.
 */
export type Link =
  | { kind: 'none' }
  | { kind: 'product'; target: string }
  | { kind: 'category'; target: string }
  | { kind: 'page'; target: 'rules' | 'invite' | 'points' | 'wallet' }
  | { kind: 'url'; target: string };

export interface BannerItem {
  imageUrl: string;
  title: string;
  link: Link;
}

export type Section =
  | { type: 'banner'; items: BannerItem[] }
  | { type: 'entries' }
  | { type: 'notice'; text: string }
  | { type: 'categories'; title: string; categoryIds: string[] }
  | { type: 'products'; title: string; source: 'manual'; productIds: string[] }
  | { type: 'products'; title: string; source: 'category'; categoryId: string; limit: number }
  | { type: 'products'; title: string; source: 'latest'; limit: number }
  /** A plan's products with a link to its rules; plan '' is every product in any plan. */
  | { type: 'campaign'; title: string; plan: string; text: string; imageUrl: string };

export interface Layout {
  sections: Section[];
}

export const SECTION_TYPES = ['banner', 'entries', 'notice', 'categories', 'products', 'campaign'] as const;
const PAGES = ['rules', 'invite', 'points', 'wallet'] as const;
const LIMITS = { sections: 30, bannerItems: 8, ids: 50, text: 200, title: 40, url: 500, productLimit: 50 };

export class LayoutError extends Error {}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new LayoutError(`${where} must be an object`);
  return value as Json;
}

function text(value: unknown, where: string, max: number, required = false): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') throw new LayoutError(`${where} must be text`);
  if (value.length > max) throw new LayoutError(`${where} is longer than ${max} characters`);
  if (required && value.trim() === '') throw new LayoutError(`${where} is required`);
  return value;
}

/** Image and link URLs: our own paths (/uploads/..., /assets/...) or http(s), nothing a browser would run. */
function url(value: unknown, where: string, required = false): string {
  const u = text(value, where, LIMITS.url, required);
  if (u !== '' && !/^(\/(?!\/)|https?:\/\/)/i.test(u))
    throw new LayoutError(`${where} must start with / or http(s)://`);
  return u;
}

function ids(value: unknown, where: string, min: number): string[] {
  if (!Array.isArray(value) || value.length > LIMITS.ids)
    throw new LayoutError(`${where} must be a list of at most ${LIMITS.ids} ids`);
  if (value.length < min) throw new LayoutError(`${where} needs at least ${min}`);
  return value.map((v, i) => text(v, `${where}[${i + 1}]`, 100, true));
}

function count(value: unknown, where: string): number {
  if (value === undefined) return 10;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LIMITS.productLimit)
    throw new LayoutError(`${where} must be a whole number from 1 to ${LIMITS.productLimit}`);
  return value;
}

function link(value: unknown, where: string): Link {
  if (value === undefined) return { kind: 'none' };
  const l = object(value, where);
  switch (l.kind) {
    case 'none':
      return { kind: 'none' };
    case 'product':
    case 'category':
      return { kind: l.kind, target: text(l.target, `${where}.target`, 100, true) };
    case 'page': {
      const target = PAGES.find((p) => p === l.target);
      if (target === undefined) throw new LayoutError(`${where}.target must be one of ${PAGES.join(', ')}`);
      return { kind: 'page', target };
    }
    case 'url':
      return { kind: 'url', target: url(l.target, `${where}.target`, true) };
    default:
      throw new LayoutError(`${where}.kind must be none, product, category, page or url`);
  }
}

function section(value: unknown, n: number): Section {
  const s = object(value, `section ${n}`);
  const where = `section ${n} (${String(s.type)})`;
  switch (s.type) {
    case 'banner': {
      if (!Array.isArray(s.items) || s.items.length === 0 || s.items.length > LIMITS.bannerItems)
        throw new LayoutError(`${where}: items must hold 1 to ${LIMITS.bannerItems} slides`);
      return {
        type: 'banner',
        items: s.items.map((raw, i) => {
          const item = object(raw, `${where} slide ${i + 1}`);
          const imageUrl = url(item.imageUrl, `${where} slide ${i + 1} imageUrl`);
          const title = text(item.title, `${where} slide ${i + 1} title`, LIMITS.title);
          if (imageUrl === '' && title.trim() === '')
            throw new LayoutError(`${where} slide ${i + 1} needs an image or a title`);
          return { imageUrl, title, link: link(item.link, `${where} slide ${i + 1} link`) };
        }),
      };
    }
    case 'entries':
      return { type: 'entries' };
    case 'notice':
      return { type: 'notice', text: text(s.text, `${where}: text`, LIMITS.text, true) };
    case 'categories':
      return {
        type: 'categories',
        title: text(s.title, `${where}: title`, LIMITS.title),
        categoryIds: ids(s.categoryIds ?? [], `${where}: categoryIds`, 0),
      };
    case 'products': {
      const title = text(s.title, `${where}: title`, LIMITS.title, true);
      if (s.source === 'manual')
        return { type: 'products', title, source: 'manual', productIds: ids(s.productIds, `${where}: productIds`, 1) };
      if (s.source === 'category')
        return {
          type: 'products',
          title,
          source: 'category',
          categoryId: text(s.categoryId, `${where}: categoryId`, 100, true),
          limit: count(s.limit, `${where}: limit`),
        };
      if (s.source === 'latest')
        return { type: 'products', title, source: 'latest', limit: count(s.limit, `${where}: limit`) };
      throw new LayoutError(`${where}: source must be manual, category or latest`);
    }
    case 'campaign':
      return {
        type: 'campaign',
        title: text(s.title, `${where}: title`, LIMITS.title, true),
        plan: text(s.plan, `${where}: plan`, 50),
        text: text(s.text, `${where}: text`, LIMITS.text),
        imageUrl: url(s.imageUrl, `${where}: imageUrl`),
      };
    default:
      throw new LayoutError(`section ${n}: type must be one of ${SECTION_TYPES.join(', ')}`);
  }
}

/** The layout, or a LayoutError naming the first thing that is wrong. Unknown fields are dropped. */
export function parseLayout(value: unknown): Layout {
  const layout = object(value, 'the layout');
  if (!Array.isArray(layout.sections) || layout.sections.length > LIMITS.sections)
    throw new LayoutError(`sections must be a list of at most ${LIMITS.sections}`);
  return { sections: layout.sections.map((s, i) => section(s, i + 1)) };
}

/**
 * What a new mall's home page shows: the page as it was before decoration existed. Its 礼包专区 holds the products of
 * the registry's first high-risk plan (the consumer-merchant pack); ordinary goods with an ordinary plan (commission,
 * cashback) stay with the rest.
 */
export const DEFAULT_LAYOUT: Layout = {
  sections: [
    {
      type: 'banner',
      items: [
        { imageUrl: '', title: '消费商礼包 · 购买即享推三返一', link: { kind: 'page', target: 'rules' } },
        { imageUrl: '', title: '消费增值 · 积分价格只涨不跌', link: { kind: 'page', target: 'rules' } },
      ],
    },
    { type: 'entries' },
    { type: 'categories', title: '', categoryIds: [] },
    { type: 'campaign', title: '礼包专区', plan: PLANS.find((p) => p.highRisk)?.code ?? '', text: '', imageUrl: '' },
    { type: 'products', title: '热门推荐', source: 'latest', limit: 20 },
  ],
};
