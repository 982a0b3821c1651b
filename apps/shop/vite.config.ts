import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';
import { precompress } from '../common/vite-precompress.ts';
import { vantIconFont } from './build/vant-icon-font.ts';
import { vantPlaceholder } from './build/vant-placeholder.ts';
import { compileHints } from './build/compile-hints.ts';

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Each view imports the Vant components (and their CSS) it uses, so a route's chunk carries only those.
    Components({ resolvers: [VantResolver()], dirs: [], dts: false }),
    vantIconFont('/'),
    vantPlaceholder(),
    compileHints(['vue', 'ui']),
    precompress(),
  ],
  define: {
    // Every component here (and in Vant / Element Plus) uses setup(): drop Vue's Options API support.
    __VUE_OPTIONS_API__: false,
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts (about 545 kB before compression) lives only in the points page's chunk.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Vue, the router and i18n in one long-cached chunk; the Vant pieces and small components most pages share
        // (and their CSS) in another, so a route's own chunk stays small and a page needs a handful of requests, not
        // twenty (each a round trip on a phone network).
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 20 },
            {
              priority: 10,
              name: 'ui',
              // Not @vant/area-data: the region list (about 160 kB) is its own chunk, loaded by the address form. Nor
              // the components of one page only (the checkout's coupon sheet, the product's promotions, the points
              // projection): they travel with that page.
              test: /node_modules[\\/](@vant(?=[\\/](?!area-data))|vant[\\/]es[\\/](utils|composables|locale|style|config-provider|icon|badge|loading|button|cell|cell-group|nav-bar|empty|tag|popup|overlay|toast|dialog|field|notice-bar|lazyload|tabbar|tabbar-item))[\\/]|[\\/]src[\\/]components[\\/](?!CouponPicker|PoolProjection|ProductPromotions)|[\\/]common[\\/]money\.ts|plugin-vue:export-helper/,
            },
          ],
        },
      },
    },
  },
  server: { port: 5173, proxy: { '/api': 'http://localhost:3000' } },
});
