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

/**
 * Text is appended to `text` (V8 joins such appends cheaply) and, when `emit` is given, handed out every ~64 Ki
 * characters between two items, so a caller can write a large value without holding all of its text.
 */
interface Out {
  text: string;
  emit: ((part: string) => void) | undefined;
}

const EMIT_EVERY = 1 << 16;

// Keys repeat (every position has the same seven): quote each once. Bounded, as wallet maps are keyed by user.
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}: `;
    if (quotedKeys.size < 1024) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function afterItem(out: Out): void {
  if (out.emit !== undefined && out.text.length >= EMIT_EVERY) {
    out.emit(out.text);
    out.text = '';
  }
}

function write(value: JsonValue, indent: string, step: string, out: Out): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    out.text += JSON.stringify(value);
  } else if (typeof value === 'bigint') {
    out.text += value.toString();
  } else if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) {
      out.text += '[]';
      return;
    }
    const inner = indent + step;
    const separator = `,\n${inner}`;
    out.text += `[\n${inner}`;
    for (let i = 0; i < items.length; i += 1) {
      if (i > 0) out.text += separator;
      write(items[i] as JsonValue, inner, step, out);
      afterItem(out);
    }
    out.text += `\n${indent}]`;
  } else {
    // A Map keeps its insertion order for every key; a plain object would list integer-like keys ("9", "10") first.
    const map = value instanceof Map ? (value as ReadonlyMap<string, JsonValue>) : undefined;
    const object = value as { readonly [key: string]: JsonValue };
    const keys = map === undefined ? Object.keys(object) : [...map.keys()];
    if (keys.length === 0) {
      out.text += '{}';
      return;
    }
    const inner = indent + step;
    const separator = `,\n${inner}`;
    out.text += `{\n${inner}`;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      if (i > 0) out.text += separator;
      out.text += quotedKey(key);
      write((map === undefined ? object[key] : map.get(key)) as JsonValue, inner, step, out);
      afterItem(out);
    }
    out.text += `\n${indent}}`;
  }
}

/** Key order is insertion order, so callers build objects in the order the contract lists them. */
export function stringifyJson(value: JsonValue, step = '  '): string {
  const out: Out = { text: '', emit: undefined };
  write(value, '', step, out);
  return out.text;
}

/**
 * The same text as stringifyJson, handed to `emit` in pieces of about 64 Ki characters as it is made, so a large
 * result can be written out without ever being one string.
 */
export function emitJson(value: JsonValue, emit: (part: string) => void, step = '  '): void {
  const writer = new JsonWriter(emit, step);
  writer.value(value, '');
  writer.end();
}

/**
 * For writers that lay out part of a document themselves (a result with 200,000 rewards need not become a tree
 * first): raw text goes straight in, values are written as stringifyJson would at the given indent, and the text is
 * handed to `emit` in pieces of about 64 Ki characters between items.
 */
export class JsonWriter {
  private readonly out: Out;

  constructor(
    emit: (part: string) => void,
    readonly step = '  ',
  ) {
    this.out = { text: '', emit };
  }

  /** Text the caller has formatted (punctuation, literals); it must be valid where it goes. */
  raw(text: string): void {
    this.out.text += text;
  }

  /** `"key": ` as the writer spells keys. */
  key(key: string): void {
    this.out.text += quotedKey(key);
  }

  value(value: JsonValue, indent: string): void {
    write(value, indent, this.step, this.out);
  }

  /** Marks the end of an item: a full buffer is handed out here, never in the middle of one. */
  itemDone(): void {
    afterItem(this.out);
  }

  end(): void {
    if (this.out.text !== '') this.out.emit?.(this.out.text);
    this.out.text = '';
  }
}
