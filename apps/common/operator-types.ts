/**
 * The admin console's answers for the operator essentials (issue 13): staff and roles, the operation log, uploads,
 * shipping files, product import and the home page editor's sections.
 */
import type { BannerItem, JsonValue } from './api-types';

export interface StaffMember {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Role {
  code: string;
  name: { zh: string; en: string };
  permissions: string[];
  builtin: boolean;
  staffCount: number;
}

export interface PermissionInfo {
  code: string;
  group: string;
  label: { zh: string; en: string };
  routes: string[];
}

export interface Operation {
  id: string;
  at: string;
  staffUsername: string;
  action: string;
  entity: string;
  entityId: string;
  before: JsonValue;
  after: JsonValue;
  ip: string;
  method: string;
  path: string;
}

export interface Upload {
  id: string;
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
}

export interface Carrier {
  code: string;
  name: { zh: string; en: string };
}

export interface BatchShipResult {
  shipped: number;
  failed: number;
  rows: { line: number; orderId: string; ok: boolean; code?: string; message?: string }[];
}

export interface ImportResult {
  created: number;
  updated: number;
  failed: number;
  products: { lines: number[]; title: string; ok: boolean; productId?: string; message?: string }[];
}

/** A home page section as the operator arranges it (the admin's editor). */
export type Section =
  | { type: 'banner'; items: BannerItem[] }
  | { type: 'entries' }
  | { type: 'notice'; text: string }
  | { type: 'categories'; title: string; categoryIds: string[] }
  | { type: 'products'; title: string; source: 'manual'; productIds: string[] }
  | { type: 'products'; title: string; source: 'category'; categoryId: string; limit: number }
  | { type: 'products'; title: string; source: 'latest'; limit: number }
  | { type: 'campaign'; title: string; plan: string; text: string; imageUrl: string };
