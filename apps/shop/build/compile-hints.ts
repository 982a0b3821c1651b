import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Marks the chunks a storefront page runs as it loads (the entry; the named shared chunks: Vue with its router and
 * i18n, the shared Vant pieces; and the page's own view chunk) with V8's explicit compile hint,
 * `//# allFunctionsCalledOnLoad`: Chromium then compiles all their functions while the file streams in, on a
 * background thread, instead of each one lazily on the main thread the first time it runs, in the middle of the first
 * render. Not the chunks a tap loads (the chart, the region list, the QR code): compiling what may never run costs
 * time and memory. Browsers without the hint read a comment.
 */
export function compileHints(chunks: readonly string[]): Plugin {
  return {
    name: 'mall-compile-hints',
    apply: 'build',
    // On the written files: the minifier drops comments, and Vite writes its preload map on the entry's first line
    // late. Before the precompression plugin reads them (a sequential hook ordered first).
    writeBundle: {
      order: 'pre',
      sequential: true,
      async handler(options, bundle) {
        const dir = options.dir ?? 'dist';
        for (const file of Object.values(bundle)) {
          if (file.type !== 'chunk' || !(file.isEntry || chunks.includes(file.name) || /View$/.test(file.name)))
            continue;
          const path = join(dir, file.fileName);
          await writeFile(path, `//# allFunctionsCalledOnLoad\n${await readFile(path, 'utf8')}`);
        }
      },
    },
  };
}
