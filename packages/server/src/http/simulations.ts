import {
  MAX_SIMULATION_ORDERS,
  simulationView,
  startSimulation,
  type SimulationRequest,
} from '../incentives/simulations';
import type { RouteModule } from './context';
import { anyObject, arr, idParam, nullable, obj, str } from './schemas';
import { staffRoute } from './staff-route';

const simulationAnswer = obj(
  {
    id: str(),
    status: str({ enum: ['running', 'done', 'failed'] }),
    progress: { type: 'number', minimum: 0, maximum: 1 },
    summary: nullable(anyObject),
    series: arr(anyObject),
    error: nullable(str()),
  },
  ['id', 'status', 'progress', 'summary', 'series', 'error'],
);

const generateSchema = {
  type: 'object',
  required: ['orders', 'amountFen'],
  additionalProperties: false,
  properties: {
    orders: { type: 'integer', minimum: 1, maximum: MAX_SIMULATION_ORDERS },
    amountFen: { type: 'integer', minimum: 1, maximum: 1_000_000_000_000 },
    fanout: { type: 'integer', minimum: 0, maximum: 1000, default: 3 },
    seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295, default: 1 },
    repeatBps: { type: 'integer', minimum: 0, maximum: 10_000, default: 0 },
    redeemBps: { type: 'integer', minimum: 0, maximum: 10_000, default: 0 },
    redeemUnits: { type: 'integer', minimum: 1, maximum: 1_000_000_000_000, default: 10_000_000 },
    levelsFen: {
      type: 'array',
      items: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000 },
      maxItems: 20,
    },
    setLevelBps: { type: 'integer', minimum: 0, maximum: 10_000 },
    regions: {
      type: 'object',
      required: ['provinces', 'cities', 'districts'],
      additionalProperties: false,
      properties: {
        provinces: { type: 'integer', minimum: 0, maximum: 100 },
        cities: { type: 'integer', minimum: 0, maximum: 100 },
        districts: { type: 'integer', minimum: 0, maximum: 100 },
      },
    },
    agents: { type: 'integer', minimum: 0, maximum: 100_000 },
    periodOrders: { type: 'integer', minimum: 0, maximum: 10_000_000 },
  },
} as const;

/** The admin simulator: runs the engine over a synthetic flow in a worker thread and reports progress. */
export const simulationRoutes: RouteModule = async (app) => {
  app.post<{ Body: SimulationRequest }>(
    '/api/admin/simulations',
    staffRoute(
      'plans:read',
      'Start a simulation of the incentive plans over a synthetic flow',
      {
        body: {
          type: 'object',
          required: ['plans', 'generate'],
          additionalProperties: false,
          properties: { plans: { type: 'object' }, generate: generateSchema },
        },
      },
      obj({ id: str() }, ['id']),
      { action: 'simulation.start', entity: null },
      ['invalid_parameter', 'simulation_busy'],
    ),
    async (request) => ({ id: startSimulation(request.body) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/simulations/:id',
    staffRoute(
      'plans:read',
      'A simulation: status, progress (0..1), the summary and its checkpoint series',
      { params: idParam },
      simulationAnswer,
      undefined,
      ['simulation_not_found'],
    ),
    async (request) => simulationView(request.params.id),
  );
};
