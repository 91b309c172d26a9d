// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** The apps; only apps/vigil, the composition root, imports others: the role apps it wires together. */
const APPS = ['api', 'controller', 'prober', 'cli', 'vigil'];
const WIRED_BY_VIGIL = ['api', 'controller', 'prober'];

/** Keeps apps/<app> off the other apps, by alias (`@apps/x`) or by a relative path (`../../x/src`). */
function appBoundary(app) {
  const others = APPS.filter((a) => a !== app && !(app === 'vigil' && WIRED_BY_VIGIL.includes(a)));
  const names = others.join('|');
  const message =
    app === 'vigil'
      ? 'apps/vigil wires the role apps (api, controller, prober) only.'
      : `apps/${app} must not import another app: put shared code in libs/; apps/vigil wires the roles.`;
  return {
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^@apps/(${names})(/|$)`, message },
            { regex: `^(\\.\\./)+(${names})/src(/|$)`, message },
          ],
        },
      ],
    },
  };
}

/** What libs/domain must not reach, directly or through a lib that pulls it in. */
const NOT_IN_DOMAIN =
  'libs/domain is pure TypeScript: no Nest, TypeORM, BullMQ or ioredis, nor a lib or app using them.';
const domainBoundary = {
  files: ['libs/domain/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: '^(@nestjs/|nestjs-)', message: NOT_IN_DOMAIN },
          { regex: '^(typeorm|bullmq|ioredis)(/|$)', message: NOT_IN_DOMAIN },
          { regex: '^@libs/(persistence|queue|runtime)(/|$)', message: NOT_IN_DOMAIN },
          { regex: '^@apps/', message: NOT_IN_DOMAIN },
          { regex: '^(\\.\\./)+(persistence|queue|runtime)/src(/|$)', message: NOT_IN_DOMAIN },
          { regex: '^(\\.\\./)+apps/', message: NOT_IN_DOMAIN },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bin/*.js', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...APPS.map(appBoundary),
  domainBoundary,
);
