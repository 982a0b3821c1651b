/** Deterministic JSON text for plain data, with bigint written as an exact integer literal. */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }
  | ReadonlyMap<string, JsonValue>
  | JsonRows;

/**
 * A list of objects that all have the same keys, written as the list of those objects would be, byte for byte,
 * without the objects: `row` fills the cells of one item (one value per key, in the keys' order) into an array the
 * writer reuses. A plan's 100,000 pool positions are written from its own state this way, half of a large result.
 */
export class JsonRows {
  constructor(
    readonly keys: readonly string[],
    readonly length: number,
    readonly row: (index: number, cells: JsonValue[]) => void,
  ) {}
}

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

/** The punctuation around items at one depth, made once per depth and indent step, not once per object. */
interface Depth {
  /** "[\n" or "{\n" and the items' indent. */
  openList: string;
  openObject: string;
  /** ",\n" and the items' indent. */
  separator: string;
  /** A newline, the indent of the enclosing line, and "]" or "}". */
  closeList: string;
  closeObject: string;
}

const layouts = new Map<string, Depth[]>();

function depthFor(step: string, depth: number): Depth {
  let depths = layouts.get(step);
  if (depths === undefined) {
    depths = [];
    layouts.set(step, depths);
  }
  let found = depths[depth];
  if (found === undefined) {
    const indent = step.repeat(depth);
    const inner = indent + step;
    found = {
      openList: `[\n${inner}`,
      openObject: `{\n${inner}`,
      separator: `,\n${inner}`,
      closeList: `\n${indent}]`,
      closeObject: `\n${indent}}`,
    };
    depths[depth] = found;
  }
  return found;
}

// What JSON.stringify escapes in a string: quotes, backslashes, control characters and (lone) surrogates.
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify of a string: an id such as "u123" or "o456" needs no escape, and quoting it by hand is several
 * times faster than the general call (a large result quotes some 500,000 of them).
 */
export function quoteJson(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function scalar(value: JsonValue): string | undefined {
  switch (typeof value) {
    case 'string':
      return quoteJson(value);
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    default:
      return value === null ? 'null' : undefined;
  }
}

function writeRows(rows: JsonRows, depth: number, step: string, out: Out): void {
  if (rows.length === 0) {
    out.text += '[]';
    return;
  }
  const at = depthFor(step, depth);
  const { keys } = rows;
  if (keys.length === 0) {
    for (let i = 0; i < rows.length; i += 1) {
      out.text += i === 0 ? at.openList : at.separator;
      out.text += '{}';
      afterItem(out);
    }
    out.text += at.closeList;
    return;
  }
  const inner = depthFor(step, depth + 1);
  // What goes before each cell: the object's opening or the separator, then the quoted key.
  const before = keys.map((key, k) => (k === 0 ? inner.openObject : inner.separator) + quotedKey(key));
  const cells: JsonValue[] = new Array<JsonValue>(keys.length).fill(null);
  for (let i = 0; i < rows.length; i += 1) {
    rows.row(i, cells);
    out.text += i === 0 ? at.openList : at.separator;
    let line = '';
    for (let k = 0; k < before.length; k += 1) {
      const cell = cells[k] as JsonValue;
      const text = scalar(cell);
      if (text !== undefined) line += (before[k] as string) + text;
      else {
        out.text += line + (before[k] as string);
        line = '';
        write(cell, depth + 2, step, out);
      }
    }
    out.text += line + inner.closeObject;
    afterItem(out);
  }
  out.text += at.closeList;
}

function write(value: JsonValue, depth: number, step: string, out: Out): void {
  switch (typeof value) {
    case 'string':
      out.text += quoteJson(value);
      return;
    case 'number':
    case 'boolean':
      out.text += JSON.stringify(value);
      return;
    case 'bigint':
      out.text += value.toString();
      return;
    default:
  }
  if (value === null) {
    out.text += 'null';
  } else if (value instanceof JsonRows) {
    writeRows(value, depth, step, out);
  } else if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) {
      out.text += '[]';
      return;
    }
    const at = depthFor(step, depth);
    out.text += at.openList;
    for (let i = 0; i < items.length; i += 1) {
      if (i > 0) out.text += at.separator;
      write(items[i] as JsonValue, depth + 1, step, out);
      afterItem(out);
    }
    out.text += at.closeList;
  } else if (value instanceof Map) {
    // A Map keeps its insertion order for every key; a plain object would list integer-like keys ("9", "10") first.
    const map = value as ReadonlyMap<string, JsonValue>;
    if (map.size === 0) {
      out.text += '{}';
      return;
    }
    const at = depthFor(step, depth);
    out.text += at.openObject;
    let first = true;
    for (const [key, item] of map) {
      if (!first) out.text += at.separator;
      first = false;
      out.text += quotedKey(key);
      write(item, depth + 1, step, out);
      afterItem(out);
    }
    out.text += at.closeObject;
  } else {
    const object = value as { readonly [key: string]: JsonValue };
    // Own keys only, as JSON.stringify lists them (for-in would add enumerable inherited ones).
    const keys = Object.keys(object);
    if (keys.length === 0) {
      out.text += '{}';
      return;
    }
    const at = depthFor(step, depth);
    out.text += at.openObject;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      if (i > 0) out.text += at.separator;
      out.text += quotedKey(key);
      write(object[key] as JsonValue, depth + 1, step, out);
      afterItem(out);
    }
    out.text += at.closeObject;
  }
}

/** Key order is insertion order, so callers build objects in the order the contract lists them. */
export function stringifyJson(value: JsonValue, step = '  '): string {
  const out: Out = { text: '', emit: undefined };
  write(value, 0, step, out);
  return out.text;
}

/**
 * The same text as stringifyJson, handed to `emit` in pieces of about 64 Ki characters as it is made, so a large
 * result can be written out without ever being one string.
 */
export function emitJson(value: JsonValue, emit: (part: string) => void, step = '  '): void {
  const writer = new JsonWriter(emit, step);
  writer.value(value, 0);
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

  /** `depth`: how many indent steps the line the value starts on has. */
  value(value: JsonValue, depth: number): void {
    write(value, depth, this.step, this.out);
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
