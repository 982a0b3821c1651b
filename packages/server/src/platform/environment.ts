/**
 * Where the mall runs. `demo` (the default for `npm start`) takes payments through the sandbox gateway, seeds demo
 * data and logs one-time codes; `production` (`MALL_ENV=production`) switches all of that off and refuses to start
 * on anything that could hand out simulated money as real.
 */
export type MallEnvironment = 'demo' | 'production';

export function parseEnvironment(value: string | undefined): MallEnvironment {
  if (value === undefined || value === '' || value === 'demo') return 'demo';
  if (value === 'production') return 'production';
  throw new Error(`MALL_ENV must be "production" or "demo", got ${JSON.stringify(value)}`);
}

/** Staff passwords a production mall accepts at its first start: long enough not to be guessed by the login limit. */
export const MIN_PRODUCTION_PASSWORD_LENGTH = 12;

export const DEMO_NOTICE =
  '演示模式：支付走沙箱网关，是模拟的，不产生真实资金往来 / DEMO MODE: payments go through the sandbox gateway and are simulated; no real money moves. Set MALL_ENV=production for a real mall.';
