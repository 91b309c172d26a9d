import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../../config/src/env';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI: `npm run migration:generate -- libs/persistence/src/migrations/Name`. */
export default new DataSource(dataSourceOptions(loadEnv().DATABASE_URL));
