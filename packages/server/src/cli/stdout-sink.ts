import { fstatSync, writeSync } from 'node:fs';

export interface TextSink {
  write(text: string): void;
  /** Everything written so far is out. */
  end(): void;
}

const BUFFER_BYTES = 1 << 20;

/**
 * Standard output for a large text. When it is a regular file (`> result.json`), the text is encoded into one
 * reused buffer and written with writeSync: no Buffer per piece, no stream machinery (a 30 MB result is 460
 * pieces). A pipe or terminal goes through process.stdout as before, which owns its buffers.
 */
export function stdoutSink(): TextSink {
  let isFile = false;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    return {
      write: (text) => void process.stdout.write(text),
      end: () => undefined,
    };
  }
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  const flush = (): void => {
    let at = 0;
    while (at < used) at += writeSync(1, buffer, at, used - at);
    used = 0;
  };
  return {
    write(text) {
      // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
      if (text.length * 3 > BUFFER_BYTES - used) {
        flush();
        if (text.length * 3 > BUFFER_BYTES) {
          const bytes = Buffer.from(text, 'utf8');
          let at = 0;
          while (at < bytes.length) at += writeSync(1, bytes, at, bytes.length - at);
          return;
        }
      }
      used += buffer.write(text, used, 'utf8');
    },
    end: flush,
  };
}
