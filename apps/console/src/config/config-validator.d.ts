/** The config's JSON Schema compiled at build time (apps/console/vite.config.mts). */
declare module 'virtual:config-validator' {
  import type { ValidateFunction } from 'ajv/dist/2020';
  const validate: ValidateFunction;
  export default validate;
}
