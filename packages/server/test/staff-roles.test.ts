import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/platform/identity/permissions';
import { ADMIN_PASSWORD, backends, expectLedgerHealthy, fundedInviter, staffToken, type TestServer } from './helpers';

/** Issue 13, 权限中心: staff accounts, stored roles built from the routes' permissions, revocation, TOTP. */
const OPERATOR = [
  'catalog:read',
  'catalog:write',
  'dashboard:read',
  'decoration:write',
  'orders:read',
  'orders:write',
  'plans:read',
  'users:read',
];
const FINANCE = ['dashboard:read', 'finance:read', 'finance:write', 'users:read'];

function codeFor(secret: string, username: string, atMs = Date.now()): string {
  return new TOTP({
    label: username,
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate({
    timestamp: atMs,
  });
}

for (const backend of backends()) {
  describe(`staff and roles (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let counter = 0;
    const name = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`;

    async function login(username: string, password = ADMIN_PASSWORD) {
      return t.api('POST', '/api/admin/login', { body: { username, password } });
    }
    async function newStaff(role: string, password = 'first-pass-1') {
      const username = name('s');
      const created = await t.api('POST', '/api/admin/staff', { token: admin, body: { username, password, role } });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const signedIn = await login(username, password);
      expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
      return { id: (created.body.staff as { id: string }).id, username, token: signedIn.body.token as string };
    }

    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('keeps the built-in roles and their permissions, the admin with every one', async () => {
      const roles = await t.api('GET', '/api/admin/roles', { token: admin });
      const byCode = new Map(
        (roles.body.items as { code: string; permissions: string[]; builtin: boolean }[]).map((r) => [r.code, r]),
      );
      expect([...(byCode.get('operator')?.permissions ?? [])].sort()).toEqual(OPERATOR);
      expect([...(byCode.get('finance')?.permissions ?? [])].sort()).toEqual(FINANCE);
      expect([...(byCode.get('admin')?.permissions ?? [])].sort()).toEqual(Object.keys(PERMISSIONS).sort());
      expect(byCode.get('admin')?.builtin).toBe(true);
      const me = await t.api('GET', '/api/admin/me', { token: await staffToken(t, 'finance') });
      expect([...(me.body.staff as { permissions: string[] }).permissions].sort()).toEqual(FINANCE);
    });

    it('lists the permissions the routes declare, every admin route declares one, and each permission is used', async () => {
      const routes = t.server.app.adminRoutes;
      const undeclared = routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.url}`);
      expect(undeclared).toEqual([]);
      const answer = await t.api('GET', '/api/admin/permissions', { token: admin });
      const listed = answer.body.items as { code: string; label: { zh: string; en: string }; routes: string[] }[];
      expect(listed.map((p) => p.code).sort()).toEqual(Object.keys(PERMISSIONS).sort());
      const finance = listed.find((p) => p.code === 'finance:write');
      expect(finance?.label.zh).toBe('审核与打款提现');
      expect(finance?.routes).toContain('POST /api/admin/withdrawals/:id/approve');
    });

    it('refuses a withdrawal approval to a role without finance:write, and allows it once the role has it', async () => {
      const code = name('auditor');
      const role = await t.api('POST', '/api/admin/roles', {
        token: admin,
        body: { code, nameZh: '审计员', nameEn: 'Auditor', permissions: ['finance:read', 'dashboard:read'] },
      });
      expect(role.status, JSON.stringify(role.body)).toBe(200);
      const member = await newStaff(code);
      const { a } = await fundedInviter(t, admin);
      const requested = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 5000, channel: 'wechat' },
      });
      expect(requested.status, JSON.stringify(requested.body)).toBe(200);
      const id = (requested.body.withdrawal as { id: string }).id;
      expect((await t.api('GET', '/api/admin/withdrawals', { token: member.token })).status).toBe(200);
      const refused = await t.api('POST', `/api/admin/withdrawals/${id}/approve`, { token: member.token, body: {} });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('forbidden');
      const edited = await t.api('PUT', `/api/admin/roles/${code}`, {
        token: admin,
        body: { nameZh: '审计员', permissions: ['finance:read', 'finance:write', 'dashboard:read'] },
      });
      expect(edited.status).toBe(200);
      const approved = await t.api('POST', `/api/admin/withdrawals/${id}/approve`, { token: member.token, body: {} });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect((approved.body.withdrawal as { status: string }).status).toBe('approved');
    });

    it('refuses unknown permissions, changes to built-in roles, and deleting a role someone holds', async () => {
      const bad = await t.api('POST', '/api/admin/roles', {
        token: admin,
        body: { code: name('x'), nameZh: 'x', permissions: ['finance:steal'] },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error?.code).toBe('invalid_parameter');
      const builtin = await t.api('PUT', '/api/admin/roles/operator', {
        token: admin,
        body: { nameZh: '运营', permissions: ['finance:write'] },
      });
      expect(builtin.body.error?.code).toBe('role_builtin');
      expect((await t.api('DELETE', '/api/admin/roles/admin', { token: admin })).body.error?.code).toBe('role_builtin');
      const code = name('clerk');
      await t.api('POST', '/api/admin/roles', { token: admin, body: { code, nameZh: '文员', permissions: [] } });
      const member = await newStaff(code);
      const held = await t.api('DELETE', `/api/admin/roles/${code}`, { token: admin });
      expect(held.body.error?.code).toBe('role_in_use');
      await t.api('PUT', `/api/admin/staff/${member.id}`, { token: admin, body: { role: 'operator' } });
      expect((await t.api('DELETE', `/api/admin/roles/${code}`, { token: admin })).status).toBe(200);
      const operator = await staffToken(t, 'operator');
      expect((await t.api('GET', '/api/admin/staff', { token: operator })).status).toBe(403);
    });

    it("ends a disabled member's sessions at once and refuses their sign-in; nobody disables themselves", async () => {
      const member = await newStaff('operator');
      expect((await t.api('GET', '/api/admin/me', { token: member.token })).status).toBe(200);
      const disabled = await t.api('PUT', `/api/admin/staff/${member.id}`, { token: admin, body: { disabled: true } });
      expect(disabled.status).toBe(200);
      expect((disabled.body.staff as { disabled: boolean }).disabled).toBe(true);
      expect((await t.api('GET', '/api/admin/me', { token: member.token })).status).toBe(401);
      const again = await login(member.username, 'first-pass-1');
      expect(again.status).toBe(403);
      expect(again.body.error?.code).toBe('account_disabled');
      await t.api('PUT', `/api/admin/staff/${member.id}`, { token: admin, body: { disabled: false } });
      expect((await login(member.username, 'first-pass-1')).status).toBe(200);
      const me = await t.api('GET', '/api/admin/me', { token: admin });
      const self = await t.api('PUT', `/api/admin/staff/${(me.body.staff as { id: string }).id}`, {
        token: admin,
        body: { disabled: true },
      });
      expect(self.body.error?.code).toBe('cannot_change_self');
    });

    it('resets a password: every session of the member ends and only the new password works', async () => {
      const member = await newStaff('finance');
      const reset = await t.api('POST', `/api/admin/staff/${member.id}/password`, {
        token: admin,
        body: { newPassword: 'second-pass-2' },
      });
      expect(reset.status).toBe(200);
      expect((await t.api('GET', '/api/admin/me', { token: member.token })).status).toBe(401);
      expect((await login(member.username, 'first-pass-1')).status).toBe(401);
      expect((await login(member.username, 'second-pass-2')).status).toBe(200);
    });

    it('signs out everywhere: every session of the member ends, the calling one too', async () => {
      const member = await newStaff('operator');
      const second = (await login(member.username, 'first-pass-1')).body.token as string;
      const out = await t.api('POST', '/api/admin/me/logout-everywhere', { token: member.token });
      expect(out.status).toBe(200);
      expect((await t.api('GET', '/api/admin/me', { token: member.token })).status).toBe(401);
      expect((await t.api('GET', '/api/admin/me', { token: second })).status).toBe(401);
    });

    it('asks a TOTP member for a code after the password; a code works once, a recovery code once', async () => {
      const member = await newStaff('finance');
      const setup = await t.api('POST', '/api/admin/me/totp/setup', { token: member.token });
      expect(setup.status).toBe(200);
      const secret = setup.body.secret as string;
      expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Mall:.*secret=/);
      const wrong = await t.api('POST', '/api/admin/me/totp/enable', { token: member.token, body: { code: '000000' } });
      expect(wrong.body.error?.code).toBe('invalid_totp');
      // The enrolment code is from the previous 30-second step, so the sign-in below has a fresh step to use.
      const enabled = await t.api('POST', '/api/admin/me/totp/enable', {
        token: member.token,
        body: { code: codeFor(secret, member.username, Date.now() - 30_000) },
      });
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
      const recovery = enabled.body.recoveryCodes as string[];
      expect(recovery).toHaveLength(8);

      const first = await login(member.username, 'first-pass-1');
      expect(first.body).toEqual({ totpRequired: true, challenge: expect.any(String) });
      const challenge = first.body.challenge as string;
      expect((await t.api('GET', '/api/admin/me', { token: challenge })).status).toBe(401);
      const bad = await t.api('POST', '/api/admin/login/totp', { body: { challenge, code: '123456' } });
      expect(bad.status).toBe(401);
      const code = codeFor(secret, member.username);
      const ok = await t.api('POST', '/api/admin/login/totp', { body: { challenge, code } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect((await t.api('GET', '/api/admin/me', { token: ok.body.token as string })).status).toBe(200);
      const spent = await t.api('POST', '/api/admin/login/totp', { body: { challenge, code } });
      expect(spent.status).toBe(401);

      const replay = await login(member.username, 'first-pass-1');
      const reused = await t.api('POST', '/api/admin/login/totp', {
        body: { challenge: replay.body.challenge as string, code },
      });
      expect(reused.body.error?.code).toBe('invalid_totp');
      const byRecovery = await t.api('POST', '/api/admin/login/totp', {
        body: { challenge: replay.body.challenge as string, code: recovery[0] },
      });
      expect(byRecovery.status).toBe(200);
      const third = await login(member.username, 'first-pass-1');
      const recoveryAgain = await t.api('POST', '/api/admin/login/totp', {
        body: { challenge: third.body.challenge as string, code: recovery[0] },
      });
      expect(recoveryAgain.status).toBe(401);

      const reset = await t.api('POST', `/api/admin/staff/${member.id}/totp/reset`, { token: admin });
      expect((reset.body.staff as { totpEnabled: boolean }).totpEnabled).toBe(false);
      expect((await login(member.username, 'first-pass-1')).body.token).toEqual(expect.any(String));
    });

    it('lets a staff manager grant only what they hold, and not take over a stronger account', async () => {
      const code = name('hr');
      await t.api('POST', '/api/admin/roles', {
        token: admin,
        body: { code, nameZh: '人事', permissions: ['staff:read', 'staff:write', 'users:read', 'dashboard:read'] },
      });
      const manager = await newStaff(code);
      const wider = await t.api('POST', '/api/admin/roles', {
        token: manager.token,
        body: { code: name('x'), nameZh: '越权', permissions: ['finance:write'] },
      });
      expect(wider.status).toBe(403);
      expect(wider.body.error?.message).toMatch(/finance:write/);
      const asAdmin = await t.api('POST', '/api/admin/staff', {
        token: manager.token,
        body: { username: name('x'), password: 'whatever-1', role: 'admin' },
      });
      expect(asAdmin.status).toBe(403);
      const me = await t.api('GET', '/api/admin/me', { token: admin });
      const adminId = (me.body.staff as { id: string }).id;
      const takeover = await t.api('POST', `/api/admin/staff/${adminId}/password`, {
        token: manager.token,
        body: { newPassword: 'taken-over-1' },
      });
      expect(takeover.status).toBe(403);
      expect((await login('admin')).status).toBe(200);
      const peer = await t.api('POST', '/api/admin/staff', {
        token: manager.token,
        body: { username: name('p'), password: 'peer-pass-1', role: code },
      });
      expect(peer.status).toBe(200);
    });

    it('counts wrong authenticator codes towards the lockout, which a right password does not clear', async () => {
      const member = await newStaff('operator');
      const setup = await t.api('POST', '/api/admin/me/totp/setup', { token: member.token });
      await t.api('POST', '/api/admin/me/totp/enable', {
        token: member.token,
        body: { code: codeFor(setup.body.secret as string, member.username) },
      });
      for (let i = 0; i < 5; i += 1) {
        const step = await login(member.username, 'first-pass-1');
        expect(step.status, JSON.stringify(step.body)).toBe(200);
        const wrong = await t.api('POST', '/api/admin/login/totp', {
          body: { challenge: step.body.challenge as string, code: '000000' },
        });
        expect(wrong.status).toBe(401);
      }
      const locked = await login(member.username, 'first-pass-1');
      expect(locked.status).toBe(429);
      expect(locked.body.error?.code).toBe('account_locked');
    });
  });
}
