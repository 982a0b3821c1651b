import { alipayProvider, type AlipayProvider } from './alipay';
import { configuredChannels, type PaymentsConfig } from './config';
import { CHANNEL_GATEWAY, type GatewayName, type GatewayProvider, type PaymentChannel } from './gateway';
import { wechatPayProvider, type WechatPayProvider } from './wechat-pay';

/** The channels a payment row may name: the gateways' five, the sandbox and the wallet. */
export const GATEWAY_CHANNELS = Object.keys(CHANNEL_GATEWAY) as PaymentChannel[];

export function isGatewayChannel(channel: string): channel is PaymentChannel {
  return Object.hasOwn(CHANNEL_GATEWAY, channel);
}

/**
 * The gateway behind a payment channel, which names its ledger account: `gateway:wechat` for every WeChat channel,
 * `gateway:sandbox` for the sandbox. The wallet has none (its money moves between ledger accounts only).
 */
export function gatewayOf(channel: string): string {
  return isGatewayChannel(channel) ? CHANNEL_GATEWAY[channel] : channel;
}

/** What the admin page may show of a gateway's configuration: identities and URLs, never a key or a secret. */
export interface GatewaySummary {
  gateway: GatewayName;
  channels: PaymentChannel[];
  merchantId: string;
  appId: string;
  notifyUrl: string;
  apiBaseUrl: string;
  /** WeChat: which keys verify the gateway (public key id, platform certificates). */
  verifiers: string[];
  oauth: boolean;
  transfers: boolean;
}

/**
 * The real gateways this process talks to, built once from the configuration (environment variables, or a test's
 * configuration pointed at the gateway double). Empty when none is configured: the checkout then offers the sandbox
 * (demo mode) and the wallet only.
 */
export class GatewayRegistry {
  #config: PaymentsConfig = {};
  #wechat: WechatPayProvider | undefined;
  #alipay: AlipayProvider | undefined;

  configure(config: PaymentsConfig): void {
    this.#config = config;
    this.#wechat = config.wechat === undefined ? undefined : wechatPayProvider(config.wechat);
    this.#alipay = config.alipay === undefined ? undefined : alipayProvider(config.alipay);
  }

  get wechat(): WechatPayProvider | undefined {
    return this.#wechat;
  }

  get alipay(): AlipayProvider | undefined {
    return this.#alipay;
  }

  /** The WeChat appid openids are bound under (JSAPI payments and transfers). */
  get wechatAppId(): string | undefined {
    return this.#config.wechat?.appid;
  }

  provider(gateway: string): GatewayProvider | undefined {
    return gateway === 'wechat' ? this.#wechat : gateway === 'alipay' ? this.#alipay : undefined;
  }

  /** Exactly the channels the checkout may offer, in a stable order. */
  channels(): PaymentChannel[] {
    return configuredChannels(this.#config);
  }

  offers(channel: string): boolean {
    return this.channels().some((c) => c === channel);
  }

  configured(): boolean {
    return this.channels().length > 0;
  }

  /** The public base URL of this mall (where the notify routes live): return pages are built on it. */
  publicBaseUrl(): string | undefined {
    const notify = this.#config.wechat?.notifyUrl ?? this.#config.alipay?.notifyUrl;
    return notify === undefined ? undefined : notify.replace(/\/api\/payments\/[a-z]+\/notify$/, '');
  }

  summary(): GatewaySummary[] {
    const out: GatewaySummary[] = [];
    const w = this.#config.wechat;
    if (w !== undefined) {
      out.push({
        gateway: 'wechat',
        channels: [...w.channels],
        merchantId: w.mchid,
        appId: w.appid,
        notifyUrl: w.notifyUrl,
        apiBaseUrl: w.apiBaseUrl,
        verifiers: [...w.verifiers.keys()],
        oauth: w.appSecret !== undefined,
        transfers: w.transferSceneId !== undefined,
      });
    }
    const a = this.#config.alipay;
    if (a !== undefined) {
      out.push({
        gateway: 'alipay',
        channels: [...a.channels],
        merchantId: a.sellerId,
        appId: a.appId,
        notifyUrl: a.notifyUrl,
        apiBaseUrl: a.gatewayUrl,
        verifiers: ['alipay public key'],
        oauth: false,
        transfers: true,
      });
    }
    return out;
  }
}
