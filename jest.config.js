/** Unit tests sit next to the code (*.spec.ts); e2e tests against real Redis and Postgres in test/. */
const moduleNameMapper = {
  '^@libs/(.*)$': '<rootDir>/libs/$1/src',
  '^@apps/(.*)$': '<rootDir>/apps/$1/src',
};
const transform = { '^.+\\.(ts|js|mjs)$': ['@swc/jest'] };
// NestJS 12 ships ESM only; Node >= 20.19 can require() it, but Jest's module loader cannot before
// Node 24.9, so Jest compiles those packages to CommonJS like our own TypeScript.
const ESM_ONLY = ['@nestjs', '@marcbachmann', 'commander', 'file-type', 'strtok3', 'token-types', '@tokenizer', '@borewit', 'uint8array-extras', 'openapi-typescript', 'parse-json', 'index-to-position', 'supports-color', 'change-case'];
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];
const common = {
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
    },
  ],
};
