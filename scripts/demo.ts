/**
 * `npm run demo`: starts Vigil with every role on this machine's Redis and Postgres, then uses the
 * `vigil` CLI as an operator would: plan and apply examples/multi-idc.yaml, show the status, and
 * show that a broken copy is refused with every bad path named. `--keep` leaves Vigil running.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { roleModules } from '@apps/api';
import { run } from '@apps/cli';
import { EnvError, loadEnv } from '@libs/config';
import { createVigilApp } from '@libs/runtime';

const EXAMPLE = join(__dirname, '..', 'examples', 'multi-idc.yaml');

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const token = process.env.VIGIL_ADMIN_TOKEN ?? `demo-${randomBytes(16).toString('hex')}`;
  const env = loadEnv({ LOG_LEVEL: 'warn', ...process.env, VIGIL_ADMIN_TOKEN: token });
  const url = `http://127.0.0.1:${env.PORT}`;
  const app = await createVigilApp(env, roleModules(env));
  await app.listen(env.PORT, '127.0.0.1');
  const io = { env: { ...process.env, VIGIL_URL: url, VIGIL_TOKEN: token } };
  const vigil = async (title: string, ...args: string[]) => {
    process.stdout.write(`\n\x1b[1m$ vigil ${args.join(' ')}\x1b[0m   # ${title}\n`);
    return run(['node', 'vigil', ...args], io);
  };

  let failed = 0;
  failed += await vigil('what would change', 'plan', '-f', EXAMPLE);
  failed += await vigil('apply it as a new version', 'apply', '-f', EXAMPLE, '-m', 'demo');
  failed += await vigil('what Vigil now watches', 'status');

  const broken = parse(readFileSync(EXAMPLE, 'utf8'));
  broken.services[0].endpoints[2].idc = 'shx';
  broken.services[0].checks[0].timeout = '10s';
  const brokenFile = join(mkdtempSync(join(tmpdir(), 'vigil-demo-')), 'broken.yaml');
  writeFileSync(brokenFile, stringify(broken));
  const refused = await vigil('a broken copy is refused, nothing changes', 'apply', '-f', brokenFile);
  if (refused === 0) failed += 1;
  failed += await vigil('history', 'versions');

  if (keep) {
    process.stdout.write(
      `\nVigil is running at ${url} (OpenAPI: ${url}/docs).\nexport VIGIL_URL=${url} VIGIL_TOKEN=${token}\nPress Ctrl-C to stop.\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await app.close();
  process.stdout.write(failed === 0 ? '\nDemo finished.\n' : '\nDemo finished with errors.\n');
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `demo: ${err instanceof EnvError ? err.message : ((err as Error).stack ?? String(err))}\n`,
    );
    process.exit(1);
  },
);
