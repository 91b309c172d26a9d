export { run, type CliIo } from './main';
