import { Initial1795450415245 } from './1795450415245-Initial';

// Every migration, in order. A new one is generated with `npm run migration:generate` and listed here.
export const MIGRATIONS = [Initial1795450415245];
