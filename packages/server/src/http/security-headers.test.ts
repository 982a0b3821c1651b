import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerSecurityHeaders } from './security-headers';

async function headersOf(production: boolean, path: string): Promise<Record<string, unknown>> {
  const app = Fastify();
  registerSecurityHeaders(app, production);
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  try {
    return (await app.inject({ method: 'GET', url: path })).headers;
  } finally {
    await app.close();
  }
}

describe('security headers', () => {
  it('add HSTS in production only, on answers, failures and unknown routes alike', async () => {
    for (const path of ['/ok', '/boom', '/missing']) {
      const production = await headersOf(true, path);
      expect(production['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(production['content-security-policy']).toContain("default-src 'self'");
      expect(production['x-content-type-options']).toBe('nosniff');
      const development = await headersOf(false, path);
      expect(development['strict-transport-security']).toBeUndefined();
      expect(development['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(development['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('never allow inline or evaluated script', async () => {
    const policy = String((await headersOf(false, '/ok'))['content-security-policy']);
    const scriptSrc = /(?:^|; )script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scriptSrc).toBe("'self'");
    expect(policy).not.toMatch(/unsafe-eval/);
    expect(policy).toContain("object-src 'none'");
  });
});
