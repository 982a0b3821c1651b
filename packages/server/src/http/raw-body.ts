import type { FastifyInstance } from 'fastify';

/**
 * Routes that take a file as the request body (an image, a CSV or XLSX): any content type arrives as raw bytes, up to
 * `limitBytes`, and the route checks what the bytes are (magic numbers, a parser), never the declared type or name.
 * Registered in a child scope, so the admin scope's sign-in and operation-log hooks still apply.
 */
export async function withRawBodies(
  app: FastifyInstance,
  limitBytes: number,
  register: (scope: FastifyInstance) => Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limitBytes }, (_request, body, done) => {
      done(null, body);
    });
    await register(scope);
  });
}

/** The uploaded bytes: a body the parser did not see (none sent) is empty. */
export function bytesOf(body: unknown): Uint8Array {
  return body instanceof Uint8Array ? body : new Uint8Array(0);
}
