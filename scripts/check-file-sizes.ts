/**
 * Keeps rooms small: no source file of packages/*\/src or the apps over 400 lines, no server route module (every
 * file under packages/server/src/http) over 250. Tests, test helpers and i18n message tables are exempt: their
 * length is their content. Prints each file over its limit and exits 1; exit 0 says nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|mts|mjs|js|vue)$/;
const EXEMPT = [/\.test\.ts$/, /\.test-helper\.ts$/, /(^|\/)i18n\.ts$/, /\.d\.ts$/];
const FILE_LIMIT = 400;
const ROUTE_LIMIT = 250;
const ROUTES = 'packages/server/src/http/';

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name)) out.push(relative(ROOT, path).split(sep).join('/'));
  }
  return out;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Each package's and app's src folder; apps/common has none, so all of it is source. The browser tests are not. */
function sourceFolders(): string[] {
  const folders: string[] = [];
  for (const area of ['packages', 'apps']) {
    for (const name of readdirSync(join(ROOT, area))) {
      const home = join(ROOT, area, name);
      if (!statSync(home).isDirectory() || (area === 'apps' && name === 'e2e')) continue;
      folders.push(exists(join(home, 'src')) ? join(home, 'src') : home);
    }
  }
  return folders;
}

const problems: string[] = [];
for (const file of sourceFolders().flatMap((folder) => walk(folder, []))) {
  if (EXEMPT.some((pattern) => pattern.test(file))) continue;
  const text = readFileSync(join(ROOT, file), 'utf8');
  const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  const limit = file.startsWith(ROUTES) ? ROUTE_LIMIT : FILE_LIMIT;
  if (lines > limit) problems.push(`${file}: ${lines} lines (limit ${limit})`);
}
if (problems.length > 0) {
  console.error(`Files over their size limit (split them by what they hold):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
