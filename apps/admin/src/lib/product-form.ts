import { parseYuan, yuan } from '@mall/web-common/money';
import type { AdminProduct, SpecAttribute } from '@mall/web-common/api-types';

/** The product dialog's form: prices as the yuan text staff type, converted to fen only when saved. */
export interface SkuForm {
  id?: string;
  name: string;
  price: string;
  cost: string;
  stock: number;
  code: string;
  imageUrl: string;
  specValues: string[];
}

export interface ProductForm {
  id?: string;
  title: string;
  subtitle: string;
  description: string;
  categoryId: string | null;
  imageUrl: string;
  images: string[];
  onShelf: boolean;
  /** Most units one shopper may hold in open orders; 0 = no limit. */
  purchaseLimit: number;
  specs: SpecAttribute[];
  /** The freight template (运费模板) the checkout charges by; null: shipped free. */
  freightTemplateId: string | null;
  skus: SkuForm[];
}

function blankSku(specValues: string[] = []): SkuForm {
  return { name: '', price: '', cost: '', stock: 0, code: '', imageUrl: '', specValues };
}

export function blankProductForm(): ProductForm {
  return {
    title: '',
    subtitle: '',
    description: '',
    categoryId: null,
    imageUrl: '',
    images: [],
    onShelf: true,
    purchaseLimit: 0,
    specs: [],
    freightTemplateId: null,
    skus: [{ ...blankSku(), name: '默认', stock: 100 }],
  };
}

export function productFormOf(p: AdminProduct): ProductForm {
  return {
    id: p.id,
    title: p.title,
    subtitle: p.subtitle ?? '',
    description: p.description ?? '',
    categoryId: p.categoryId ?? null,
    imageUrl: p.imageUrl ?? '',
    images: [...(p.images ?? [])],
    onShelf: p.onShelf,
    purchaseLimit: p.purchaseLimit ?? 0,
    specs: (p.specs ?? []).map((s) => ({ name: s.name, values: [...s.values] })),
    freightTemplateId: p.freightTemplateId ?? null,
    skus: p.skus.map((s) => ({
      id: s.id,
      name: s.name,
      price: yuan(s.priceFen).replace(/,/g, ''),
      cost: yuan(s.costFen).replace(/,/g, ''),
      stock: s.stock,
      code: s.code ?? '',
      imageUrl: s.imageUrl ?? '',
      specValues: [...(s.specValues ?? [])],
    })),
  };
}

/** Every combination of one value per attribute, the first attribute varying slowest (as the server checks it). */
export function combinations(specs: readonly SpecAttribute[]): string[][] {
  const used = specs.filter((s) => s.name.trim() !== '' && s.values.length > 0);
  if (used.length === 0) return [];
  return used.reduce<string[][]>((rows, spec) => rows.flatMap((row) => spec.values.map((v) => [...row, v])), [[]]);
}

/**
 * The SKU rows for the current specs: a combination that already had a row keeps it (its price, stock, code), new
 * combinations get the first row's price as a start. Without specs the rows stay as they are.
 */
export function regenerateSkus(form: ProductForm): SkuForm[] {
  const combos = combinations(form.specs);
  if (combos.length === 0) return form.skus.length > 0 ? form.skus : [{ ...blankSku(), name: '默认' }];
  const byKey = new Map(form.skus.map((s) => [s.specValues.join('\u0000'), s]));
  const template = form.skus[0];
  return combos.map((values) => {
    const known = byKey.get(values.join('\u0000'));
    if (known !== undefined) return known;
    return { ...blankSku(values), price: template?.price ?? '', cost: template?.cost ?? '' };
  });
}

/** The request body of a create or update, or null when a SKU's price or cost is not a valid amount. */
export function productBodyOf(form: ProductForm) {
  const skus = [];
  for (const s of form.skus) {
    const price = parseYuan(s.price);
    const cost = parseYuan(s.cost || '0');
    if (price === null || cost === null) return null;
    skus.push({
      ...(s.id ? { id: s.id } : {}),
      name: s.name.trim() || s.specValues.join(' / ') || '默认',
      priceFen: Number(price),
      costFen: Number(cost),
      stock: s.stock,
      code: s.code.trim(),
      imageUrl: s.imageUrl,
      specValues: s.specValues,
    });
  }
  const specs = form.specs.filter((s) => s.name.trim() !== '' && s.values.length > 0);
  return {
    title: form.title.trim(),
    subtitle: form.subtitle.trim(),
    description: form.description,
    ...(form.categoryId ? { categoryId: form.categoryId } : {}),
    imageUrl: form.imageUrl.trim(),
    images: form.imageUrl.trim()
      ? [form.imageUrl.trim(), ...form.images.filter((i) => i !== form.imageUrl)]
      : form.images,
    onShelf: form.onShelf,
    purchaseLimit: form.purchaseLimit,
    specs: specs.map((s) => ({ name: s.name.trim(), values: s.values })),
    freightTemplateId: form.freightTemplateId,
    skus,
  };
}
