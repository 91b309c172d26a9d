import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { call } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples/multi-idc.yaml');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (apps/cli/src/main.ts) as a child process and waits for it to end. */
async function vigilCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/cli/src/main.ts',
      ...args,
    ],
    { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin ?? '');
  // 'close' follows 'exit' once stdout and stderr are drained, so the output is complete.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('the vigil CLI against a real API', () => {
  let vigil: VigilUnderTest;
  let dir: string;
  let env: Record<string, string | undefined>;
  const cli = (...args: string[]) => vigilCli(args, env);

  beforeAll(async () => {
    vigil = await startVigil();
    dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    env = { VIGIL_URL: vigil.url, VIGIL_TOKEN: vigil.adminToken };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await vigil.close();
  });

  // The steps build on each other: plan on an empty Vigil, apply, apply again, then read.
  it('plans the example: every object is a create, the settings updates, nothing applied yet', async () => {
    const run = await cli('plan', '-f', EXAMPLE);
    expect(run).toMatchObject({ code: 3, stderr: '' }); // 3: the plan has changes
    expect(run.stdout).toContain('+ idc sha\n');
    expect(run.stdout).toContain('+ service live-edge\n');
    expect(run.stdout).toContain('+ rule idc-down\n');
    expect(run.stdout).toContain('~ settings notifications\n');
    expect(run.stdout).toContain('Plan: 12 to create, 2 to update, 0 to delete (nothing applied yet).');
  });

  it('applies it as version 1, then finds nothing to change', async () => {
    const first = await cli('apply', '-f', EXAMPLE, '-m', 'first import');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('+ idc bjs\n');
    expect(first.stdout.trimEnd().endsWith('Applied version 1.')).toBe(true);

    const again = await cli('apply', '-f', EXAMPLE);
    expect(again).toMatchObject({ code: 0, stderr: '', stdout: 'No changes; version 1 stays current.\n' });
  });

  it('plans an update from stdin and shows the changed field', async () => {
    const yaml = (await readFile(EXAMPLE, 'utf8')).replace('capacity: 200\n', 'capacity: 250\n');
    const run = await vigilCli(['plan', '-f', '-'], env, yaml);
    expect(run).toMatchObject({ code: 3, stderr: '' });
    expect(run.stdout).toBe(
      '~ idc szx\n  capacity: 200 -> 250\n\nPlan: 0 to create, 1 to update, 0 to delete (against version 1).\n',
    );
  });

  it('shows status: the version, the IDCs and the services of the example', async () => {
    const run = await cli('status');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Config version 1\n');
    expect(run.stdout).toContain('  message: first import\n');
    expect(run.stdout).toMatch(/^NAME\s+REGION\s+CAPACITY\s+LABELS$/m);
    expect(run.stdout).toMatch(/^sha\s+cn-east\s+400\s+tier=core$/m);
    expect(run.stdout).toMatch(/^bjs\s+cn-north\s+400\s+tier=core$/m);
    expect(run.stdout).toMatch(/^szx\s+cn-south\s+200\s+tier=edge$/m);
    expect(run.stdout).toMatch(/^live-edge\s+8\s+team=streaming,tier=core$/m);
  });

  it('prints the raw JSON with -o json', async () => {
    const run = await cli('status', '-o', 'json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(run.stdout);
    expect(body.versions.items[0].version).toBe(1);
    expect(body.idcs.items.map((i: { name: string }) => i.name).sort()).toEqual(['bjs', 'sha', 'szx']);
    expect(body.services.total).toBe(4);
  });

  it('lists versions and diffs version 1 against nothing', async () => {
    const versions = await cli('versions');
    expect(versions.code).toBe(0);
    expect(versions.stdout).toMatch(/^\s*1\s+\S+ \S+\s+\S+\s+\S+\s+\+12 ~2 -0\s+first import$/m);

    const diff = await cli('diff', '1');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('+ channel pd\n');
    expect(diff.stdout).toContain('12 to create, 2 to update, 0 to delete (an empty config -> version 1).');
  });

  it('exits 1 on an invalid file, printing each problem with its path', async () => {
    const broken = join(dir, 'broken.yaml');
    const yaml = await readFile(EXAMPLE, 'utf8');
    await writeFile(broken, yaml.replace('{ idc: sha, name: sha-edge-1', '{ idc: shx, name: sha-edge-1'));
    const run = await cli('apply', '-f', broken);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*\(HTTP 400 Bad Request\)$/m);
    expect(run.stderr).toContain('  services[0].endpoints[0].idc: unknown IDC "shx"');
  });

  it('exits 1 when the API cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const run = await vigilCli(['status'], { ...env, VIGIL_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: cannot reach Vigil at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  it('exits 2 with a clear message when no token is given', async () => {
    const run = await vigilCli(['status'], { ...env, VIGIL_TOKEN: undefined });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('error: an API key is required: pass --token <key> or set VIGIL_TOKEN\n');
  });
});

describe('the incident commands (alerts, notifications, silences) against a real API', () => {
  // A Vigil of its own without config: no channels, so no notification but the one a test records.
  let vigil: VigilUnderTest;
  let env: Record<string, string | undefined>;
  const cli = (...args: string[]) => vigilCli(args, env);
  const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;

  beforeAll(async () => {
    vigil = await startVigil();
    env = { VIGIL_URL: vigil.url, VIGIL_TOKEN: vigil.adminToken };
  });
  afterAll(async () => {
    await vigil.close();
  });

  describe('alerts', () => {
    beforeAll(async () => {
      const key = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: vigil.adminToken,
        json: { name: 'alert-sender', role: 'webhook' },
      });
      expect(key.status).toBe(201);
      const labels = { service: 'live-edge', instance: 'sha-edge-1:443', severity: 'critical' };
      const sent = await call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
        token: key.body.token,
        json: {
          alerts: [
            {
              name: 'HighErrorRate',
              labels: { ...labels, idc: 'sha' },
              annotations: { summary: '5xx above 5% on sha' },
            },
            { name: 'DiskFull', labels: { idc: 'bjs' }, status: 'resolved' },
          ],
        },
      });
      expect(sent).toMatchObject({ status: 200, body: { received: 2, firing: 1, resolved: 1 } });
    });

    it('lists the firing one with where it fires and its summary', async () => {
      const run = await cli('alerts', '--status', 'firing');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^STATUS\s+NAME\s+SERVICE\s+IDC\s+ENDPOINT\s+SINCE\s+SUMMARY$/);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(
          /^firing\s+HighErrorRate\s+live-edge\s+sha\s+sha-edge-1:443\s+\S+\s+5xx above 5% on sha$/,
        ),
      ]);
    });

    it('filters by IDC and status, and says when nothing matches', async () => {
      const bjs = await cli('alerts', '--idc', 'bjs');
      expect(bjs.code).toBe(0);
      expect(bjs.stdout).toMatch(/^resolved\s+DiskFull\s+-\s+bjs\s+-\s+\S+$/m);
      expect(bjs.stdout).not.toContain('HighErrorRate');

      const none = await cli('alerts', '--status', 'firing', '--idc', 'bjs');
      expect(none).toMatchObject({ code: 0, stdout: 'No alerts with status=firing, idc=bjs.\n' });
    });

    it('prints the raw page with -o json', async () => {
      const run = await cli('alerts', '-o', 'json', '--limit', '1');
      expect(run.code).toBe(0);
      const page = JSON.parse(run.stdout);
      expect(page.items).toHaveLength(1);
      expect(typeof page.next).toBe('string'); // two alerts, one per page
      const rest = JSON.parse((await cli('alerts', '-o', 'json', '--cursor', page.next)).stdout);
      expect([...page.items, ...rest.items].map((a: { name: string }) => a.name).sort()).toEqual([
        'DiskFull',
        'HighErrorRate',
      ]);
    });
  });

  describe('notifications', () => {
    it('says when there is no failed notification', async () => {
      const run = await cli('notifications', '--failed');
      expect(run).toMatchObject({ code: 0, stderr: '', stdout: 'No notifications with state=failed.\n' });
      const json = await cli('notifications', '--failed', '-o', 'json');
      expect(JSON.parse(json.stdout)).toEqual({ items: [], next: null });
    });

    it('lists a failed one with its error, and re-sends it', async () => {
      // A notification whose every attempt failed, as the delivery worker leaves it.
      const id = randomUUID();
      await vigil.sql(
        `INSERT INTO notifications (id, dedup_key, incident_key, event, phase, severity, channel, title, text,
           labels, state, attempts, last_error)
         VALUES ($1, $2, 'idc.state:live-edge:sha', 'idc.state', 'trigger', 'critical', 'gone',
           'live-edge in sha is UNHEALTHY', 'text', '{}', 'failed', 5, 'HTTP 503 from the receiver')`,
        [id, `${id}:gone`],
      );
      const list = await cli('notifications', '--failed');
      expect(list).toMatchObject({ code: 0, stderr: '' });
      expect(list.stdout).toMatch(
        /^TIME\s+STATE\s+CHANNEL\s+EVENT\s+PHASE\s+SEVERITY\s+TITLE\s+ATTEMPTS\s+LAST ERROR\s+ID$/m,
      );
      expect(list.stdout).toMatch(
        new RegExp(
          `^\\S+ \\S+\\s+failed\\s+gone\\s+idc\\.state\\s+trigger\\s+critical\\s+live-edge in sha is UNHEALTHY\\s+5\\s+HTTP 503 from the receiver\\s+${id}$`,
          'm',
        ),
      );

      const resend = await cli('resend', id);
      expect(resend).toMatchObject({
        code: 0,
        stderr: '',
        stdout: `Notification ${id} (gone: live-edge in sha is UNHEALTHY) is queued for delivery again.\n`,
      });
      const [row] = await vigil.sql<{ last_error: string | null }>(
        'SELECT last_error FROM notifications WHERE id = $1',
        [id],
      );
      expect(row.last_error).not.toBe('HTTP 503 from the receiver'); // cleared by the re-send
    });

    it('exits 1 on an unknown notification, 2 on an id that is not one', async () => {
      const id = randomUUID();
      const unknown = await cli('resend', id);
      expect(unknown).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `error: notification ${id} does not exist (HTTP 404 Not Found)\n`,
      });
      const bad = await cli('resend', '42');
      expect(bad).toMatchObject({ code: 2, stderr: 'error: notification id must be a UUID, got "42"\n' });
    });
  });

  describe('silences', () => {
    let id: string;

    it('adds one for 2h and prints its id', async () => {
      const run = await cli(
        'silence',
        'add',
        '--match',
        'idc=sha',
        '--match',
        'severity=~warn.*',
        '--for',
        '2h',
        '-c',
        'sha maintenance, CHG-1234',
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(UUID_LINE);
      id = run.stdout.trim();
      const [row] = await vigil.sql<{ matchers: unknown; comment: string; minutes: number }>(
        `SELECT matchers, comment, round(extract(epoch FROM ends_at - starts_at) / 60)::int AS minutes
         FROM silences WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({
        matchers: [
          { label: 'idc', op: '=', value: 'sha' },
          { label: 'severity', op: '=~', value: 'warn.*' },
        ],
        comment: 'sha maintenance, CHG-1234',
        minutes: 120,
      });
    });

    it('adds a pending one from --start to --until, with -o json', async () => {
      const start = new Date(Date.now() + 86_400_000);
      const until = new Date(start.getTime() + 3_600_000);
      const run = await cli(
        'silence',
        'add',
        '--match',
        'rule="nightly, batch"',
        '--start',
        start.toISOString(),
        '--until',
        until.toISOString(),
        '-c',
        'batch window',
        '-o',
        'json',
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const body = JSON.parse(run.stdout);
      expect(body).toMatchObject({
        state: 'pending',
        matchers: [{ label: 'rule', op: '=', value: 'nightly, batch' }],
        startsAt: start.toISOString(),
        endsAt: until.toISOString(),
      });
    });

    it('lists active and pending ones by default, newest first', async () => {
      const run = await cli('silences');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+STATE\s+MATCHERS\s+STARTS\s+ENDS\s+BY\s+COMMENT$/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^\S+\s+pending\s+rule="nightly, batch"\s+.*\(in \S+\).*batch window$/);
      expect(lines[2]).toMatch(
        new RegExp(
          `^${id}\\s+active\\s+idc=sha, severity=~warn\\.\\*\\s+.*\\(in \\S+\\)\\s+\\S+\\s+sha maintenance, CHG-1234$`,
        ),
      );
      expect(await cli('silences', '--expired')).toMatchObject({ code: 0, stdout: 'No expired silences.\n' });
    });

    it('expires one: it leaves the default list, shows as expired, and cannot expire twice', async () => {
      const run = await cli('silence', 'expire', id);
      expect(run).toMatchObject({
        code: 0,
        stderr: '',
        stdout: `Expired silence ${id} (idc=sha, severity=~warn.*): matching notifications are sent again.\n`,
      });
      expect((await cli('silences')).stdout).not.toContain(id);
      const expired = await cli('silences', '--expired', '-o', 'json');
      expect(
        JSON.parse(expired.stdout).items.map((s: { id: string; state: string }) => [s.id, s.state]),
      ).toEqual([[id, 'expired']]);
      const all = await cli('silences', '--all');
      expect(all.stdout.trimEnd().split('\n')).toHaveLength(3);

      const again = await cli('silence', 'expire', id);
      expect(again).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `error: silence ${id} has already expired (HTTP 409 Conflict)\n`,
      });
    });

    it('exits 2 on a malformed matcher, naming it, and sends nothing', async () => {
      const before = await vigil.sql<{ n: number }>('SELECT count(*)::int AS n FROM silences');
      const run = await cli(
        'silence',
        'add',
        '--match',
        'idc=sha',
        '--match',
        'severity',
        '--for',
        '1h',
        '-c',
        'x',
      );
      expect(run).toMatchObject({
        code: 2,
        stdout: '',
        stderr:
          'error: --match "severity": expected label=value, label!=value, label=~regex or label!~regex (label: [a-zA-Z_][a-zA-Z0-9_]*)\n',
      });
      const noEnd = await cli('silence', 'add', '--match', 'idc=sha', '-c', 'x');
      expect(noEnd).toMatchObject({ code: 2, stderr: expect.stringContaining('pass --for <duration>') });
      expect(await vigil.sql('SELECT count(*)::int AS n FROM silences')).toEqual(before);
    });

    it('exits 1 on matchers the API refuses, printing each problem with the --match it came from', async () => {
      const run = await cli(
        'silence',
        'add',
        '--match',
        'idc=sha',
        '--match',
        'rule=~(a)\\1',
        '--for',
        '1h',
        '-c',
        'x',
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: .*\(HTTP 400 Bad Request\)$/m);
      expect(run.stderr).toMatch(
        /^ {2}matchers\[1\]\.value: is not a valid RE2 regular expression: .* \(--match "rule=~\(a\)\\\\1"\)$/m,
      );
    });
  });
});
