import type { FastifyInstance } from 'fastify';

/**
 * The policy both apps, the sandbox gateway page (a storefront route) and /api/docs (swagger-ui) run under. Scripts
 * and styles come only from this origin as files: the builds emit no inline script. Inline style attributes stay
 * allowed because Vue, Vant, Element Plus, ECharts and swagger-ui set element styles at run time. Images may be
 * data:/blob: URLs (QR codes, the invite poster, swagger-ui's icons). Nothing may frame the mall (clickjacking on
 * the payment and withdrawal pages). A real gateway's page-pay form posting elsewhere would need adding to
 * form-action.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  // The admin's home-page decoration previews the storefront in a frame of the same origin; no other site may frame.
  "frame-ancestors 'self'",
].join('; ');

export function securityHeaders(production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    // For browsers that predate frame-ancestors.
    'x-frame-options': 'SAMEORIGIN',
    // Same-origin requests keep the full URL; nothing (invite codes, order ids) leaves with a link to elsewhere.
    'referrer-policy': 'same-origin',
  };
  // Only behind TLS in production: on a plain-HTTP dev or test host the header would be ignored at best, and a
  // staging name under a real domain could be pinned to HTTPS for a year at worst.
  if (production) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

/** Every answer (apps, API, docs, errors, 404s) carries the headers; register before any route. */
export function registerSecurityHeaders(app: FastifyInstance, production: boolean): void {
  const headers = securityHeaders(production);
  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(headers);
  });
}
