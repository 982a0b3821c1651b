import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilerMismatches, flatten, keysUsed, placeholders, type Messages } from '../../common/i18n-check';

/** Every admin label exists in Chinese and English, and every key the console names exists in both. */
let zh: Map<string, string>;
let en: Map<string, string>;
let zhTable: Messages;
let enTable: Messages;

beforeAll(async () => {
  // The message module reads the saved language from localStorage when it loads.
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    },
  });
  const { i18n } = await import('../src/lib/i18n');
  zhTable = i18n.global.getLocaleMessage('zh-CN') as unknown as Messages;
  enTable = i18n.global.getLocaleMessage('en') as unknown as Messages;
  zh = flatten(zhTable);
  en = flatten(enTable);
});

describe('admin console messages', () => {
  it('has the same keys in Chinese and English, none empty, with the same placeholders', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    for (const [key, text] of zh) {
      expect(text.trim(), key).not.toBe('');
      expect(en.get(key)?.trim(), key).not.toBe('');
      expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('has every key the console names, in both languages', () => {
    const used = keysUsed(fileURLToPath(new URL('../src', import.meta.url)));
    expect(used.literal.size).toBeGreaterThan(200);
    const missing = [...used.literal].filter((k) => !zh.has(k) || !en.has(k));
    expect(missing).toEqual([]);
    const groups = [...used.prefixes, ...used.labelGroups].filter(
      (p) => ![...zh.keys()].some((k) => k.startsWith(`${p}.`)) || ![...en.keys()].some((k) => k.startsWith(`${p}.`)),
    );
    expect(groups).toEqual([]);
  });

  it('shows no Chinese text in its templates but through the messages (the logo character aside)', () => {
    const root = fileURLToPath(new URL('../src', import.meta.url));
    const files = ['views', 'components'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.vue'))
        .map((f) => join(root, dir, f)),
    );
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const template = text.slice(text.indexOf('<template>'), text.lastIndexOf('</template>'));
      for (const line of template.split('\n')) {
        const bare = line.replace(/<!--.*?-->/g, '').replace('<div class="logo">惠</div>', '');
        if (/[\u4e00-\u9fff]/.test(bare)) offenders.push(`${file.slice(root.length)}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
  it("reads every message with our message compiler as vue-i18n's own compiler does", () => {
    const { mismatches, compared } = compilerMismatches({ 'zh-CN': zhTable, en: enTable });
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(1500);
  });
});
