import { reactive, watch } from 'vue';

export interface CartLine {
  skuId: string;
  productId: string;
  title: string;
  skuName: string;
  priceFen: number;
  imageUrl?: string;
  quantity: number;
  checked: boolean;
  /** Bought in this running flash sale, at its price (never put in the cart: flash buys go straight to checkout). */
  flashSaleId?: string;
}

const KEY = 'mall.shop.cart';

function load(): CartLine[] {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as CartLine[]) : [];
  } catch {
    return [];
  }
}

export const cart = reactive<{ lines: CartLine[] }>({ lines: load() });

watch(
  () => cart.lines,
  (lines) => localStorage.setItem(KEY, JSON.stringify(lines)),
  { deep: true },
);

export function addToCart(line: Omit<CartLine, 'checked'>): void {
  const existing = cart.lines.find((l) => l.skuId === line.skuId);
  if (existing) existing.quantity += line.quantity;
  else cart.lines.push({ ...line, checked: true });
}

export function cartCount(): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

/** Lines chosen for the next checkout ("buy now" puts one line here without touching the cart). */
const DRAFT_KEY = 'mall.shop.checkout';
function loadDraft(): { lines: CartLine[]; fromCart: boolean } {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    const parsed = raw ? (JSON.parse(raw) as { lines?: CartLine[]; fromCart?: boolean }) : {};
    return { lines: Array.isArray(parsed.lines) ? parsed.lines : [], fromCart: parsed.fromCart === true };
  } catch {
    return { lines: [], fromCart: false };
  }
}
export const checkoutDraft = reactive<{ lines: CartLine[]; fromCart: boolean }>(loadDraft());
watch(
  () => [checkoutDraft.lines, checkoutDraft.fromCart],
  () => sessionStorage.setItem(DRAFT_KEY, JSON.stringify(checkoutDraft)),
  { deep: true },
);

export function removeLines(skuIds: string[]): void {
  cart.lines = cart.lines.filter((l) => !skuIds.includes(l.skuId));
}
