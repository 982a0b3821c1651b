import { parseYuan, yuan } from '@mall/web-common/money';
import type { AdminProduct } from '@mall/web-common/api-types';

/** The product dialog's form: prices as the yuan text staff type, converted to fen only when saved. */
export interface SkuForm {
  id?: string;
  name: string;
  price: string;
  cost: string;
  stock: number;
}

export interface ProductForm {
  id?: string;
  title: string;
  subtitle: string;
  description: string;
  categoryId: string | null;
  imageUrl: string;
  onShelf: boolean;
  /** Most units one shopper may hold in open orders; 0 = no limit. */
  purchaseLimit: number;
  plans: string[];
  /** The freight template (运费模板) the checkout charges by; null: shipped free. */
  freightTemplateId: string | null;
  skus: SkuForm[];
}

export function blankProductForm(): ProductForm {
  return {
    title: '',
    subtitle: '',
    description: '',
    categoryId: null,
    imageUrl: '',
    onShelf: true,
    purchaseLimit: 0,
    plans: [],
    freightTemplateId: null,
    skus: [{ name: '默认', price: '', cost: '', stock: 100 }],
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
    onShelf: p.onShelf,
    purchaseLimit: p.purchaseLimit ?? 0,
    plans: [...p.plans],
    freightTemplateId: p.freightTemplateId ?? null,
    skus: p.skus.map((s) => ({
      id: s.id,
      name: s.name,
      price: yuan(s.priceFen).replace(/,/g, ''),
      cost: yuan(s.costFen).replace(/,/g, ''),
      stock: s.stock,
    })),
  };
}

/** The request body of a create or update, or null when a SKU's price, cost or name is not valid. */
export function productBodyOf(form: ProductForm) {
  const skus = [];
  for (const s of form.skus) {
    const price = parseYuan(s.price);
    const cost = parseYuan(s.cost || '0');
    if (price === null || cost === null || !s.name.trim()) return null;
    skus.push({
      ...(s.id ? { id: s.id } : {}),
      name: s.name.trim(),
      priceFen: Number(price),
      costFen: Number(cost),
      stock: s.stock,
    });
  }
  return {
    title: form.title.trim(),
    subtitle: form.subtitle.trim(),
    description: form.description,
    ...(form.categoryId ? { categoryId: form.categoryId } : {}),
    imageUrl: form.imageUrl.trim(),
    onShelf: form.onShelf,
    purchaseLimit: form.purchaseLimit,
    plans: form.plans,
    freightTemplateId: form.freightTemplateId,
    skus,
  };
}
