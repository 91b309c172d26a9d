import { execFileSync, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'undici';
import { poll } from './poll';

/**
 * A real PowerDNS Authoritative server on loopback for tests and benchmarks: gsqlite3 backend in a
 * mkdtemp dir, HTTP API on, LUA records on, every cache off (each query runs the LUA record as it
 * is in the database), and one zone with its SOA and NS.
 *
 * Needs the Debian packages pdns-server, pdns-backend-sqlite3 and sqlite3 (to load the schema).
 * `PDNS_SERVER_PATH`, `SQLITE3_PATH` and `PDNS_SQLITE_SCHEMA` override where they are found.
 */
export interface PowerDnsOptions {
  /** UDP and TCP port of the DNS service on 127.0.0.1. */
  dnsPort: number;
  /** Port of the HTTP API on 127.0.0.1. */
  apiPort: number;
  apiKey: string;
  /** The zone created at start, with its final dot, e.g. `example.org.`. */
  zone: string;
  /** Extra `key=value` settings (they win over the defaults), e.g. `{'enable-lua-records': 'no'}`. */
  settings?: Readonly<Record<string, string>>;
}

export interface PowerDnsUnderTest {
  /** The API's base URL, e.g. `http://127.0.0.1:27531` (the adapter's `url`). */
  apiUrl: string;
  apiKey: string;
  /** `127.0.0.1:<dnsPort>`, for `Resolver.setServers`. */
  dnsAddress: string;
  zone: string;
  /** Everything the server printed so far (for failure messages). */
  output: () => string;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  stop: () => Promise<void>;
}

/** Starts the server and waits until its API answers and the zone exists (within 20 s). */
export async function startPowerDns(options: PowerDnsOptions): Promise<PowerDnsUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pdns-'));
  const database = join(dir, 'pdns.sqlite3');
  execFileSync(process.env.SQLITE3_PATH ?? 'sqlite3', [database, `.read ${schemaPath()}`], { stdio: 'pipe' });
  const settings: Record<string, string> = {
    launch: 'gsqlite3',
    'gsqlite3-database': database,
    'local-address': '127.0.0.1',
    'local-port': String(options.dnsPort),
    webserver: 'yes',
    'webserver-address': '127.0.0.1',
    'webserver-port': String(options.apiPort),
    'webserver-allow-from': '127.0.0.1',
    api: 'yes',
    'api-key': options.apiKey,
    'enable-lua-records': 'yes',
    // Caches off: every query reads the record from the database and runs it. (The API purges the
    // zone's cache entries on each PATCH and LUA answers are not packet-cached, but a test must not
    // depend on that, nor see a stale answer for a record changed behind the API's back.)
    'cache-ttl': '0',
    'query-cache-ttl': '0',
    'negquery-cache-ttl': '0',
    guardian: 'no',
    daemon: 'no',
    'socket-dir': dir,
    'disable-syslog': 'yes',
    loglevel: '3',
    ...options.settings,
  };
  const conf = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  await writeFile(join(dir, 'pdns.conf'), `${conf.join('\n')}\n`, { mode: 0o600 });

  const child = spawn(pdnsServerPath(), [`--config-dir=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const api = `${apiUrl}/api/v1/servers/localhost`;
  const headers = { 'x-api-key': options.apiKey, 'content-type': 'application/json' };
  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        const res = await request(api, { headers, headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.text();
        return res.statusCode === 200 ? true : undefined;
      },
      20_000,
      'the PowerDNS API',
    );
    const created = await request(`${api}/zones`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: options.zone,
        kind: 'Native',
        nameservers: [],
        rrsets: [
          {
            name: options.zone,
            type: 'SOA',
            ttl: 3600,
            records: [
              {
                content: `ns1.${options.zone} hostmaster.${options.zone} 1 10800 3600 604800 3600`,
                disabled: false,
              },
            ],
          },
          {
            name: options.zone,
            type: 'NS',
            ttl: 3600,
            records: [{ content: `ns1.${options.zone}`, disabled: false }],
          },
        ],
      }),
    });
    const text = await created.body.text();
    if (created.statusCode !== 201)
      throw new Error(`creating zone ${options.zone}: HTTP ${created.statusCode} ${text}`);
  } catch (error) {
    await stop();
    throw new Error(`PowerDNS did not start: ${(error as Error).message}\n${out}`, { cause: error });
  }
  return {
    apiUrl,
    apiKey: options.apiKey,
    dnsAddress: `127.0.0.1:${options.dnsPort}`,
    zone: options.zone,
    output: () => out,
    stop,
  };
}

export interface ResolveOptions {
  /** Default A. */
  type?: 'A' | 'AAAA';
  /** Source address of the queries (e.g. 127.0.0.7): `pickwhashed` picks by it. Default the OS's. */
  localAddress?: string;
  /** Queries in flight at once. Default 20. */
  concurrency?: number;
}

/**
 * Sends `n` real DNS queries for `name` to `server` (`host:port`) and counts the answers per address
 * (each LUA answer holds one). c-ares keeps no cache here: every query reaches the server.
 * @throws Error on the first query that fails.
 */
export async function resolveMany(
  name: string,
  n: number,
  server: string,
  options: ResolveOptions = {},
): Promise<Record<string, number>> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([server]);
  if (options.localAddress !== undefined) resolver.setLocalAddress(options.localAddress);
  const counts: Record<string, number> = {};
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent++;
      const answers = options.type === 'AAAA' ? await resolver.resolve6(name) : await resolver.resolve4(name);
      for (const address of answers) counts[address] = (counts[address] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 20, n) }, worker));
  return counts;
}

/** `PDNS_SERVER_PATH`, else pdns_server on PATH, else /usr/sbin/pdns_server (not on a user's PATH). */
function pdnsServerPath(): string {
  if (process.env.PDNS_SERVER_PATH !== undefined) return process.env.PDNS_SERVER_PATH;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin'];
  return dirs.map((d) => join(d, 'pdns_server')).find((p) => existsSync(p)) ?? 'pdns_server';
}

/** The gsqlite3 schema shipped by pdns-backend-sqlite3. */
function schemaPath(): string {
  const candidates = [
    process.env.PDNS_SQLITE_SCHEMA,
    '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql',
    '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql',
  ].filter((p): p is string => p !== undefined);
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined)
    throw new Error(`no gsqlite3 schema in ${candidates.join(', ')} (install pdns-backend-sqlite3)`);
  return found;
}
