/**
 * Writes libs/config/schema/vigil-config.schema.json from the zod schema of the config file.
 * Run after changing the schema: `npm run schema:generate` (a unit spec fails while the file is stale).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../libs/config/src/json-schema';

const target = join(__dirname, '..', 'libs', 'config', 'schema', 'vigil-config.schema.json');
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
