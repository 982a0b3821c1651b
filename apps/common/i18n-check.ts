import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n } from 'vue-i18n';
import { messageCompiler } from './message-format';

/**
 * Checks an app's message tables (used by each app's i18n test): both languages have the same keys, no message is
 * empty, the {placeholders} match, and every key the source names in t('...') exists in both.
 */
export type Messages = { [key: string]: string | Messages };

export function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(vue|ts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Literal keys: t('a.b'), te('a.b'), title: 'menu.x'; and the prefixes of template keys t(`a.b.${x}`). */
export function keysUsed(srcDir: string): { literal: Set<string>; prefixes: Set<string>; labelGroups: Set<string> } {
  const literal = new Set<string>();
  const prefixes = new Set<string>();
  const labelGroups = new Set<string>();
  for (const file of sources(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) literal.add(m[1] as string);
    for (const m of text.matchAll(/\btitle:\s*'(menu\.[A-Za-z0-9_.]+)'/g)) literal.add(m[1] as string);
    for (const m of text.matchAll(/\bt\(\s*`([A-Za-z0-9_.]+)\.\$\{/g)) prefixes.add(m[1] as string);
    for (const m of text.matchAll(/\blabel\(\s*'([A-Za-z0-9_]+)'/g)) labelGroups.add(m[1] as string);
  }
  return { literal, prefixes, labelGroups };
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}

/**
 * Every message of an app's tables (one per locale) read by our message compiler and by vue-i18n's own, each
 * placeholder given (text and numbers in turn): where the two differ, and how many messages were compared.
 */
export function compilerMismatches(tables: Record<string, Messages>): { mismatches: string[]; compared: number } {
  type Translate = { global: { t: (key: string, named: Record<string, unknown>) => string } };
  const mismatches: string[] = [];
  let compared = 0;
  for (const [locale, table] of Object.entries(tables)) {
    const options = { legacy: false, locale, missingWarn: false, fallbackWarn: false, messages: { [locale]: table } };
    const reference = createI18n(options) as unknown as Translate;
    const ours = createI18n({ ...options, messageCompiler }) as unknown as Translate;
    for (const [key, text] of flatten(table)) {
      const named = Object.fromEntries(placeholders(text).map((p, i) => [p, i % 2 === 0 ? `<${p}>` : i * 7]));
      const mine = ours.global.t(key, named);
      const theirs = reference.global.t(key, named);
      if (mine !== theirs) mismatches.push(`${locale} ${key}: ${JSON.stringify(mine)} != ${JSON.stringify(theirs)}`);
      compared += 1;
    }
  }
  return { mismatches, compared };
}
