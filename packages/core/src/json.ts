/** Deterministic JSON text for plain data, with bigint written as an exact integer literal. */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }
  | ReadonlyMap<string, JsonValue>;

interface Parts {
  push(part: string): unknown;
}

function write(value: JsonValue, indent: string, step: string, parts: Parts): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') {
    parts.push(JSON.stringify(value));
  } else if (typeof value === 'bigint') {
    parts.push(value.toString());
  } else if (typeof value === 'string') {
    parts.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) {
      parts.push('[]');
      return;
    }
    const inner = indent + step;
    parts.push('[');
    items.forEach((item, i) => {
      parts.push(i === 0 ? `\n${inner}` : `,\n${inner}`);
      write(item, inner, step, parts);
    });
    parts.push(`\n${indent}]`);
  } else {
    // A Map keeps its insertion order for every key; a plain object would list integer-like keys ("9", "10") first.
    const entries =
      value instanceof Map
        ? [...(value as ReadonlyMap<string, JsonValue>).entries()]
        : Object.entries(value as { readonly [key: string]: JsonValue });
    if (entries.length === 0) {
      parts.push('{}');
      return;
    }
    const inner = indent + step;
    parts.push('{');
    entries.forEach(([key, item], i) => {
      parts.push(`${i === 0 ? '\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
      write(item, inner, step, parts);
    });
    parts.push(`\n${indent}}`);
  }
}

/** Key order is insertion order, so callers build objects in the order the contract lists them. */
export function stringifyJson(value: JsonValue, step = '  '): string {
  const parts: string[] = [];
  write(value, '', step, parts);
  return parts.join('');
}

/**
 * The same text as stringifyJson, handed to `emit` piece by piece as it is made, so a large result can be written
 * out without ever being one string.
 */
export function emitJson(value: JsonValue, emit: (part: string) => void, step = '  '): void {
  write(value, '', step, { push: emit });
}
