import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { emitJson, type JsonValue } from '@mall/core';

/**
 * Reads a JSON document whose top level is an object, in chunks, without ever holding its text whole: each value of
 * the top-level object is parsed on its own, and a value that is an array (a scenario's 200,000 events) element by
 * element, each element's few dozen characters handed to JSON.parse as soon as they are complete. The result is the
 * same value JSON.parse would give for the whole text (an own "__proto__" key included); malformed text is a
 * JsonStreamError naming the character where reading stopped.
 */
export class JsonStreamError extends Error {}

const CHUNK_BYTES = 1 << 20;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

interface Cursor {
  text: string;
  at: number;
  /** Characters consumed before `text` began (for error positions). */
  base: number;
  more(): boolean;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Like JSON.parse: "__proto__" is an ordinary own key, never the prototype.
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function fail(cursor: Cursor, what: string): never {
  throw new JsonStreamError(`malformed JSON at character ${cursor.base + cursor.at}: ${what}`);
}

/** The next character that is not white space, reading more text as needed; -1 at the end. */
function peek(cursor: Cursor): number {
  for (;;) {
    while (cursor.at < cursor.text.length) {
      const code = cursor.text.charCodeAt(cursor.at);
      if (!WS.has(code)) return code;
      cursor.at += 1;
    }
    if (!cursor.more()) return -1;
  }
}

function expectChar(cursor: Cursor, char: string): void {
  if (peek(cursor) !== char.charCodeAt(0)) fail(cursor, `expected ${char}`);
  cursor.at += 1;
}

/**
 * One complete JSON value's text, starting at the cursor (no leading white space): strings and brackets are tracked
 * so that a comma or bracket inside them does not end it; a bare number or word ends at the first delimiter.
 */
function valueText(cursor: Cursor): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = cursor.at;
  const first = cursor.text.charCodeAt(cursor.at);
  const scalar = first !== 0x22 && first !== 0x7b && first !== 0x5b;
  for (;;) {
    const text = cursor.text;
    for (let i = cursor.at; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (code === 0x5c) escaped = true;
        else if (code === 0x22) {
          inString = false;
          if (depth === 0) {
            cursor.at = i + 1;
            return out + text.slice(start, i + 1);
          }
        }
        continue;
      }
      if (scalar) {
        if (code === 0x2c || code === 0x5d || code === 0x7d || WS.has(code)) {
          cursor.at = i;
          return out + text.slice(start, i);
        }
        continue;
      }
      if (code === 0x22) inString = true;
      else if (code === 0x7b || code === 0x5b) depth += 1;
      else if (code === 0x7d || code === 0x5d) {
        depth -= 1;
        if (depth === 0) {
          cursor.at = i + 1;
          return out + text.slice(start, i + 1);
        }
      }
    }
    out += text.slice(start);
    cursor.at = text.length;
    if (!cursor.more()) {
      if (scalar && out !== '') return out;
      fail(cursor, 'the text ends inside a value');
    }
    start = 0;
  }
}

function parseText(cursor: Cursor, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(cursor, (error as Error).message);
  }
}

/** Where the string that opens at `open` closes (a quote after an even run of backslashes); -1 beyond `text`. */
function closingQuote(text: string, open: number): number {
  for (let j = text.indexOf('"', open + 1); j !== -1; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return j;
  }
  return -1;
}

/**
 * Where the complete items of `text[from..]` probably end: the last `},{"type"` (how scenario files write one event
 * after another). Only a guess: the caller checks it by parsing, and a wrong guess cannot parse (it would cut
 * through a string or a nested list).
 */
function guessBoundary(text: string, from: number, before: number): number {
  const at = text.lastIndexOf('},{"type"', before);
  return at < from ? -1 : at + 1;
}

/**
 * A list, read a chunk at a time; `take` gets its items in order. The complete items of each chunk go to JSON.parse
 * together (one call per chunk, not per item). Where they end is first guessed (guessBoundary) and checked by that
 * parse; when the guess fails, a scan that tracks strings and brackets finds the commas between items, which also
 * finds where malformed text goes wrong. The unfinished item at the end of a chunk is carried into the next.
 */
/**
 * A reader's own parse of the items in `text[from..to)` (complete items separated by single commas): it takes the
 * leading items it recognises itself and returns where the first one it left starts (just after a comma), or `to`
 * when it took them all. Whatever it leaves goes to JSON.parse as before, so it must take only text that is valid
 * JSON and that it reads exactly as JSON.parse would.
 */
export type FastItems = (text: string, from: number, to: number) => number;

/** What takes a list's items: a function, or one with a fast path for the items it recognises in the text. */
export type ListTaker = ((item: unknown) => void) | { take: (item: unknown) => void; fast: FastItems };

function readArray(cursor: Cursor, taker: ListTaker): void {
  const take = typeof taker === 'function' ? taker : taker.take;
  const fast = typeof taker === 'function' ? undefined : taker.fast;
  expectChar(cursor, '[');
  if (peek(cursor) === 0x5d) {
    cursor.at += 1;
    return;
  }
  let text = cursor.text;
  let i = cursor.at;
  let batchStart = i;
  let depth = 0;
  let lastComma = -1;
  const flush = (to: number): void => {
    const items = text.slice(batchStart, to);
    // "[]" parses, but here it stands between two commas (a chunk ended after the first) or after one: not JSON.
    if (/^[ \n\r\t]*$/.test(items)) {
      cursor.at = to;
      fail(cursor, 'expected a list item');
    }
    let parsed: unknown[];
    try {
      parsed = JSON.parse(`[${items}]`) as unknown[];
    } catch (error) {
      cursor.at = batchStart;
      fail(cursor, `in the list items from here: ${(error as Error).message}`);
    }
    for (let k = 0; k < parsed.length; k += 1) take(parsed[k]);
  };
  const tryGuess = (): void => {
    let before = text.length;
    for (let tries = 0; tries < 2; tries += 1) {
      const comma = guessBoundary(text, batchStart, before);
      if (comma === -1) return;
      if (fast !== undefined) {
        const left = fast(text, batchStart, comma);
        batchStart = left === comma ? comma + 1 : left;
        i = batchStart;
        if (left === comma) return;
      }
      let parsed: unknown[] | undefined;
      try {
        parsed = JSON.parse(`[${text.slice(batchStart, comma)}]`) as unknown[];
      } catch {
        before = comma - 2;
        continue;
      }
      batchStart = comma + 1;
      i = batchStart;
      for (let k = 0; k < parsed.length; k += 1) take(parsed[k]);
      return;
    }
  };
  tryGuess();
  for (;;) {
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        const close = closingQuote(text, i);
        if (close === -1) break;
        i = close + 1;
        continue;
      }
      if (code === 0x7b || code === 0x5b) depth += 1;
      else if (code === 0x7d || code === 0x5d) {
        if (depth === 0) {
          if (code !== 0x5d) {
            cursor.at = i;
            fail(cursor, 'expected , or ] after a list item');
          }
          flush(i);
          cursor.at = i + 1;
          return;
        }
        depth -= 1;
      } else if (code === 0x2c && depth === 0) lastComma = i;
      i += 1;
    }
    if (lastComma >= batchStart) {
      flush(lastComma);
      batchStart = lastComma + 1;
    }
    const carry = text.slice(batchStart);
    cursor.at = text.length;
    if (!cursor.more()) fail(cursor, 'the text ends inside a list');
    cursor.base -= carry.length;
    text = carry + cursor.text;
    cursor.text = text;
    i = 0;
    batchStart = 0;
    depth = 0;
    lastComma = -1;
    tryGuess();
  }
}

/** What a reader does with the top-level object's values, in the order of the text. */
export interface DocumentHandler {
  /** A value, parsed whole (lists too, unless `list` takes them). */
  value(key: string, value: unknown): void;
  /** A list value is starting: return a function to take its items one at a time, or undefined to have it whole. */
  list?(key: string): ListTaker | undefined;
  /** Each piece of text as it is read (a reader of standard input keeps them to read it again). */
  text?: ((text: string) => void) | undefined;
}

/** Reads a document into `handler`; a document that is not an object is returned whole instead. */
function readDocument(cursor: Cursor, handler: DocumentHandler): { value: unknown } | undefined {
  if (peek(cursor) !== 0x7b) {
    // Not an object (so not a scenario): parse it whole and let the caller say what is wrong with it.
    if (peek(cursor) === -1) fail(cursor, 'the text is empty');
    const value = parseText(cursor, valueText(cursor));
    if (peek(cursor) !== -1) fail(cursor, 'text after the end of the document');
    return { value };
  }
  expectChar(cursor, '{');
  if (peek(cursor) === 0x7d) cursor.at += 1;
  else {
    for (;;) {
      if (peek(cursor) !== 0x22) fail(cursor, 'expected a quoted key');
      const key = parseText(cursor, valueText(cursor)) as string;
      expectChar(cursor, ':');
      const start = peek(cursor);
      if (start === -1) fail(cursor, 'the text ends before a value');
      if (start === 0x5b) {
        const take = handler.list?.(key);
        if (take !== undefined) readArray(cursor, take);
        else {
          const items: unknown[] = [];
          readArray(cursor, (item) => items.push(item));
          handler.value(key, items);
        }
      } else handler.value(key, parseText(cursor, valueText(cursor)));
      const next = peek(cursor);
      cursor.at += 1;
      if (next === 0x7d) break;
      if (next !== 0x2c) fail(cursor, 'expected , or } after a value');
    }
  }
  if (peek(cursor) !== -1) fail(cursor, 'text after the end of the document');
  return undefined;
}

/**
 * Reads the JSON document in `file` ("-" or 0: standard input) into `handler`, a chunk at a time. Returns the
 * document when it is not an object (the handler then hears nothing), undefined when it is.
 */
export function readJsonStream(
  file: string | 0,
  handler: DocumentHandler,
  chunkBytes = CHUNK_BYTES,
): { value: unknown } | undefined {
  const fd = file === '-' || file === 0 ? 0 : openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let done = false;
  const cursor: Cursor = {
    text: '',
    at: 0,
    base: 0,
    more() {
      if (done) return false;
      let bytes = -1;
      while (bytes < 0) {
        try {
          bytes = readSync(fd, buffer, 0, chunkBytes, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          // A non-blocking standard input with nothing in it yet: wait a little for the writer.
          Atomics.wait(PAUSE, 0, 0, 5);
        }
      }
      this.base += this.text.length;
      this.at = 0;
      if (bytes === 0) {
        done = true;
        this.text = decoder.end();
        handler.text?.(this.text);
        return this.text.length > 0;
      }
      this.text = decoder.write(buffer.subarray(0, bytes));
      handler.text?.(this.text);
      return true;
    },
  };
  try {
    return readDocument(cursor, handler);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Reads the JSON document in `file` ("-" or 0: standard input): the value JSON.parse would give for its text. */
export function readJsonFile(file: string | 0, chunkBytes = CHUNK_BYTES): unknown {
  const document: Record<string, unknown> = {};
  const other = readJsonStream(file, { value: (key, value) => setOwn(document, key, value) }, chunkBytes);
  return other === undefined ? document : other.value;
}

/**
 * Writes `value` as stringifyJson would, plus a newline, in pieces of about 64 KiB (core's emitJson): the text is
 * never whole in memory. Standard output to a file or a pipe is written synchronously by Node on Linux, so nothing
 * piles up.
 */
export function writeJson(value: JsonValue, out: { write(chunk: string): unknown } = process.stdout): void {
  emitJson(value, (part) => out.write(part));
  out.write('\n');
}
