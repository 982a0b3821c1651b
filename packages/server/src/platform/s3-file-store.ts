import { createHash, createHmac } from 'node:crypto';
import type { FileStore } from './uploads';

/**
 * Uploaded files in S3-compatible object storage (AWS S3, Aliyun OSS, Tencent COS, MinIO), written with one signed PUT
 * per file (AWS Signature Version 4) instead of an SDK. Configured by environment variables (see s3ConfigFromEnv);
 * the files are served from the bucket's public URL (or a CDN in front of it), not by the mall.
 */
export interface S3Config {
  /** e.g. https://s3.amazonaws.com, https://oss-cn-hangzhou.aliyuncs.com, http://127.0.0.1:9000 */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where browsers load the files from, e.g. https://cdn.example.com or the bucket's own URL. */
  publicUrl: string;
  /** Path-style addressing (endpoint/bucket/key), which MinIO needs; otherwise bucket.endpoint/key. */
  pathStyle: boolean;
  /** Prepended to every key, e.g. "mall/". */
  prefix: string;
}

export interface SignInput {
  method: string;
  host: string;
  /** The URI-encoded path, as sent. */
  path: string;
  query?: Record<string, string>;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (which are always signed). */
  headers: Record<string, string>;
  payloadHash: string;
  /** YYYYMMDDTHHMMSSZ */
  amzDate: string;
  region: string;
  service?: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters, each byte as %XX. */
export function uriEncode(text: string, keepSlash = false): string {
  return [...new TextEncoder().encode(text)]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The Authorization header (and the headers it signs) for one request. */
export function signV4(input: SignInput): {
  authorization: string;
  signature: string;
  headers: Record<string, string>;
} {
  const service = input.service ?? 's3';
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]),
    ),
    host: input.host,
    'x-amz-content-sha256': input.payloadHash,
    'x-amz-date': input.amzDate,
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const query = Object.entries(input.query ?? {})
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    input.method,
    input.path,
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', input.amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { authorization, signature, headers: { ...headers, authorization } };
}

function amzDateOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function s3FileStore(
  config: S3Config,
  send: typeof fetch = fetch,
  now: () => Date = () => new Date(),
): FileStore {
  const endpoint = new URL(config.endpoint);
  const publicBase = config.publicUrl.replace(/\/+$/, '');
  return {
    async put(key, bytes, contentType) {
      const objectKey = `${config.prefix}${key}`;
      const host = config.pathStyle ? endpoint.host : `${config.bucket}.${endpoint.host}`;
      const path = config.pathStyle
        ? `/${uriEncode(config.bucket)}/${uriEncode(objectKey, true)}`
        : `/${uriEncode(objectKey, true)}`;
      const signed = signV4({
        method: 'PUT',
        host,
        path,
        headers: { 'content-type': contentType, 'cache-control': 'public, max-age=31536000, immutable' },
        payloadHash: sha256Hex(bytes),
        amzDate: amzDateOf(now()),
        region: config.region,
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
      });
      const { host: _host, ...headers } = signed.headers;
      const response = await send(`${endpoint.protocol}//${host}${path}`, {
        method: 'PUT',
        headers,
        body: new Uint8Array(bytes),
      });
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw new Error(`object storage refused ${objectKey}: HTTP ${response.status} ${text.slice(0, 200)}`);
      }
    },
    url: (key) => `${publicBase}/${config.prefix}${key}`,
  };
}

/** MALL_S3_BUCKET turns object storage on; the other MALL_S3_* variables then must be set (an error names a missing one). */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv): S3Config | undefined {
  if (env.MALL_S3_BUCKET === undefined || env.MALL_S3_BUCKET === '') return undefined;
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`MALL_S3_BUCKET is set, so ${name} is needed too`);
    return value;
  };
  return {
    endpoint: need('MALL_S3_ENDPOINT'),
    bucket: env.MALL_S3_BUCKET,
    region: env.MALL_S3_REGION ?? 'us-east-1',
    accessKeyId: need('MALL_S3_ACCESS_KEY_ID'),
    secretAccessKey: need('MALL_S3_SECRET_ACCESS_KEY'),
    publicUrl: need('MALL_S3_PUBLIC_URL'),
    pathStyle: env.MALL_S3_PATH_STYLE === 'true' || env.MALL_S3_PATH_STYLE === '1',
    prefix: env.MALL_S3_PREFIX ?? '',
  };
}
