import type { Decorator } from 'wechatpay-axios-plugin';
import { failure, type GatewayFailure } from './gateway';

type Json = Record<string, unknown>;

export type WechatCallResult = { ok: true; value: Json; bytes?: Buffer } | GatewayFailure;

export interface WechatCallExtra {
  params?: Record<string, string>;
  headers?: Record<string, string>;
  responseType?: 'arraybuffer';
  baseURL?: string;
}

export type WechatCall = (
  method: 'get' | 'post',
  path: string,
  body?: Json,
  extra?: WechatCallExtra,
) => Promise<WechatCallResult>;

interface AxiosLikeError {
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown };
}

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/**
 * One signed request through the SDK (it signs with the merchant key and verifies the answer's Wechatpay-Signature
 * with the platform certificate or public key it names), mapped to our result codes: a timeout, a network or 5xx
 * failure, a business refusal with WeChat's code, or an answer whose signature does not verify.
 */
export async function callWechat(
  client: Decorator,
  method: 'get' | 'post',
  path: string,
  body?: Json,
  extra: WechatCallExtra = {},
): Promise<WechatCallResult> {
  try {
    const res = await client.request(path, method, body, extra);
    if (extra.responseType === 'arraybuffer') {
      const raw: unknown = res.data;
      const bytes = Buffer.isBuffer(raw) ? raw : raw instanceof ArrayBuffer ? Buffer.from(raw) : Buffer.alloc(0);
      return { ok: true, value: {}, bytes };
    }
    return { ok: true, value: asObject(res.data) };
  } catch (thrown) {
    return mapError(thrown as AxiosLikeError);
  }
}

function mapError(err: AxiosLikeError): GatewayFailure {
  const code = err.code ?? '';
  if (code.startsWith('EV3_RES_')) return failure('gateway_bad_response', `answer refused: ${code}`);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT')
    return failure('gateway_timeout', 'WeChat Pay did not answer in time');
  const status = err.response?.status;
  if (status === undefined) return failure('gateway_unavailable', `WeChat Pay unreachable (${code || 'network'})`);
  const data = asObject(err.response?.data);
  const gatewayCode = typeof data.code === 'string' ? data.code : undefined;
  const message = typeof data.message === 'string' ? data.message : `HTTP ${status}`;
  if (status >= 500) return failure('gateway_unavailable', message, gatewayCode);
  return failure('gateway_rejected', message, gatewayCode);
}
