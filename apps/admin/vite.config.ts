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
    // Every component here (and in Vant / Element Plus) uses setup(): drop Vue's Options API support.
    __VUE_OPTIONS_API__: false,
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
        // Vue, the router and i18n in one long-cached chunk; the Element Plus core every page needs in another,
        // instead of dozens of tiny shared chunks, each a request.
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 20 },
            {
              // What the login page, the layout and nearly every page use; the rest (table, select, dialog...)
              // stays with the pages that use it.
              name: 'element',
              test: /node_modules[\\/](lodash-es|@vueuse|@floating-ui|@popperjs|@ctrl|@element-plus|async-validator|element-plus[\\/]es[\\/](utils|hooks|constants|locale|tokens|directives|version|make-installer|components[\\/](config-provider|alert|button|card|result|form|input|icon|tag|loading|message|message-box|overlay|focus-trap|container|avatar|breadcrumb|dropdown|menu|popper|tooltip|scrollbar|roving-focus-group|collection|collapse-transition|teleport|slot|visual-hidden|badge)[\\/]))/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  server: { port: 5174, proxy: { '/api': 'http://localhost:3000' } },
});
