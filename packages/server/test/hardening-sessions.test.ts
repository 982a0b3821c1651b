import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/platform/passwords';
import { ADMIN_PASSWORD, backends, nextPhone, registerShopper, staffToken, type TestServer } from './helpers';

/** Issue 7, findings 3 and 5: one-time codes, sessions, lockout, and client addresses behind a proxy. */
const sent: { phone: string; code: string }[] = [];
const sms = {
  send: async (phone: string, text: string): Promise<void> => {
    const code = /(\d{6})/.exec(text)?.[1];
    if (code !== undefined) sent.push({ phone, code });
  },
};
const lastCode = (phone: string): string => {
  const found = [...sent].reverse().find((s) => s.phone === phone);
  if (found === undefined) throw new Error(`no code sent to ${phone}`);
  return found.code;
};

for (const backend of backends()) {
  describe(`one-time codes (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start({ sms });
    });
    afterAll(() => t.close());

    it('kills a code after five wrong tries: eight wrong codes then the right one do not sign in', async () => {
      const phone = nextPhone();
      expect((await t.api('POST', '/api/shop/login/code/send', { body: { phone } })).status).toBe(200);
      const code = lastCode(phone);
      const wrong = code === '123456' ? '654321' : '123456';
      for (let i = 0; i < 8; i += 1) {
        const answer = await t.api('POST', '/api/shop/login/code', { body: { phone, code: wrong } });
        expect(answer.status).toBe(401);
      }
      const right = await t.api('POST', '/api/shop/login/code', { body: { phone, code } });
      expect(right.status).toBe(401);
      expect(right.body.error?.code).toBe('invalid_code');
      const row = await t.server.store.db
        .selectFrom('login_codes')
        .selectAll()
        .where('phone', '=', phone)
        .executeTakeFirstOrThrow();
      // Eight wrong tries and the refused right one.
      expect(row.attempts).toBe(9n);
      // Stored only as a keyed hash: neither the code nor its plain SHA-256 is in the table.
      expect(row.code_hash).not.toContain(code);
      expect(row.code_hash).not.toBe(sha256(`${phone}:${code}`));
    });

    it('signs in with the right code once, also when it is tried concurrently', async () => {
      const phone = nextPhone();
      await t.api('POST', '/api/shop/login/code/send', { body: { phone } });
      const code = lastCode(phone);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => t.api('POST', '/api/shop/login/code', { body: { phone, code } })),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    });

    it('sends at most one code per minute and ten per day to one phone', async () => {
      const phone = nextPhone();
      expect((await t.api('POST', '/api/shop/login/code/send', { body: { phone } })).status).toBe(200);
      const again = await t.api('POST', '/api/shop/login/code/send', { body: { phone } });
      expect(again.status).toBe(429);
      expect(again.body.error?.code).toBe('code_resend_too_soon');
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => t.api('POST', '/api/shop/login/code/send', { body: { phone } })),
      );
      expect(concurrent.every((a) => a.status === 429)).toBe(true);
      let sends = 1;
      for (;;) {
        // Move the last send a minute into the past, as the clock would.
        await t.server.store.db
          .updateTable('login_codes')
          .set({ sent_at: '2000-01-01T00:00:00.000Z' })
          .where('phone', '=', phone)
          .execute();
        const answer = await t.api('POST', '/api/shop/login/code/send', { body: { phone } });
        if (answer.status !== 200) {
          expect(answer.status).toBe(429);
          expect(answer.body.error?.code).toBe('code_daily_limit');
          break;
        }
        sends += 1;
        expect(sends).toBeLessThanOrEqual(10);
      }
      expect(sends).toBe(10);
      expect(sent.filter((s) => s.phone === phone)).toHaveLength(10);
    });
  });

  describe(`no SMS sender in production (${backend.name})`, () => {
    it('answers the code routes with sms_unavailable instead of writing codes to the log', async () => {
      const t = await backend.start({ environment: 'production', adminPassword: 'a-long-production-password' });
      try {
        const answer = await t.api('POST', '/api/shop/login/code/send', { body: { phone: nextPhone() } });
        expect(answer.status).toBe(503);
        expect(answer.body.error?.code).toBe('sms_unavailable');
      } finally {
        await t.close();
      }
    });
  });

  describe(`sessions end when they should (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(() => t.close());

    it('logs a shopper out at once, also in a second server process', async () => {
      const shopper = await registerShopper(t);
      const other = await t.attach();
      try {
        expect((await other.api('GET', '/api/shop/me', { token: shopper.token })).status).toBe(200);
        expect((await t.api('POST', '/api/shop/logout', { token: shopper.token })).status).toBe(200);
        expect((await t.api('GET', '/api/shop/me', { token: shopper.token })).status).toBe(401);
        expect((await other.api('GET', '/api/shop/me', { token: shopper.token })).status).toBe(401);
      } finally {
        await other.stop();
      }
    });

    it('ends every other staff session when the password changes', async () => {
      const first = await staffToken(t, 'operator');
      const second = await staffToken(t, 'operator');
      const change = await t.api('POST', '/api/admin/me/password', {
        token: second,
        body: { oldPassword: ADMIN_PASSWORD, newPassword: 'operator-new-password' },
      });
      expect(change.status).toBe(200);
      expect((await t.api('GET', '/api/admin/me', { token: first })).status).toBe(401);
      expect((await t.api('GET', '/api/admin/me', { token: second })).status).toBe(200);
      const wrongOld = await t.api('POST', '/api/admin/me/password', {
        token: second,
        body: { oldPassword: 'not-it', newPassword: 'another-new-password' },
      });
      expect(wrongOld.status).toBe(401);
      expect((await t.api('POST', '/api/admin/logout', { token: second })).status).toBe(200);
      expect((await t.api('GET', '/api/admin/me', { token: second })).status).toBe(401);
      const login = await t.api('POST', '/api/admin/login', {
        body: { username: 'operator', password: 'operator-new-password' },
      });
      expect(login.status).toBe(200);
    });

    it("ends a shopper's other sessions when the password changes", async () => {
      const shopper = await registerShopper(t);
      const second = await t.api('POST', '/api/shop/login', { body: { phone: shopper.phone, password: 'secret123' } });
      const change = await t.api('POST', '/api/shop/me/password', {
        token: second.body.token as string,
        body: { oldPassword: 'secret123', newPassword: 'better-secret' },
      });
      expect(change.status).toBe(200);
      expect((await t.api('GET', '/api/shop/me', { token: shopper.token })).status).toBe(401);
      expect((await t.api('GET', '/api/shop/me', { token: second.body.token as string })).status).toBe(200);
    });

    it('locks an account after five failed sign-ins, whatever address they come from, and not its neighbours', async () => {
      const shopper = await registerShopper(t);
      const neighbour = await registerShopper(t);
      for (let i = 0; i < 5; i += 1) {
        const answer = await t.api('POST', '/api/shop/login', { body: { phone: shopper.phone, password: 'nope' } });
        expect(answer.status).toBe(401);
      }
      const locked = await t.api('POST', '/api/shop/login', { body: { phone: shopper.phone, password: 'secret123' } });
      expect(locked.status).toBe(429);
      expect(locked.body.error?.code).toBe('account_locked');
      const fine = await t.api('POST', '/api/shop/login', { body: { phone: neighbour.phone, password: 'secret123' } });
      expect(fine.status).toBe(200);
      for (let i = 0; i < 5; i += 1) {
        await t.api('POST', '/api/admin/login', { body: { username: 'finance', password: 'nope' } });
      }
      const staffLocked = await t.api('POST', '/api/admin/login', {
        body: { username: 'finance', password: ADMIN_PASSWORD },
      });
      expect(staffLocked.status).toBe(429);
    });
  });

  describe(`behind a reverse proxy (${backend.name})`, () => {
    it('rate-limits by the forwarded client address when trustProxy is set', async () => {
      const t = await backend.start({ trustProxy: true, authRateLimitPerMinute: 3 });
      try {
        const attempt = (ip: string) =>
          t.api('POST', '/api/shop/login', {
            body: { phone: '13900000000', password: 'whatever' },
            headers: { 'x-forwarded-for': ip },
          });
        for (let i = 0; i < 3; i += 1) expect((await attempt('203.0.113.1')).status).toBe(401);
        expect((await attempt('203.0.113.1')).status).toBe(429);
        expect((await attempt('203.0.113.2')).status).not.toBe(429);
      } finally {
        await t.close();
      }
    });
  });
}
