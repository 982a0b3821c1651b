import {
  freightTemplateProblems,
  type FreightBasis,
  type FreightCharge,
  type FreightTemplate,
  type RegionPath,
} from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Freight templates (运费模板) as staff edit them; the fee itself is core's `orderFreight`. Rules are stored as JSON
 * with every amount and unit count a decimal string, so nothing passes through a float.
 */
export interface FreightTemplateView extends FreightTemplate {
  name: string;
  /** Products that name this template. */
  productCount: number;
}

interface StoredCharge {
  firstUnits: string;
  firstFeeFen: string;
  additionalUnits: string;
  additionalFeeFen: string;
  freeOverFen: string | null;
}
interface StoredRules {
  defaultCharge: StoredCharge;
  regionCharges: { regions: string[][]; charge: StoredCharge }[];
  notDelivered: string[][];
}

const toStored = (c: FreightCharge): StoredCharge => ({
  firstUnits: String(c.firstUnits),
  firstFeeFen: String(c.firstFeeFen),
  additionalUnits: String(c.additionalUnits),
  additionalFeeFen: String(c.additionalFeeFen),
  freeOverFen: c.freeOverFen === null ? null : String(c.freeOverFen),
});
const fromStored = (c: StoredCharge): FreightCharge => ({
  firstUnits: BigInt(c.firstUnits),
  firstFeeFen: BigInt(c.firstFeeFen),
  additionalUnits: BigInt(c.additionalUnits),
  additionalFeeFen: BigInt(c.additionalFeeFen),
  freeOverFen: c.freeOverFen === null ? null : BigInt(c.freeOverFen),
});

type Row = { id: string; name: string; basis: string; rules: string };

function parse(row: Row): FreightTemplate & { name: string } {
  const rules = JSON.parse(row.rules) as StoredRules;
  return {
    id: row.id,
    name: row.name,
    basis: row.basis as FreightBasis,
    defaultCharge: fromStored(rules.defaultCharge),
    regionCharges: rules.regionCharges.map((r) => ({ regions: r.regions, charge: fromStored(r.charge) })),
    notDelivered: rules.notDelivered,
  };
}

/** The templates the given ids name (the checkout loads only what its lines use). */
export async function loadFreightTemplates(db: Db | Tx, ids: readonly string[]): Promise<FreightTemplate[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('freight_templates')
    .select(['id', 'name', 'basis', 'rules'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return rows.map(parse);
}

export async function listFreightTemplates(db: Db | Tx): Promise<FreightTemplateView[]> {
  const rows = await db
    .selectFrom('freight_templates')
    .select(['id', 'name', 'basis', 'rules'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const counts = await db
    .selectFrom('products')
    .select(['freight_template_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('freight_template_id', 'is not', null)
    .groupBy('freight_template_id')
    .execute();
  const countOf = new Map(counts.map((c) => [c.freight_template_id, Number(c.n)]));
  return rows.map((row) => ({ ...parse(row), productCount: countOf.get(row.id) ?? 0 }));
}

export async function getFreightTemplate(db: Db | Tx, id: string): Promise<FreightTemplateView> {
  const found = (await listFreightTemplates(db)).find((t) => t.id === id);
  if (!found) fail('freight_template_not_found');
  return found;
}

export interface FreightTemplateInput {
  name: string;
  basis: FreightBasis;
  defaultCharge: FreightCharge;
  regionCharges: { regions: RegionPath[]; charge: FreightCharge }[];
  notDelivered: RegionPath[];
}

function storedRules(input: FreightTemplateInput): string {
  const problems = freightTemplateProblems({ id: 'new', ...input });
  if (problems.length > 0) fail('invalid_parameter', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  const rules: StoredRules = {
    defaultCharge: toStored(input.defaultCharge),
    regionCharges: input.regionCharges.map((r) => ({
      regions: r.regions.map((p) => [...p]),
      charge: toStored(r.charge),
    })),
    notDelivered: input.notDelivered.map((p) => [...p]),
  };
  return JSON.stringify(rules);
}

/** Creates (no id) or replaces a template; orders already placed keep the fee they were charged. */
export async function saveFreightTemplate(
  db: Db,
  id: string | undefined,
  input: FreightTemplateInput,
): Promise<FreightTemplateView> {
  const rules = storedRules(input);
  return inTx(db, async (trx) => {
    const now = nowIso();
    let templateId = id;
    if (templateId === undefined) {
      templateId = newId('frt');
      await trx
        .insertInto('freight_templates')
        .values({ id: templateId, name: input.name, basis: input.basis, rules, created_at: now, updated_at: now })
        .execute();
    } else {
      const result = await trx
        .updateTable('freight_templates')
        .set({ name: input.name, basis: input.basis, rules, updated_at: now })
        .where('id', '=', templateId)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) fail('freight_template_not_found');
    }
    return getFreightTemplate(trx, templateId);
  });
}

export async function assertFreightTemplate(trx: Tx, id: string | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await trx.selectFrom('freight_templates').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) fail('freight_template_not_found');
}
