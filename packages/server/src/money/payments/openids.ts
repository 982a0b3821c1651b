import type { Db, Tx } from '../../platform/db/database';
import { fail, type ErrorCode } from '../../platform/errors';
import { nowIso } from '../../platform/clock';
import type { GatewayRegistry } from './gateways';

/**
 * The shopper's openid under our official account's appid, which WeChat JSAPI payments and merchant transfers name
 * the payer by. Bound by snsapi_base web authorisation: the storefront, opened inside WeChat, sends the shopper to
 * WeChat's authorise page, WeChat returns with a one-time code, and the server exchanges the code for the openid.
 */
export async function openidOf(db: Db | Tx, userId: string, appid: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_openids')
    .select('openid')
    .where('user_id', '=', userId)
    .where('appid', '=', appid)
    .executeTakeFirst();
  return row?.openid;
}

/** WeChat's authorise URL for snsapi_base, returning to `redirectUri` with `?code=...&state=...`. */
export function oauthUrl(gateways: GatewayRegistry, redirectUri: string, state: string): string {
  const wechat = gateways.wechat;
  if (wechat === undefined || !gateways.summary().some((g) => g.gateway === 'wechat' && g.oauth)) {
    fail('channel_unavailable', 'WeChat web authorisation is not configured');
  }
  return wechat.oauthAuthorizeUrl(redirectUri, state);
}

/** Exchanges the code WeChat returned for the shopper's openid and keeps it (a later binding replaces it). */
export async function bindOpenid(db: Db, gateways: GatewayRegistry, userId: string, code: string): Promise<void> {
  const wechat = gateways.wechat;
  const appid = gateways.wechatAppId;
  if (wechat === undefined || appid === undefined) fail('channel_unavailable', 'WeChat Pay is not configured');
  const answer = await wechat.exchangeOauthCode(code);
  if (!answer.ok) fail(answer.code as ErrorCode, answer.gatewayCode);
  const openid = answer.value.openid;
  await db
    .insertInto('user_openids')
    .values({ user_id: userId, appid, openid, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['user_id', 'appid']).doUpdateSet({ openid, created_at: nowIso() }))
    .execute();
}
