import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The server (server/) listens here in development; see docs/configuration.md (HTTP_PORT). */
const backend = 'http://localhost:8080';

export default defineConfig({
  root: here('.'),
  base: '/',
  // Setup-script components and setup stores only: dropping the Options API shrinks the Vue runtime.
  plugins: [vue({ features: { optionsAPI: false } })],
  resolve: {
    // The dashboard shares types with the server only through contracts/ (never server code).
    alias: { '@contracts': here('../contracts') },
  },
  define: {
    // vue-i18n feature flags: Composition API only, no devtools hook in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/socket.io': { target: backend, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: here('../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // ECharts (~480 kB even when imported piece by piece) gets its own chunk:
        // it changes less often than our code, so browsers keep it cached across releases.
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ }] },
      },
    },
  },
});
