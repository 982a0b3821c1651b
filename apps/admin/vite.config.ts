import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { precompress } from '../common/vite-precompress.ts';

export default defineConfig({
  base: '/admin/',
  plugins: [
    vue(),
    // Element Plus components, directives (v-loading) and their CSS are imported where a template uses them.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dirs: [], dts: false }),
    precompress(),
  ],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts (about 540 kB before compression) is loaded by the chart component only when a chart is drawn.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Vue, the router and i18n in one long-cached chunk; the Element Plus code that two or more pages share in
        // another, instead of dozens of tiny shared chunks, each a request.
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 20 },
            {
              name: 'element',
              test: /node_modules[\\/](element-plus|@element-plus|lodash-es|@vueuse|@floating-ui|@popperjs|async-validator|dayjs|@ctrl|memoize-one|normalize-wheel-es)[\\/]/,
              minShareCount: 2,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  server: { port: 5174, proxy: { '/api': 'http://localhost:3000' } },
});
