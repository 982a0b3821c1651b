import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { s3ConfigFromEnv, s3FileStore, signV4, uriEncode } from './s3-file-store';

/** The signer against the worked examples of AWS's "Signature Version 4 for Amazon S3" documentation. */
const EXAMPLE = {
  host: 'examplebucket.s3.amazonaws.com',
  amzDate: '20130524T000000Z',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('AWS Signature Version 4', () => {
  it('signs the GET object example (with a Range header)', () => {
    const signed = signV4({
      ...EXAMPLE,
      method: 'GET',
      path: '/test.txt',
      headers: { Range: 'bytes=0-9' },
      payloadHash: EMPTY,
    });
    expect(signed.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs the PUT object example, a key with a $ in it', () => {
    const signed = signV4({
      ...EXAMPLE,
      method: 'PUT',
      path: `/${uriEncode('test$file.text', true)}`,
      headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      payloadHash: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    });
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('signs the query-string examples: a parameter without a value, and sorted parameters', () => {
    const lifecycle = signV4({
      ...EXAMPLE,
      method: 'GET',
      path: '/',
      query: { lifecycle: '' },
      headers: {},
      payloadHash: EMPTY,
    });
    expect(lifecycle.signature).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
    const list = signV4({
      ...EXAMPLE,
      method: 'GET',
      path: '/',
      query: { prefix: 'J', 'max-keys': '2' },
      headers: {},
      payloadHash: EMPTY,
    });
    expect(list.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('encodes keys byte by byte and keeps slashes in paths', () => {
    expect(uriEncode('images/ab/商品 1.png', true)).toBe('images/ab/%E5%95%86%E5%93%81%201.png');
    expect(uriEncode('a/b')).toBe('a%2Fb');
  });
});

describe('S3 file store', () => {
  it('PUTs the bytes path-style with a signed request and answers the public URL', async () => {
    const seen: { method?: string; url?: string; headers?: Record<string, unknown>; body?: Buffer } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        Object.assign(seen, {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks),
        });
        response.statusCode = 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const store = s3FileStore(
        {
          endpoint: `http://127.0.0.1:${port}`,
          bucket: 'mall',
          region: 'cn-east-1',
          accessKeyId: 'AK',
          secretAccessKey: 'SK',
          publicUrl: 'https://cdn.example.com/',
          pathStyle: true,
          prefix: 'shop/',
        },
        fetch,
        () => new Date('2026-11-20T08:00:00Z'),
      );
      await store.put('images/ab/x.png', new Uint8Array([1, 2, 3]), 'image/png');
      expect(seen.method).toBe('PUT');
      expect(seen.url).toBe('/mall/shop/images/ab/x.png');
      expect([...(seen.body ?? [])]).toEqual([1, 2, 3]);
      expect(seen.headers?.['content-type']).toBe('image/png');
      expect(seen.headers?.['x-amz-date']).toBe('20261120T080000Z');
      expect(String(seen.headers?.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AK\/20261120\/cn-east-1\/s3\/aws4_request,SignedHeaders=cache-control;content-type;host;x-amz-content-sha256;x-amz-date,Signature=[0-9a-f]{64}$/,
      );
      expect(store.url('images/ab/x.png')).toBe('https://cdn.example.com/shop/images/ab/x.png');
      server.removeAllListeners('request');
      server.on('request', (_q, r) => {
        r.statusCode = 403;
        r.end('<Error><Code>AccessDenied</Code></Error>');
      });
      await expect(store.put('images/ab/y.png', new Uint8Array([1]), 'image/png')).rejects.toThrow(
        /HTTP 403 .*AccessDenied/,
      );
    } finally {
      server.close();
    }
  });

  it('is off without MALL_S3_BUCKET and names a missing setting with it', () => {
    expect(s3ConfigFromEnv({})).toBeUndefined();
    expect(() => s3ConfigFromEnv({ MALL_S3_BUCKET: 'b', MALL_S3_ENDPOINT: 'https://s3' })).toThrow(
      /MALL_S3_ACCESS_KEY_ID/,
    );
  });
});
