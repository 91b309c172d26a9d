/** Unit tests sit next to the code (*.spec.ts); e2e tests against real Redis and Postgres in test/. */
const moduleNameMapper = {
  '^@libs/(.*)$': '<rootDir>/libs/$1/src',
  '^@apps/(.*)$': '<rootDir>/apps/$1/src',
};
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const common = { moduleFileExtensions: ['ts', 'js', 'json'], moduleNameMapper, transform, testEnvironment: 'node' };

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
    },
  ],
};
