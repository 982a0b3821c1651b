import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

/**
 * The contract check: every answer an HTTP test receives is checked, as the suite runs, against what the server's own
 * OpenAPI document declares for that route and status. An undocumented status, or a body the declared schema refuses,
 * fails the test that made the request. `MALL_CONTRACT=off` turns the check off.
 */

interface MediaType {
  schema?: Record<string, unknown>;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  methods: Record<string, Operation>;
}

// ajv-formats is CommonJS with a default export; under ESM interop the plugin may sit one level down.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as unknown as (
  ajv: Ajv,
) => Ajv;

// OpenAPI 3.0 schemas are JSON Schema with `nullable`, which Ajv understands; its other extra keywords
// (`example`, `xml`...) are annotations, hence not strict.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** The one error shape, for answers outside every documented route (an unknown path, an unsupported method). */
const ERROR_SHAPE = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
    },
  },
};

export class Contract {
  private readonly routes: Route[];
  /** How many answers were checked: a test can tell the check ran. */
  checked = 0;

  constructor(document: OpenApiDocument) {
    this.routes = Object.entries(document.paths)
      .map(([template, methods]) => {
        const segments = template
          .split('/')
          .map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.+*?^$()|[\]\\]/g, '\\$&')));
        return {
          template,
          pattern: new RegExp(`^${segments.join('/')}$`),
          params: (template.match(/\{/g) ?? []).length,
          methods,
        };
      })
      // A literal segment beats a parameter: /orders/expire-unpaid before /orders/{id}.
      .sort((a, b) => a.params - b.params);
  }

  /** The problem with this answer, or undefined when the document declares it. */
  problem(method: string, url: string, status: number, body: unknown, contentType: string | null): string | undefined {
    this.checked += 1;
    const path = url.split('?')[0] ?? url;
    const verb = method.toLowerCase();
    const route =
      this.routes.find((r) => r.pattern.test(path) && r.methods[verb] !== undefined) ??
      this.routes.find((r) => r.pattern.test(path));
    const operation = route?.methods[verb];
    if (route === undefined || operation === undefined) {
      // Outside the document: the web apps, the docs, the document itself; their errors still take the one shape.
      if (status < 400) return undefined;
      return this.check(ERROR_SHAPE, body, contentType, `${method} ${path} ${status}`);
    }
    const where = `${method} ${route.template} ${status}`;
    const declared = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`];
    if (declared === undefined) {
      const code = (body as { error?: { code?: string } } | null)?.error?.code;
      return `${where}${code === undefined ? '' : ` (${code})`}: the document declares no such answer for this route`;
    }
    if (method === 'HEAD') return undefined;
    const schema = declared.content?.['application/json']?.schema;
    if (schema === undefined) return undefined;
    return this.check(schema, body, contentType, where);
  }

  private check(schema: Record<string, unknown>, body: unknown, contentType: string | null, where: string) {
    if (contentType === null || !contentType.startsWith('application/json')) {
      return `${where}: answered ${contentType ?? 'no content type'}, the document says JSON`;
    }
    const validate = validatorFor(schema);
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    return `${where}: the body does not match the documented schema: ${errors.join('; ')} in ${JSON.stringify(body).slice(0, 300)}`;
  }
}

export function contractEnabled(): boolean {
  return process.env.MALL_CONTRACT !== 'off';
}
