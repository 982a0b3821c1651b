import type { CouponValidity, PricingScope, SpendThresholdTier } from '@mall/core';
import type { CouponTemplateInput } from '../../commerce/checkout/coupons';
import type { SpendThresholdInput } from '../../commerce/checkout/spend-thresholds';
import { bool, fen, int, nullable, obj, positiveFen, str, arr } from '../schemas';
import { couponTermsProps, scopeSchema, tierSchema, validitySchema } from '../checkout-schemas';

/** Request bodies of the promotion routes and their conversion to domain inputs (JSON numbers -> bigint). */
export interface ScopeBody {
  kind: 'all' | 'products' | 'categories';
  productIds?: string[];
  categoryIds?: string[];
}

export function scopeOf(body: ScopeBody): PricingScope {
  if (body.kind === 'products') return { kind: 'products', productIds: body.productIds ?? [] };
  if (body.kind === 'categories') return { kind: 'categories', categoryIds: body.categoryIds ?? [] };
  return { kind: 'all' };
}

export interface ValidityBody {
  kind: 'fixed' | 'daysFromClaim';
  validFromMs?: number;
  expiresAtMs?: number;
  days?: number;
}

export function validityOf(body: ValidityBody): CouponValidity {
  return body.kind === 'fixed'
    ? { kind: 'fixed', validFromMs: body.validFromMs ?? 0, expiresAtMs: body.expiresAtMs ?? 0 }
    : { kind: 'daysFromClaim', days: body.days ?? 0 };
}

export interface CouponTemplateBody {
  name: string;
  kind: 'fixed' | 'percentage';
  valueFen?: number;
  offBps?: number;
  capFen?: number | null;
  thresholdFen?: number;
  scope: ScopeBody;
  validity: ValidityBody;
  totalQuantity?: number;
  perUserLimit?: number;
  claimable?: boolean;
  newShopperGift?: boolean;
}

export const couponTemplateBody = obj(
  {
    name: str({ minLength: 1, maxLength: 50 }),
    kind: str({ enum: ['fixed', 'percentage'] }),
    valueFen: fen,
    offBps: int({ minimum: 1, maximum: 10000 }),
    capFen: nullable(positiveFen),
    thresholdFen: fen,
    scope: scopeSchema,
    validity: validitySchema,
    totalQuantity: int({ minimum: 0, maximum: 100_000_000 }),
    perUserLimit: int({ minimum: 0, maximum: 1000 }),
    claimable: bool,
    newShopperGift: bool,
  },
  ['name', 'kind', 'scope', 'validity'],
);

export function couponTemplateInput(body: CouponTemplateBody): CouponTemplateInput {
  return {
    name: body.name,
    kind: body.kind,
    valueFen: BigInt(body.valueFen ?? 0),
    offBps: BigInt(body.offBps ?? 0),
    capFen: body.capFen === undefined || body.capFen === null ? null : BigInt(body.capFen),
    thresholdFen: BigInt(body.thresholdFen ?? 0),
    scope: scopeOf(body.scope),
    validity: validityOf(body.validity),
    totalQuantity: BigInt(body.totalQuantity ?? 0),
    perUserLimit: BigInt(body.perUserLimit ?? 1),
    claimable: body.claimable ?? true,
    newShopperGift: body.newShopperGift ?? false,
  };
}

export const couponTemplateSchema = obj(
  {
    id: str(),
    name: str(),
    ...couponTermsProps,
    totalQuantity: int(),
    issued: int(),
    used: int(),
    perUserLimit: int(),
    claimable: bool,
    newShopperGift: bool,
    status: str({ enum: ['active', 'stopped'] }),
    createdAt: str(),
  },
  ['id', 'name', 'kind', 'issued', 'used', 'status'],
);

export interface SpendThresholdBody {
  name: string;
  tiers: { thresholdFen: number; offFen: number }[];
  scope: ScopeBody;
  startsAt: string;
  endsAt: string;
  status?: 'active' | 'stopped';
}

export const spendThresholdBody = obj(
  {
    name: str({ minLength: 1, maxLength: 50 }),
    tiers: arr(tierSchema, { minItems: 1, maxItems: 10 }),
    scope: scopeSchema,
    startsAt: str({ format: 'date-time' }),
    endsAt: str({ format: 'date-time' }),
    status: str({ enum: ['active', 'stopped'] }),
  },
  ['name', 'tiers', 'scope', 'startsAt', 'endsAt'],
);

export function spendThresholdInput(body: SpendThresholdBody): SpendThresholdInput & { status?: 'active' | 'stopped' } {
  const tiers: SpendThresholdTier[] = body.tiers.map((t) => ({
    thresholdFen: BigInt(t.thresholdFen),
    offFen: BigInt(t.offFen),
  }));
  return {
    name: body.name,
    tiers,
    scope: scopeOf(body.scope),
    startsAt: body.startsAt,
    endsAt: body.endsAt,
    ...(body.status === undefined ? {} : { status: body.status }),
  };
}

export const spendThresholdSchema = obj(
  {
    id: str(),
    name: str(),
    tiers: arr(tierSchema),
    scope: scopeSchema,
    startsAt: str(),
    endsAt: str(),
    status: str({ enum: ['active', 'stopped'] }),
    orders: int(),
    discountFen: int(),
    createdAt: str(),
  },
  ['id', 'name', 'tiers', 'status'],
);
