import type { FastifyInstance } from 'fastify';
import compress from '@fastify/compress';

/**
 * Compresses JSON and other dynamic answers of 1 KiB or more (brotli at quality 4, the plugin's default, is cheap
 * enough per request; gzip for clients without brotli). The apps' built files arrive already compressed (.br/.gz
 * beside each asset) and carry their content-encoding, so they pass through untouched. Register before the routes:
 * the plugin attaches itself to routes as they are added.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    // Request bodies are never decompressed: payment notifications are verified over the exact bytes received, so a
    // compressed body is refused (415) instead of being inflated in front of the raw-body parser.
    requestEncodings: ['identity'],
  });
}
