import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilerMismatches, flatten, keysUsed, placeholders, type Messages } from '../../common/i18n-check';

/** Every storefront label exists in Chinese and English, and every key the storefront names exists in both. */
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

describe('storefront messages', () => {
  it('has the same keys in Chinese and English, none empty, with the same placeholders', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    for (const [key, text] of zh) {
      expect(text.trim(), key).not.toBe('');
      expect(en.get(key)?.trim(), key).not.toBe('');
      expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('has every key the storefront names, in both languages', () => {
    const used = keysUsed(fileURLToPath(new URL('../src', import.meta.url)));
    expect(used.literal.size).toBeGreaterThan(150);
    const missing = [...used.literal].filter((k) => !zh.has(k) || !en.has(k));
    expect(missing).toEqual([]);
    const groups = [...used.prefixes, ...used.labelGroups].filter(
      (p) => ![...zh.keys()].some((k) => k.startsWith(`${p}.`)) || ![...en.keys()].some((k) => k.startsWith(`${p}.`)),
    );
    expect(groups).toEqual([]);
  });
  it("reads every message with our message compiler as vue-i18n's own compiler does", () => {
    const { mismatches, compared } = compilerMismatches({ 'zh-CN': zhTable, en: enTable });
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(800);
  });
});
