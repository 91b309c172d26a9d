/** Each e2e suite drops its own database and Redis keys; nothing is shared to clean here. */
export default async function globalTeardown(): Promise<void> {}
