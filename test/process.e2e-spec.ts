import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadEnv } from '@libs/config';

/** Runs `apps/vigil/src/main.ts` as `npm start` would run the built file. */
function startProcess(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/vigil/src/main.ts'],
    { env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls until `probe` returns true; always waits between tries and gives up at the deadline. */
async function until(probe: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the vigil process', () => {
  it('refuses to start on a bad variable, naming it', async () => {
    const child = startProcess({ PORT: 'eighty', VIGIL_ROLES: 'api,cron' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(child.output()).toContain('PORT: expected an integer from 0 to 65535 (got "eighty")');
    expect(child.output()).toContain(
      'VIGIL_ROLES: expected a comma-separated list of api, prober, controller',
    );
  });

  it('creates its database, becomes ready with every role, and stops cleanly on SIGTERM', async () => {
    const name = `vigil_proc_${randomBytes(4).toString('hex')}`;
    const base = new URL(loadEnv().DATABASE_URL);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const port = await freePort();
    const child = startProcess({
      PORT: String(port),
      DATABASE_URL: url.toString(),
      VIGIL_REDIS_PREFIX: name,
      VIGIL_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const exited = once(child, 'exit');
    try {
      await until(
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
        60_000,
        '/readyz 200',
      );
      expect(child.output()).toMatch(/"msg":"Vigil listening on :\d+ with roles api, prober, controller"/);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(child.output()).toContain('SIGTERM received; shutting down');
    } finally {
      child.kill('SIGKILL');
      const admin = new Client({ connectionString: base.toString().replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }, 90_000);
});
