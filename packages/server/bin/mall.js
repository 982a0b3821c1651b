#!/usr/bin/env node
// Installed use runs the JavaScript that `npm ci` built into dist/ (scripts/build-cli.mjs, the root `prepare`
// script): no TypeScript is transpiled at start. When there is no build, when a source file is newer than the build
// (a developer editing), or with MALL_FROM_SOURCE=1, it runs the TypeScript source through tsx instead.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'main.js');

function buildIsCurrent() {
  if (process.env.MALL_FROM_SOURCE === '1') return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(here, '..', 'dist', 'build.json'), 'utf8')).newestSourceMs;
  } catch {
    return false;
  }
  // About 200 stat calls, a few milliseconds: cheap next to the second or more a TypeScript start costs.
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > stamp;
    });
  for (const dir of [join(here, '..', 'src'), join(here, '..', '..', 'core', 'src')]) {
    if (existsSync(dir) && newer(dir)) return false;
  }
  return existsSync(built);
}

if (buildIsCurrent()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
