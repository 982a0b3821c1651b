import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const REPLACEMENT = fileURLToPath(new URL('../src/lib/vant-placeholder.ts', import.meta.url));

/**
 * Points Vant's `usePlaceholder` import (nav bar, tab bar, submit bar, action bar) at src/lib/vant-placeholder.ts,
 * which measures the bar only when its placeholder is shown. Build only: the dev server serves Vant pre-bundled.
 */
export function vantPlaceholder(): Plugin {
  return {
    name: 'mall-vant-placeholder',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer === undefined || !/[\\/]vant[\\/]es[\\/]/.test(importer)) return null;
      return /(^|\/)composables\/use-placeholder\.mjs$/.test(source) ? REPLACEMENT : null;
    },
  };
}
