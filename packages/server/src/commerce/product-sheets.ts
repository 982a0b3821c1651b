import { formatScaled, parseYuan, type SpecAttribute } from '@mall/core';
import type { Db } from '../platform/db/database';
import { Failure, fail } from '../platform/errors';
import { badText } from '../platform/spreadsheet';
import { listCategories, type Category } from './categories';
import { listProducts, storeProduct, type Product, type ProductInput, type SkuInput } from './catalog';

/**
 * Products in and out of a spreadsheet, one row per SKU with the product's columns repeated. Export then import gives
 * the same catalog back; an import updates the products whose id it names and creates the others (rows of one new
 * product share its title). Each product is saved in its own transaction, so a bad product does not stop the good
 * ones, and every refusal names its lines.
 */
const COLUMNS = [
  ['productId', '商品ID'],
  ['title', '商品名称'],
  ['subtitle', '副标题'],
  ['category', '分类'],
  ['onShelf', '上架'],
  ['purchaseLimit', '限购'],
  ['imageUrl', '主图'],
  ['specs', '规格'],
  ['description', '描述'],
  ['skuId', 'SKU ID'],
  ['skuCode', 'SKU 编码'],
  ['specValues', '规格值'],
  ['skuName', 'SKU 名称'],
  ['price', '售价'],
  ['cost', '成本'],
  ['stock', '库存'],
  ['skuImageUrl', 'SKU 图片'],
] as const;

type Column = (typeof COLUMNS)[number][0];

export const PRODUCT_SHEET_HEADER = COLUMNS.map(([key, zh]) => `${zh} ${key}`);

const yuan = (fen: bigint): string => formatScaled(fen, 100n, 2, false);

/** "颜色:红|蓝;尺码:S|M" and back. */
export function specsText(specs: readonly SpecAttribute[]): string {
  return specs.map((s) => `${s.name}:${s.values.join('|')}`).join(';');
}

export function parseSpecsText(text: string): SpecAttribute[] {
  if (text.trim() === '') return [];
  return text.split(';').map((part) => {
    const [name, values] = part.split(':');
    if (name === undefined || values === undefined) fail('invalid_specs', `"${part}" is not name:value|value`);
    return { name: name.trim(), values: values.split('|').map((v) => v.trim()) };
  });
}

function categoryPath(categories: Category[], id: string | null): string {
  const category = categories.find((c) => c.id === id);
  if (category === undefined) return '';
  const parent = categories.find((c) => c.id === category.parentId);
  return parent === undefined ? category.name : `${parent.name}/${category.name}`;
}

export async function productSheetRows(db: Db): Promise<string[][]> {
  const categories = await listCategories(db);
  const products = await listProducts(db, { onShelfOnly: false });
  return products.flatMap((p) =>
    p.skus.map((s) => {
      const cells: Record<Column, string> = {
        productId: p.id,
        title: p.title,
        subtitle: p.subtitle,
        category: categoryPath(categories, p.categoryId),
        onShelf: p.onShelf ? '1' : '0',
        purchaseLimit: String(p.purchaseLimit),
        imageUrl: p.imageUrl,
        specs: specsText(p.specs),
        description: p.description,
        skuId: s.id,
        skuCode: s.code,
        specValues: s.specValues.join('/'),
        skuName: s.name,
        price: yuan(s.priceFen),
        cost: yuan(s.costFen),
        stock: s.stock.toString(),
        skuImageUrl: s.imageUrl,
      };
      return COLUMNS.map(([key]) => cells[key]);
    }),
  );
}

export interface ImportResult {
  created: number;
  updated: number;
  failed: number;
  products: { lines: number[]; title: string; ok: boolean; productId?: string; code?: string; message?: string }[];
}

/** Which column holds what: a header cell names a column by its key or its Chinese label. */
function columnIndex(header: string[]): Map<Column, number> {
  const index = new Map<Column, number>();
  header.forEach((cell, i) => {
    const tokens = cell.trim().toLowerCase().split(/\s+/);
    const found = COLUMNS.find(([key, zh]) => tokens.includes(key.toLowerCase()) || cell.trim() === zh);
    if (found !== undefined && !index.has(found[0])) index.set(found[0], i);
  });
  for (const required of ['title', 'price', 'stock'] as const) {
    if (!index.has(required)) fail('invalid_file', `the header has no ${required} column`);
  }
  return index;
}

function wholeNumber(text: string, what: string, max: bigint): bigint {
  if (!/^\d{1,12}$/.test(text)) fail('invalid_request', `${what} must be a whole number`);
  const n = BigInt(text);
  if (n > max) fail('invalid_request', `${what} is over ${max}`);
  return n;
}

function money(text: string, what: string): bigint {
  const fen = parseYuan(text);
  if (fen === undefined) fail('invalid_request', `${what} "${text}" is not an amount like 12.50`);
  return fen;
}

function categoryId(categories: Category[], path: string): string | null {
  if (path === '') return null;
  const [first, second] = path.split('/').map((p) => p.trim());
  const top = categories.filter((c) => c.name === first && (second === undefined ? true : c.parentId === null));
  const match =
    second === undefined ? top[0] : categories.find((c) => c.name === second && top.some((t) => t.id === c.parentId));
  if (match === undefined) fail('category_not_found', path);
  return match.id;
}

type Line = { line: number; get: (c: Column) => string };

/** The same bounds the product form's schema sets. */
const MAX_LENGTH: Partial<Record<Column, number>> = {
  title: 100,
  subtitle: 200,
  description: 20_000,
  imageUrl: 2000,
  skuName: 50,
  skuCode: 64,
  skuImageUrl: 2000,
  specs: 2000,
};

function checkCells(lines: Line[]): void {
  for (const l of lines) {
    for (const [c] of COLUMNS) {
      const value = l.get(c);
      if (badText(value)) fail('invalid_request', `line ${l.line}: ${c} contains a control character`);
      const max = MAX_LENGTH[c] ?? 200;
      if (value.length > max) fail('invalid_request', `line ${l.line}: ${c} is longer than ${max} characters`);
    }
  }
}

function productInput(lines: Line[], categories: Category[], existing: Product | undefined): ProductInput {
  const first = lines[0] as Line;
  const specs = parseSpecsText(first.get('specs'));
  const skus: SkuInput[] = lines.map((l) => {
    const skuId = l.get('skuId');
    const code = l.get('skuCode');
    const known =
      existing?.skus.find((s) => s.id === skuId) ??
      (code === '' ? undefined : existing?.skus.find((s) => s.code === code));
    const values = l.get('specValues');
    return {
      ...(known === undefined ? {} : { id: known.id }),
      name: l.get('skuName'),
      priceFen: money(l.get('price'), `line ${l.line}: price`),
      costFen: l.get('cost') === '' ? 0n : money(l.get('cost'), `line ${l.line}: cost`),
      stock: wholeNumber(l.get('stock'), `line ${l.line}: stock`, 100_000_000n),
      code,
      imageUrl: l.get('skuImageUrl'),
      specValues: values === '' ? [] : values.split('/').map((v) => v.trim()),
    };
  });
  return {
    title: first.get('title'),
    subtitle: first.get('subtitle'),
    description: first.get('description'),
    categoryId: categoryId(categories, first.get('category')),
    imageUrl: first.get('imageUrl'),
    ...(existing === undefined ? {} : { images: existing.images }),
    onShelf:
      first.get('onShelf') !== '0' && first.get('onShelf').toLowerCase() !== 'false' && first.get('onShelf') !== '否',
    purchaseLimit:
      first.get('purchaseLimit') === ''
        ? 0
        : Number(wholeNumber(first.get('purchaseLimit'), 'purchaseLimit', 100_000n)),
    specs,
    skus,
  };
}

/** The existing products a file names (the operation log reads their state before the import). */
export function importedProductIds(rows: string[][]): string[] {
  const [header, ...body] = rows;
  if (header === undefined) return [];
  const at = header.findIndex(
    (cell) => cell.trim().toLowerCase().split(/\s+/).includes('productid') || cell.trim() === '商品ID',
  );
  if (at < 0) return [];
  return [...new Set(body.map((r) => r[at] ?? '').filter((id) => id !== '' && id.length <= 100 && !badText(id)))];
}

export async function importProducts(db: Db, rows: string[][]): Promise<ImportResult> {
  const [header, ...body] = rows;
  if (header === undefined) fail('invalid_file', 'the file has no header row');
  const index = columnIndex(header);
  const groups = new Map<string, Line[]>();
  body.forEach((cells, i) => {
    if (cells.every((c) => c === '')) return;
    const get = (c: Column): string => {
      const at = index.get(c);
      return at === undefined ? '' : (cells[at] ?? '');
    };
    const key = get('productId') !== '' ? `id:${get('productId')}` : `title:${get('title')}`;
    groups.set(key, [...(groups.get(key) ?? []), { line: i + 2, get }]);
  });
  const categories = await listCategories(db);
  const result: ImportResult = { created: 0, updated: 0, failed: 0, products: [] };
  for (const lines of groups.values()) {
    const first = lines[0] as Line;
    const lineNumbers = lines.map((l) => l.line);
    const productId = first.get('productId');
    try {
      checkCells(lines);
      if (first.get('title') === '') fail('invalid_request', `line ${first.line}: no title`);
      const existing =
        productId === '' ? undefined : (await listProducts(db, { onShelfOnly: false, ids: [productId] }))[0];
      if (productId !== '' && existing === undefined) fail('product_not_found', productId);
      const saved = await storeProduct(db, existing?.id, productInput(lines, categories, existing));
      if (existing === undefined) result.created += 1;
      else result.updated += 1;
      result.products.push({ lines: lineNumbers, title: saved.title, ok: true, productId: saved.id });
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      result.failed += 1;
      result.products.push({
        lines: lineNumbers,
        title: first.get('title'),
        ok: false,
        code: error.code,
        message: error.detail ?? error.message,
      });
    }
  }
  return result;
}
