import { createSession, revokeSession } from '../../platform/identity/sessions';
import { changeUserPassword, getUser, loginUser, registerShopper } from '../../platform/identity/shoppers';
import { hashPassword } from '../../platform/passwords';
import { issueLoginCode, signInWithCode } from '../../platform/identity/login-codes';
import { shopperCard } from '../../incentives/shopper-profiles';
import { fail } from '../../platform/errors';
import { grantNewShopperGifts } from '../../commerce/checkout/coupon-templates';
import { bearer, shopperId, type RouteModule } from '../context';
import { authAnswer, bool, obj, phone, publicShop, shopTags, str, userSchema } from '../schemas';

/** Register, sign in (password or one-time code) and who am I. */
export const shopAuthRoutes: RouteModule = async (app, ctx, options) => {
  const db = ctx.store.db;
  const authLimit = { public: true, rateLimit: { max: options.authRateLimitPerMinute, timeWindow: 60_000 } };
  const none = { errors: [] };

  app.post<{ Body: { phone: string; password: string; inviteCode?: string } }>(
    '/api/shop/register',
    {
      config: { ...authLimit, errors: ['phone_taken', 'invalid_invite_code'] },
      schema: {
        ...publicShop,
        summary: 'Register a shopper, optionally with an invite code (binds the referrer for good)',
        body: obj(
          {
            phone,
            password: str({ minLength: 6, maxLength: 128 }),
            inviteCode: str({ maxLength: 32 }),
          },
          ['phone', 'password'],
        ),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const user = await registerShopper(db, request.body);
      // New-shopper coupons (新人礼) after the account exists: a sold-out gift never blocks a registration.
      await grantNewShopperGifts(db, user.id);
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await shopperCard(db, user) };
    },
  );

  app.post<{ Body: { phone: string; password: string } }>(
    '/api/shop/login',
    {
      config: { ...authLimit, errors: ['invalid_credentials', 'account_locked'] },
      schema: {
        ...publicShop,
        summary: 'Sign in with phone and password (any phone: a wrong one is 401 like a wrong password)',
        body: obj({ phone: str({ minLength: 1, maxLength: 20 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'phone',
          'password',
        ]),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const user = await loginUser(db, request.body.phone, request.body.password);
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await shopperCard(db, user) };
    },
  );

  app.post<{ Body: { phone: string } }>(
    '/api/shop/login/code/send',
    {
      config: { ...authLimit, errors: ['sms_unavailable', 'code_resend_too_soon', 'code_daily_limit'] },
      schema: {
        ...publicShop,
        summary: 'Send a one-time sign-in code by SMS',
        body: obj({ phone }, ['phone']),
        response: { 200: obj({ sent: bool }) },
      },
    },
    async (request) => {
      await issueLoginCode(db, ctx.sms, ctx.codeSecret, request.body.phone);
      return { sent: true };
    },
  );

  app.post<{ Body: { phone: string; code: string } }>(
    '/api/shop/login/code',
    {
      config: { ...authLimit, errors: ['invalid_code', 'phone_taken'] },
      schema: {
        ...publicShop,
        summary: 'Sign in (or register) with a one-time code',
        body: obj({ phone, code: str({ minLength: 4, maxLength: 8 }) }, ['phone', 'code']),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const user = await signInWithCode(db, ctx.codeSecret, request.body.phone, request.body.code);
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await shopperCard(db, user) };
    },
  );

  app.get(
    '/api/shop/me',
    {
      config: none,
      schema: { tags: shopTags, summary: 'The signed-in shopper', response: { 200: obj({ user: userSchema }) } },
    },
    async (request) => {
      const user = await getUser(db, await shopperId(ctx, request));
      if (!user) fail('unauthorized');
      return { user: await shopperCard(db, user) };
    },
  );

  app.post(
    '/api/shop/logout',
    {
      config: none,
      schema: { tags: shopTags, summary: 'Sign out: this token stops working at once', response: { 200: okAnswer } },
    },
    async (request) => {
      await shopperId(ctx, request);
      await revokeSession(db, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword?: string; newPassword: string } }>(
    '/api/shop/me/password',
    {
      config: { errors: ['invalid_credentials'] },
      schema: {
        tags: shopTags,
        summary: 'Set or change the password; every other session of this shopper ends',
        body: obj({ oldPassword: str({ maxLength: 128 }), newPassword: str({ minLength: 8, maxLength: 128 }) }, [
          'newPassword',
        ]),
        response: { 200: okAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const hash = await hashPassword(request.body.newPassword);
      await changeUserPassword(db, userId, request.body.oldPassword, hash, bearer(request) ?? '');
      return { ok: true };
    },
  );
};

const okAnswer = obj({ ok: bool }, ['ok']);
