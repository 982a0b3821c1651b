/** Tables of the operator essentials (migration 0004): roles, the operation log, uploads, page layouts. */

export interface RolesTable {
  code: string;
  name_zh: string;
  name_en: string;
  /** JSON array of permission codes; ["*"] is every permission. */
  permissions: string;
  builtin: bigint;
  created_at: string;
  updated_at: string;
}

export interface OperationLogTable {
  id: string;
  at: string;
  staff_id: string;
  staff_username: string;
  action: string;
  entity: string;
  entity_id: string;
  /** JSON of the entity's state before and after the write; null where there was none (a create, a delete). */
  before: string | null;
  after: string | null;
  ip: string;
  method: string;
  path: string;
}

export interface UploadsTable {
  id: string;
  path: string;
  thumb_path: string;
  mime: string;
  bytes: bigint;
  width: bigint;
  height: bigint;
  staff_id: string;
  created_at: string;
}

export interface PageLayoutsTable {
  key: string;
  layout: string;
  version: bigint;
  updated_at: string;
  updated_by: string;
}
