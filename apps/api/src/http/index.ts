export * from './api-http';
export { WEBHOOK_PATH } from './request-bodies';
export { consoleDir } from './console';
