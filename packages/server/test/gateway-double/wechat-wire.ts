import { createCipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { firstHeader } from './http';

/** The WeChat Pay side's key that signs answers and notifications, named by Wechatpay-Serial. */
export interface WechatSigner {
  /** A platform certificate serial (hex) or a public key id (PUB_KEY_ID_...). */
  id: string;
  privateKey: KeyObject;
}

export function rsaSign(message: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(key, 'base64');
}

export function rsaVerify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

export function nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The Wechatpay-* headers over "timestamp\nnonce\nbody\n" as WeChat Pay signs answers and notifications. */
export function signedHeaders(signer: WechatSigner, body: string, timestamp: number): Record<string, string> {
  const n = nonce();
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': n,
    'Wechatpay-Serial': signer.id,
    'Wechatpay-Signature': rsaSign(`${timestamp}\n${n}\n${body}\n`, signer.privateKey),
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Request-ID': randomBytes(12).toString('hex'),
  };
}

/** AEAD_AES_256_GCM: ciphertext||tag in base64, a 12-character nonce and the associated data. */
export function encryptResource(apiV3Key: Buffer, plaintext: string, originalType: string) {
  const resourceNonce = randomBytes(6).toString('hex');
  const associatedData = originalType;
  const cipher = createCipheriv('aes-256-gcm', apiV3Key, Buffer.from(resourceNonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ciphertext.toString('base64'),
    associated_data: associatedData,
    nonce: resourceNonce,
  };
}

export interface MerchantIdentity {
  mchid: string;
  serial: string;
  publicKey: KeyObject;
}

/**
 * Checks OUR request the way WeChat Pay does: the Authorization header names our mchid and certificate serial,
 * the timestamp is within 5 minutes, and the signature covers "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n".
 */
export function checkMerchantSignature(
  merchant: MerchantIdentity,
  method: string,
  pathAndQuery: string,
  headers: IncomingHttpHeaders,
  rawBody: string,
  nowMs: number,
): string | undefined {
  const auth = firstHeader(headers, 'authorization') ?? '';
  if (!auth.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return 'Authorization is not WECHATPAY2-SHA256-RSA2048';
  const fields = new Map<string, string>();
  for (const m of auth.slice(26).matchAll(/([a-z_]+)="([^"]*)"/g)) fields.set(m[1] ?? '', m[2] ?? '');
  if (fields.get('mchid') !== merchant.mchid) return 'mchid does not match';
  if (fields.get('serial_no') !== merchant.serial) return 'serial_no is not the merchant certificate';
  const timestamp = Number(fields.get('timestamp'));
  if (!Number.isSafeInteger(timestamp) || timestamp * 1000 < nowMs - 300_000 || timestamp * 1000 > nowMs + 300_000) {
    return 'timestamp is more than 5 minutes off';
  }
  const message = `${method}\n${pathAndQuery}\n${fields.get('timestamp')}\n${fields.get('nonce_str') ?? ''}\n${rawBody}\n`;
  return rsaVerify(message, fields.get('signature') ?? '', merchant.publicKey)
    ? undefined
    : 'signature does not verify';
}
