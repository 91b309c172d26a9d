import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
/** `npm run console:dev` proxies the API to a Vigil running on this port. */
const apiPort = process.env.PORT ?? '3000';

/**
 * `virtual:config-validator`: the config's JSON Schema (libs/config/schema, kept equal to what
 * GET /config/schema serves by a spec) compiled by Ajv at build time. The console's CSP has no
 * 'unsafe-eval', so Ajv cannot compile the fetched schema in the browser.
 */
function configValidator(): Plugin {
  const id = 'virtual:config-validator';
  return {
    name: 'vigil-config-validator',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(loaded) {
      if (loaded !== `\0${id}`) return null;
      const path = resolve(repo, 'libs/config/schema/vigil-config.schema.json');
      this.addWatchFile(path);
      const schema = JSON.parse(readFileSync(path, 'utf8')) as object;
      const ajv = new Ajv2020({
        allErrors: true,
        strict: false,
        validateFormats: false,
        code: { source: true, esm: true },
      });
      const imports: string[] = [];
      // Ajv's standalone code requires its runtime helpers even as ESM: import them instead.
      const code = standalone(ajv, ajv.compile(schema)).replace(
        /require\("([^"]+)"\)\.default/g,
        (_, from) => {
          const name = `runtime${imports.length}`;
          imports.push(
            `import * as ${name}ns from ${JSON.stringify(`${from}.js`)};`,
            `const ${name} = [${name}ns.default, ${name}ns.default?.default].find((f) => typeof f === 'function');`,
          );
          return name;
        },
      );
      return `${imports.join('\n')}\n${code}`;
    },
  };
}

/**
 * The console is a static single-page app: Vite builds it into dist/apps/console, which the api role
 * serves at `/` (apps/api/src/http/console.ts). Each page is its own chunk, loaded when first opened.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [configValidator()],
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
