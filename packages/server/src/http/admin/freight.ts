import type { FreightCharge } from '@mall/core';
import {
  listFreightTemplates,
  saveFreightTemplate,
  type FreightTemplateInput,
} from '../../commerce/checkout/freight-templates';
import type { RouteModule } from '../context';
import { arr, fen, idParam, int, list, nullable, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';

interface ChargeBody {
  firstUnits: number;
  firstFeeFen: number;
  additionalUnits: number;
  additionalFeeFen: number;
  freeOverFen?: number | null;
}
interface FreightBody {
  name: string;
  basis: 'piece' | 'weight';
  defaultCharge: ChargeBody;
  regionCharges?: { regions: string[][]; charge: ChargeBody }[];
  notDelivered?: string[][];
}

const units = int({ minimum: 1, maximum: 100_000_000 });
const chargeSchema = obj(
  { firstUnits: units, firstFeeFen: fen, additionalUnits: units, additionalFeeFen: fen, freeOverFen: nullable(fen) },
  ['firstUnits', 'firstFeeFen', 'additionalUnits', 'additionalFeeFen'],
);
const regionPath = arr(str({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 3 });
const freightBody = obj(
  {
    name: str({ minLength: 1, maxLength: 50 }),
    basis: str({ enum: ['piece', 'weight'] }),
    defaultCharge: chargeSchema,
    regionCharges: arr(
      obj({ regions: arr(regionPath, { minItems: 1, maxItems: 500 }), charge: chargeSchema }, ['regions', 'charge']),
      {
        maxItems: 100,
      },
    ),
    notDelivered: arr(regionPath, { maxItems: 500 }),
  },
  ['name', 'basis', 'defaultCharge'],
);
const freightSchema = obj(
  {
    id: str(),
    name: str(),
    basis: str({ enum: ['piece', 'weight'] }),
    defaultCharge: chargeSchema,
    regionCharges: arr(obj({ regions: arr(arr(str())), charge: chargeSchema })),
    notDelivered: arr(arr(str())),
    productCount: int(),
  },
  ['id', 'name', 'basis', 'defaultCharge', 'regionCharges', 'notDelivered'],
);

function charge(body: ChargeBody): FreightCharge {
  return {
    firstUnits: BigInt(body.firstUnits),
    firstFeeFen: BigInt(body.firstFeeFen),
    additionalUnits: BigInt(body.additionalUnits),
    additionalFeeFen: BigInt(body.additionalFeeFen),
    freeOverFen: body.freeOverFen === undefined || body.freeOverFen === null ? null : BigInt(body.freeOverFen),
  };
}

function input(body: FreightBody): FreightTemplateInput {
  return {
    name: body.name,
    basis: body.basis,
    defaultCharge: charge(body.defaultCharge),
    regionCharges: (body.regionCharges ?? []).map((r) => ({ regions: r.regions, charge: charge(r.charge) })),
    notDelivered: body.notDelivered ?? [],
  };
}

/** Freight templates (运费模板) for staff; a product names its template in the product form. */
export const adminFreightRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const answer = obj({ template: freightSchema }, ['template']);

  app.get(
    '/api/admin/freight-templates',
    staffRoute(
      'catalog:read',
      'Freight templates and how many products use each',
      {},
      list(freightSchema, false),
      undefined,
      [],
    ),
    async () => {
      return { items: await listFreightTemplates(db) };
    },
  );

  app.post<{ Body: FreightBody }>(
    '/api/admin/freight-templates',
    staffRoute(
      'catalog:write',
      'Create a freight template',
      { body: freightBody },
      answer,
      { action: 'freight-template.create', entity: null },
      ['invalid_parameter'],
    ),
    async (request) => {
      return { template: await saveFreightTemplate(db, undefined, input(request.body)) };
    },
  );

  app.put<{ Params: { id: string }; Body: FreightBody }>(
    '/api/admin/freight-templates/:id',
    staffRoute(
      'catalog:write',
      'Replace a freight template; placed orders keep their shipping fee',
      { params: idParam, body: freightBody },
      answer,
      { action: 'freight-template.update', entity: null },
      ['freight_template_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      return { template: await saveFreightTemplate(db, request.params.id, input(request.body)) };
    },
  );
};
