/**
 * `npm run lint:openapi`: builds the server's OpenAPI document (demo and production mode, on a throwaway SQLite file)
 * and validates it with a standard OpenAPI validator. Exit 1 and the validator's messages when it does not validate.
 * The test `packages/server/test/api-truth.test.ts` checks the same in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { startServer } from '../packages/server/src/index';
// Production refuses to start without a real payment channel: the tests' unreachable Alipay configuration.
import { productionPayments } from '../packages/server/test/production-payments';

async function documentOf(environment: 'demo' | 'production'): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'mall-openapi-'));
  try {
    const server = await startServer({
      databaseUrl: `sqlite:${join(dir, 'mall.db')}`,
      port: 0,
      environment,
      ...(environment === 'production' ? { payments: productionPayments() } : {}),
      adminPassword: 'lint-openapi-password-1',
      seedDemo: false,
      logLevel: 'silent',
      settlementIntervalMs: 0,
      expiryIntervalMs: 0,
      housekeepingIntervalMs: 0,
    });
    const doc = structuredClone(server.app.swagger());
    await server.close();
    return doc;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let failed = false;
for (const environment of ['demo', 'production'] as const) {
  const doc = await documentOf(environment);
  const paths = Object.keys((doc as { paths: object }).paths).length;
  const result = await validate(doc as never, { validate: { errors: { colorize: false } } });
  if (result.valid) {
    process.stdout.write(`openapi (${environment}): valid, ${paths} paths\n`);
  } else {
    failed = true;
    process.stdout.write(`openapi (${environment}): ${result.errors.length} errors\n`);
    for (const error of result.errors.slice(0, 20)) process.stdout.write(`${error.message}\n\n`);
  }
}
process.exit(failed ? 1 : 0);
