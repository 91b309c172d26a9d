import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
/** `npm run console:dev` proxies the API to a Vigil running on this port. */
const apiPort = process.env.PORT ?? '3000';

/**
 * The console is a static single-page app: Vite builds it into dist/apps/console, which the api role
 * serves at `/` (apps/api/src/http/console.ts). Each page is its own chunk, loaded when first opened.
 */
export default defineConfig({
  root: here,
  base: '/',
  resolve: { alias: { '@libs/api-client': resolve(repo, 'libs/api-client/src') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(repo, 'dist/apps/console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    rolldownOptions: {
      // Libraries' "use client" directives mean nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/healthz', '/readyz', '/metrics', '/docs'].map((path) => [
        path,
        `http://127.0.0.1:${apiPort}`,
      ]),
    ),
  },
});
