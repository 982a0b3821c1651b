import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

/** A fresh RSA-2048 key pair, as the gateways use, made when the double starts: no key is checked in. */
export function testKeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A 40-hex-digit certificate serial like WeChat Pay's platform and merchant certificates carry. */
export function testSerial(): string {
  return randomBytes(20).toString('hex').toUpperCase();
}

/** 32 printable bytes, the shape of an APIv3 key. */
export function testApiV3Key(): Buffer {
  return Buffer.from(randomBytes(24).toString('base64'), 'utf8');
}
