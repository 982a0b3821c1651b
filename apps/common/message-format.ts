import type { MessageCompiler, MessageContext } from 'vue-i18n';

/**
 * The apps' message compiler for vue-i18n: text with `{name}` (and `{0}`) placeholders, which is all our messages
 * use. vue-i18n's own compiler tokenises and parses every message into a tree on its first use, a few milliseconds
 * of each page's first render on a phone (the storefront's first screen alone uses some thirty messages). Here a
 * message is split once at its braces and cached. Plural (`|`), linked (`@:`) and literal (`{'x'}`) syntax is refused
 * with an error naming the message: each app's i18n test compiles every message, and checks the result against
 * vue-i18n's own, so a message that needs them fails there, not on a shopper's screen.
 */
type Part = string | { named: string } | { list: number };

/** A placeholder's value as vue-i18n shows it: nothing for null, JSON for objects and arrays. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

const cache = new Map<string, (ctx: MessageContext<string>) => string>();

export function parseMessage(source: string): Part[] {
  const parts: Part[] = [];
  const pattern = /\{\s*([^{}]*?)\s*\}/g;
  let at = 0;
  for (let m = pattern.exec(source); m !== null; m = pattern.exec(source)) {
    if (m.index > at) parts.push(source.slice(at, m.index));
    const name = m[1] ?? '';
    if (/^\d+$/.test(name)) parts.push({ list: Number(name) });
    else if (/^[A-Za-z_][\w-]*$/.test(name)) parts.push({ named: name });
    else throw new Error(`message syntax not supported: ${JSON.stringify(source)} (placeholder {${name}})`);
    at = m.index + m[0].length;
  }
  if (at < source.length) parts.push(source.slice(at));
  for (const part of parts) {
    if (typeof part === 'string' && /[{}|@]/.test(part))
      throw new Error(`message syntax not supported: ${JSON.stringify(source)} (one of { } | @ in the text)`);
  }
  return parts;
}

export const messageCompiler: MessageCompiler = (source) => {
  if (typeof source !== 'string') throw new Error('precompiled messages are not supported');
  const known = cache.get(source);
  if (known !== undefined) return known;
  const parts = parseMessage(source);
  const compiled = (ctx: MessageContext<string>): string =>
    parts
      .map((p) => (typeof p === 'string' ? p : shown('named' in p ? ctx.named(p.named) : ctx.list(p.list))))
      .join('');
  cache.set(source, compiled);
  return compiled;
};
