import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

const EMBEDDED = /url\(\s*data:font\/woff2;[^,]*base64,([A-Za-z0-9+/=]+)\s*\)\s*format\(\s*"woff2"\s*\)/;
const REMOTE_FALLBACK = /,\s*url\(\s*\/\/at\.alicdn\.com\/[^)]*\)\s*format\(\s*"woff"\s*\)/;

/**
 * Vant's icon CSS embeds its 25 KB font as base64 (render-blocking, and it compresses badly) and names a fallback on
 * a third-party CDN, which Chromium requests and our CSP then blocks with a console error. This moves the font into
 * its own hashed file under assets/ and drops the remote fallback.
 */
export function vantIconFont(base: string): Plugin {
  return {
    name: 'mall-vant-icon-font',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css') || typeof asset.source !== 'string') continue;
        const match = EMBEDDED.exec(asset.source);
        if (match === null) continue;
        const font = Buffer.from(match[1] ?? '', 'base64');
        const fileName = `assets/vant-icon-${createHash('sha256').update(font).digest('hex').slice(0, 8)}.woff2`;
        this.emitFile({ type: 'asset', fileName, source: font });
        asset.source = asset.source
          .replace(EMBEDDED, `url(${base}${fileName}) format("woff2")`)
          .replace(REMOTE_FALLBACK, '');
      }
    },
  };
}
