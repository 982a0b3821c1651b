import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'mall-build-'));

function node(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout };
}

describe('the built mall command (scripts/build-cli.mjs, run at npm ci)', () => {
  beforeAll(() => {
    // A scratch folder: the dist the bin runs is left alone while other test files use it.
    execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], {
      cwd: root,
      env: { ...process.env, MALL_BUILD_OUT: out },
      encoding: 'utf8',
    });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is plain JavaScript that loads no TypeScript tooling and keeps each sub-command in its own chunk', () => {
    const main = readFileSync(join(out, 'main.js'), 'utf8');
    expect(main).not.toMatch(/tsx/);
    expect(main).toMatch(/import\(["']\.\/chunks\/simulate-/);
    expect(main).not.toMatch(/fastify/);
    expect(existsSync(join(out, 'build.json'))).toBe(true);
  });

  it('prints the same simulation result as the TypeScript source, byte for byte', () => {
    const args = ['simulate', '--generate', '--orders', '300', '--repeat-bps', '2000', '--redeem-bps', '500'];
    const built = node([join(out, 'main.js'), ...args]);
    const source = node([join(root, 'packages/server/bin/mall.js'), ...args], { MALL_FROM_SOURCE: '1' });
    expect(built.status).toBe(0);
    expect(source.status).toBe(0);
    expect(built.stdout.length).toBeGreaterThan(1000);
    expect(built.stdout).toBe(source.stdout);
  });

  it('answers --help and refuses an unknown command with exit 2', () => {
    const help = node([join(out, 'main.js'), '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: mall <command>');
    expect(node([join(out, 'main.js'), 'nonsense']).status).toBe(2);
  });
});
