import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '@apps/cli';
import { HEALTH_KEYS } from '@libs/queue';
import { redisKey } from '@libs/runtime';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** Two IDCs, one service with an endpoint in each, configured weights 3:1 (as traffic-api). */
const CONFIG = `apiVersion: vigil/v1
idcs:
  - { name: sha, capacity: 1000 }
  - { name: bjs, capacity: 1000 }
services:
  - name: web
    weights: { sha: 3, bjs: 1 }
    endpoints:
      - { idc: sha, name: sha-1, url: 'http://10.0.0.1:80/healthz', capacity: 100 }
      - { idc: bjs, name: bjs-1, url: 'http://10.0.1.1:80/healthz', capacity: 100 }
    checks:
      - { name: healthz, type: http }
`;

const BASELINE = { bjs: 25, sha: 75 };
const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The acting commands of the CLI (issue 13 item 5) against a real Vigil (API role only: no controller
 * executes actions, so what the CLI decides stays visible), the CLI running in-process.
 */
describe('the vigil CLI acting on traffic, against a real API', () => {
  let vigil: VigilUnderTest;
  let dir: string;
  let env: Record<string, string>;

  /** Runs `vigil <args>` in-process; `signal` ends a --follow. */
  async function cli(
    args: string[],
    signal?: AbortSignal,
    onOutput?: (out: string) => void,
  ): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await run(['node', 'vigil', ...args], {
      stdout: (t) => {
        stdout += t;
        onOutput?.(stdout);
      },
      stderr: (t) => (stderr += t),
      env,
      signal,
    });
    return { code, stdout, stderr };
  }

  /** An action a rule proposed in approval mode, with its steps (the first `done` applied). */
  async function seed(state: string, steps: Array<Record<string, number>>, done = 0): Promise<string> {
    const id = randomUUID();
    await vigil.sql(
      `INSERT INTO actions (id, service, rule, kind, idc, mode, state, reason, plan, guardrails, weights_before,
                            steps_done, steps_total)
       VALUES ($1, 'web', 'sha-down', 'shift-away', 'sha', 'approval', $2, 'sha is UNHEALTHY', $3,
               '["kill-switch","freeze"]', $4, $5, $6)`,
      [
        id,
        state,
        JSON.stringify({ kind: 'plan', direction: 'away', idc: 'sha', before: BASELINE, steps }),
        JSON.stringify(BASELINE),
        done,
        steps.length,
      ],
    );
    for (const [index, weights] of steps.entries()) {
      const applied = index < done;
      await vigil.sql(
        `INSERT INTO action_steps (action_id, index, weights, idempotency_key, state, attempts)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          id,
          index,
          JSON.stringify(weights),
          `${id}:${index}`,
          applied ? 'applied' : 'pending',
          applied ? 1 : 0,
        ],
      );
    }
    return id;
  }

  const stateOf = async (id: string) =>
    (
      await vigil.sql<{ state: string; decided_by: string | null }>(
        'SELECT state, decided_by FROM actions WHERE id = $1',
        [id],
      )
    )[0];

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    dir = await mkdtemp(join(tmpdir(), 'vigil-cli-acting-'));
    const key = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: 'ops-alice', role: 'operator' },
    });
    expect(key.status).toBe(201);
    env = { VIGIL_URL: vigil.url, VIGIL_TOKEN: key.body.token };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await vigil?.close();
  });

  describe('plan', () => {
    it('exits 3 while the plan has changes, 0 once there are none', async () => {
      const file = join(dir, 'vigil.yaml');
      await writeFile(file, CONFIG);
      const changes = await cli(['plan', '-f', file]);
      expect(changes).toMatchObject({ code: 3, stderr: '' });
      expect(changes.stdout).toContain('+ service web\n');

      const apply = await cli(['apply', '-f', file, '-m', 'first']);
      expect(apply.code).toBe(0);
      expect(apply.stdout.trimEnd().endsWith('Applied version 1.')).toBe(true);
      expect(await cli(['plan', '-f', file])).toEqual({
        code: 0,
        stderr: '',
        stdout: 'No changes. Version 1 is current.\n',
      });
      const yaml = await cli(['plan', '-f', file, '-o', 'yaml']);
      expect(yaml.code).toBe(0);
      expect(parse(yaml.stdout)).toMatchObject({ version: 1, changed: false, plan: { changes: [] } });
    });
  });

  describe('actions', () => {
    it('lists an action awaiting approval and shows it', async () => {
      const id = await seed('awaiting-approval', [
        { bjs: 50, sha: 50 },
        { bjs: 100, sha: 0 },
      ]);
      const list = await cli(['actions', 'list', '--state', 'awaiting-approval']);
      expect(list).toMatchObject({ code: 0, stderr: '' });
      expect(list.stdout).toMatch(
        new RegExp(`^${id}\\s+web\\s+shift-away\\s+sha\\s+approval\\s+awaiting-approval\\s+0/2\\s+`, 'm'),
      );
      const show = await cli(['actions', 'show', id]);
      expect(show).toMatchObject({ code: 0, stderr: '' });
      expect(show.stdout).toContain(`Action ${id}: shift-away of web from sha\n`);
      expect(show.stdout).toContain('  before:     bjs=25 sha=75\n');
      expect(show.stdout).toMatch(/^\s+2\s+pending\s+bjs=100 sha=0\s+0\s+-$/m);
      expect(show.stdout).toContain(`Awaiting approval: vigil actions approve ${id}`);
    });

    it('approves one (it executes), then cancels it; a second approve exits 1 naming the state', async () => {
      const id = await seed('awaiting-approval', [{ bjs: 100, sha: 0 }]);
      const approve = await cli(['actions', 'approve', id, '-r', 'confirmed on the dashboards']);
      expect(approve).toEqual({
        code: 0,
        stderr: '',
        stdout: `Approved action ${id} (shift-away of web from sha): it is executing.\n`,
      });
      expect(await stateOf(id)).toEqual({ state: 'executing', decided_by: 'ops-alice' });

      const again = await cli(['actions', 'approve', id]);
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toMatch(/^error: .*executing.*\(HTTP 409 Conflict\)\n$/);

      const cancel = await cli(['actions', 'cancel', id, '-o', 'json']);
      expect(cancel.code).toBe(0);
      expect(JSON.parse(cancel.stdout)).toMatchObject({ id, state: 'cancelled' });
    });

    it('rejects one awaiting approval', async () => {
      const id = await seed('awaiting-approval', [{ bjs: 100, sha: 0 }]);
      const reject = await cli(['actions', 'reject', id, '-r', 'false alarm']);
      expect(reject).toMatchObject({
        code: 0,
        stdout: `Rejected action ${id} (shift-away of web from sha): nothing was applied.\n`,
      });
      expect((await stateOf(id)).state).toBe('rejected');
    });

    it('rolls back one that applied a step: a new rollback action restores the weights before', async () => {
      const id = await seed('completed', [{ bjs: 100, sha: 0 }], 1);
      const rollback = await cli(['actions', 'rollback', id, '-r', 'latency got worse']);
      expect(rollback.code).toBe(0);
      expect(rollback.stdout).toMatch(
        new RegExp(
          `^Rolling back action ${id}: rollback action \\S+ is executing, restoring bjs=25 sha=75\\.\\n$`,
        ),
      );
      expect((await stateOf(id)).state).toBe('rolled-back');
      const noReason = await cli(['actions', 'rollback', id]);
      expect(noReason.code).toBe(2);
    });
  });

  describe('freezes', () => {
    it('adds one (printing its id), lists it as active, ends it, and lists it as lifted', async () => {
      const add = await cli([
        'freeze',
        'add',
        '--service',
        'web',
        '--idc',
        'sha',
        '--for',
        '2h',
        '-r',
        'CHG-1234',
      ]);
      expect(add).toMatchObject({ code: 0, stderr: '' });
      expect(add.stdout).toMatch(UUID_LINE);
      const id = add.stdout.trim();

      const active = await cli(['freeze', 'list', '--active']);
      expect(active).toMatchObject({ code: 0, stderr: '' });
      expect(active.stdout).toMatch(/^ID\s+STATE\s+SERVICES\s+IDCS\s+UNTIL\s+BY\s+REASON$/m);
      expect(active.stdout).toMatch(
        new RegExp(`^${id}\\s+active\\s+web\\s+sha\\s+.*\\(in 1h59m\\S*\\)\\s+ops-alice\\s+CHG-1234$`, 'm'),
      );

      const end = await cli(['freeze', 'end', id]);
      expect(end).toEqual({
        code: 0,
        stderr: '',
        stdout: `Ended freeze ${id} (services web, IDCs sha): automatic actions may run there again.\n`,
      });
      expect(await cli(['freeze', 'list', '--active'])).toMatchObject({
        code: 0,
        stdout: 'No active freezes.\n',
      });
      expect((await cli(['freeze', 'list'])).stdout).toMatch(new RegExp(`^${id}\\s+lifted\\s+`, 'm'));
      expect((await cli(['freeze', 'end', id])).code).toBe(1); // already lifted: 409
    });
  });

  describe('automation', () => {
    it('pauses and resumes the kill switch', async () => {
      expect(await cli(['automation', 'show'])).toMatchObject({
        code: 0,
        stdout: 'Automation is running (never paused).\n',
      });
      const pause = await cli(['automation', 'pause', '-r', 'incident 4711']);
      expect(pause.code).toBe(0);
      expect(pause.stdout).toMatch(
        /^Automation is PAUSED \(kill switch\) by ops-alice since \S+ \S+ \(\d+s ago\): incident 4711\n/,
      );
      const shown = await cli(['automation', 'show', '-o', 'yaml']);
      expect(parse(shown.stdout)).toMatchObject({ paused: true, by: 'ops-alice', reason: 'incident 4711' });
      const resume = await cli(['automation', 'resume']);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toMatch(/^Automation is running \(resumed by ops-alice since /);
      expect((await cli(['automation', 'resume'])).code).toBe(1); // not paused: 409
    });
  });

  describe('weights', () => {
    it('sets them by hand, shows the override, and releases it', async () => {
      const set = await cli(['weights', 'set', 'web', 'bjs=100', 'sha=0', '-r', 'sha maintenance']);
      expect(set).toMatchObject({ code: 0, stderr: '' });
      expect(set.stdout).toMatch(
        /^Set the weights of web to bjs=100 sha=0 by hand: action \S+ is executing\.\nAutomation is paused for web until: vigil weights release web\n/,
      );

      const show = await cli(['weights', 'show', 'web']);
      expect(show).toMatchObject({ code: 0, stderr: '' });
      expect(show.stdout).toMatch(/^IDC\s+BASELINE\s+DESIRED\s+APPLIED\s+IN FORCE\s+FAILBACK$/m);
      expect(show.stdout).toMatch(/^bjs\s+25\s+\d+\s+-\s+/m);
      expect(show.stdout).toContain('Manual override: bjs=100 sha=0 by ops-alice at ');
      expect(show.stdout).toMatch(/^Latest action: \S+ set-weights of web, executing/m);

      const json = JSON.parse((await cli(['weights', 'show', 'web', '-o', 'json'])).stdout);
      expect(json).toMatchObject({
        service: 'web',
        baseline: BASELINE,
        override: { weights: { bjs: 100, sha: 0 } },
      });

      const release = await cli(['weights', 'release', 'web']);
      expect(release).toMatchObject({ code: 0, stderr: '' });
      expect(release.stdout).toMatch(/^Released the manual override of web: automation decides again\./);
      expect((await cli(['weights', 'show', 'web'])).stdout).toContain(
        'Manual override: none (automation decides)',
      );
      expect((await cli(['weights', 'release', 'web'])).code).toBe(1); // no override: 409
    });

    it('exits 1 with the API details on weights it refuses, 2 on ones it cannot read', async () => {
      const refused = await cli(['weights', 'set', 'web', 'szx=100', '-r', 'x']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/\(HTTP 400 Bad Request\)\n {2}weights/);
      expect(await cli(['weights', 'set', 'web', 'sha', '-r', 'x'])).toMatchObject({ code: 2 });
      expect((await cli(['weights', 'show', 'nope'])).code).toBe(1);
    });
  });

  describe('drain and undrain', () => {
    // The log traffic manager (the default) can drain; with no controller here the action stays executing.
    it('drains an endpoint by hand as a manual action; refuses a second drain while it executes', async () => {
      const drain = await cli(['drain', 'web', 'sha-1', '-r', '5xx under load']);
      expect(drain).toMatchObject({ code: 0, stderr: '' });
      const printed = drain.stdout.match(
        /^Draining endpoint sha-1 of web \(sha\): action (\S+) is executing;\n {2}once applied, its traffic manager sends it no new requests; the weights stay as they are\.\nFollow it with: vigil actions show \1\nUndo with: vigil undrain web sha-1 -r <why>\n$/,
      );
      expect(printed).not.toBeNull();
      const id = printed![1];

      const show = await cli(['actions', 'show', id]);
      expect(show).toMatchObject({ code: 0, stderr: '' });
      expect(show.stdout).toContain(`Action ${id}: drain-endpoint of web.sha-1 (sha)\n`);
      expect(show.stdout).toContain('  reason:     5xx under load\n');
      // The executor (not running here) fills in the step's drained list when it applies it.
      expect(show.stdout).toMatch(/^\s+1\s+pending\s+bjs=\d+ sha=\d+\s+0\s+-$/m);
      const json = JSON.parse((await cli(['actions', 'show', id, '-o', 'json'])).stdout);
      expect(json).toMatchObject({
        kind: 'drain-endpoint',
        endpoint: 'sha-1',
        idc: 'sha',
        decidedBy: 'ops-alice',
      });

      const again = await cli(['drain', 'web', 'sha-1', '-r', 'again']);
      expect(again).toMatchObject({ code: 1, stdout: '' });
      expect(again.stderr).toMatch(
        new RegExp(`action ${id} \\(drain-endpoint\\).*still executing.*\\(HTTP 409 Conflict\\)`),
      );
    });

    it('refuses to undrain an endpoint not drained, and names an unknown endpoint', async () => {
      const undrain = await cli(['undrain', 'web', 'bjs-1', '-r', 'back']);
      expect(undrain).toMatchObject({ code: 1, stdout: '' });
      expect(undrain.stderr).toMatch(
        /endpoint "bjs-1" of service "web" is not drained \(HTTP 409 Conflict\)/,
      );
      const unknown = await cli(['drain', 'web', 'nope', '-r', 'x']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/service "web" has no endpoint "nope" \(HTTP 404 Not Found\)/);
      expect((await cli(['undrain', 'web', 'bjs-1'])).code).toBe(2); // no --reason
    });
  });

  describe('endpoint and events', () => {
    it('shows an endpoint the leader has not scored yet', async () => {
      const run = await cli(['endpoint', 'web.sha-1']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(
        [
          'Endpoint web.sha-1 (service web, IDC sha, capacity 100)',
          '  state:  UNKNOWN (unknown)',
          '  score:  0 (availability 0, latency 0, stability 0)',
          '  down from: -; up from: -',
          '',
          'No probe results yet.',
          '',
        ].join('\n'),
      );
      const json = JSON.parse((await cli(['endpoint', 'web.sha-1', '-o', 'json'])).stdout);
      expect(json).toMatchObject({ id: 'web.sha-1', state: 'UNKNOWN', capacity: 100 });
      const unknown = await cli(['endpoint', 'web.nope']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('(HTTP 404 Not Found)');
    });

    it('lists events, and follows the live stream until stopped', async () => {
      expect(await cli(['events', '--kind', 'idc'])).toMatchObject({
        code: 0,
        stdout: 'No events with kind=idc.\n',
      });

      const event = {
        id: '1',
        at: new Date().toISOString(),
        kind: 'idc',
        service: 'web',
        idc: 'sha',
        endpoint: null,
        vantage: null,
        before: 'HEALTHY',
        after: 'UNHEALTHY',
        reason: 'capacity',
        details: {},
      };
      const redis = new Redis(vigil.env.REDIS_URL);
      const stop = new AbortController();
      try {
        let seen = false;
        const following = cli(['events', '--follow', '--service', 'web'], stop.signal, (out) => {
          if (out.includes('\n')) seen = true;
        });
        // Published until the stream, once connected, delivered one: then stopped (as Ctrl-C would).
        await poll(
          async () => {
            if (seen) return true;
            await redis.publish(redisKey(vigil.env, HEALTH_KEYS.events), JSON.stringify(event));
            await new Promise((r) => setTimeout(r, 200));
            return seen || undefined;
          },
          20_000,
          'an event printed by vigil events --follow',
        );
        stop.abort();
        const followed = await following;
        expect(followed).toMatchObject({ code: 0, stderr: '' });
        const first = followed.stdout.split('\n')[0];
        expect(first).toMatch(/^\S+ \S+Z {2}idc {2}web\/sha {2}HEALTHY -> UNHEALTHY {2}capacity$/);
      } finally {
        stop.abort();
        redis.disconnect();
      }
    });
  });
});
