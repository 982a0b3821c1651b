import type { Section } from '@mall/web-common/operator-types';

/** The section types the operator can add to the home page, with a new section's starting configuration. */
export const SECTION_TYPES = ['banner', 'entries', 'notice', 'categories', 'products', 'campaign'] as const;
export type SectionType = (typeof SECTION_TYPES)[number];

export function newSection(type: SectionType): Section {
  switch (type) {
    case 'banner':
      return { type, items: [{ imageUrl: '', title: '新的轮播图', link: { kind: 'none' } }] };
    case 'entries':
      return { type };
    case 'notice':
      return { type, text: '公告内容' };
    case 'categories':
      return { type, title: '', categoryIds: [] };
    case 'products':
      return { type, title: '商品推荐', source: 'latest', limit: 10 };
    case 'campaign':
      return { type, title: '活动专区', plan: '', text: '', imageUrl: '' };
  }
}

/** A one-line description of a section for the list: its title or first slide. */
export function sectionSummary(section: Section): string {
  switch (section.type) {
    case 'banner':
      return section.items
        .map((i) => i.title)
        .filter(Boolean)
        .join(' / ');
    case 'notice':
      return section.text;
    case 'entries':
      return '';
    default:
      return section.title;
  }
}

/** A product section switched to another source keeps its title and gets that source's fields. */
export function withSource(
  section: Extract<Section, { type: 'products' }>,
  source: 'manual' | 'category' | 'latest',
): Section {
  if (source === 'manual') return { type: 'products', title: section.title, source, productIds: [] };
  if (source === 'category') return { type: 'products', title: section.title, source, categoryId: '', limit: 10 };
  return { type: 'products', title: section.title, source, limit: 10 };
}

/** Moves one item of a list to another index (drag and drop, up and down). */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  if (item !== undefined) copy.splice(to, 0, item);
  return copy;
}
