import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliVersion, run } from './main';

const PLAN = (changes: unknown[]) => ({
  version: 3,
  changed: false,
  dryRun: true,
  plan: { changes, summary: { create: changes.length, update: 0, delete: 0 } },
});

/** Runs the CLI in-process against answers by `METHOD /path`; returns the exit code, output and requests. */
async function cli(args: string[], answers: Record<string, () => Response> = {}, signal?: AbortSignal) {
  const requests: Array<{ method: string; url: string; body?: string }> = [];
  const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    requests.push({ method, url: url.pathname + url.search, body: init?.body as string | undefined });
    const answer = answers[`${method} ${url.pathname}`];
    return answer ? answer() : Response.json({ statusCode: 404, message: 'no such route' }, { status: 404 });
  });
  let stdout = '';
  let stderr = '';
  try {
    const code = await run(['node', 'vigil', ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { VIGIL_URL: 'http://vigil:3000', VIGIL_TOKEN: 'k' },
      signal,
    });
    return { code, stdout, stderr, requests };
  } finally {
    spy.mockRestore();
  }
}

describe('vigil --version and the help', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(cliVersion()).toBe(pkg.version);
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('documents the exit codes', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain(
      'Exit codes: 0 ok (plan: no changes), 1 API or network error, 2 usage error, 3',
    );
    expect((await cli(['plan', '--help'])).stdout).toContain(
      '0 no changes, 3 changes, 1 API error, 2 usage error',
    );
  });
});

describe('exit codes', () => {
  const file = join(__dirname, '../../../examples/multi-idc.yaml');

  it('plan: 3 when the plan has changes, 0 when none', async () => {
    const change = { kind: 'idc', name: 'sha', op: 'create' };
    const changes = await cli(['plan', '-f', file], {
      'PUT /api/v1/config': () => Response.json(PLAN([change])),
    });
    expect(changes).toMatchObject({ code: 3, stderr: '' });
    expect(changes.stdout).toContain('+ idc sha\n');
    expect(changes.requests[0].url).toBe('/api/v1/config?dryRun=true');
    const none = await cli(['plan', '-f', file], { 'PUT /api/v1/config': () => Response.json(PLAN([])) });
    expect(none).toMatchObject({ code: 0, stdout: 'No changes. Version 3 is current.\n' });
  });

  it('1 on an API error, with its details; 2 on a usage error, sending nothing', async () => {
    const refused = await cli(['weights', 'set', 'web', 'sha=1', '-r', 'x'], {
      'PUT /api/v1/services/web/weights': () =>
        Response.json(
          {
            statusCode: 400,
            message: 'invalid weights',
            details: [{ path: 'weights.sha', message: 'unknown IDC' }],
          },
          { status: 400, statusText: 'Bad Request' },
        ),
    });
    expect(refused).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: invalid weights (HTTP 400 Bad Request)\n  weights.sha: unknown IDC\n',
    });
    const usage = await cli(['actions', 'approve', '42']);
    expect(usage).toMatchObject({
      code: 2,
      stderr: 'error: action id must be a UUID, got "42"\n',
      requests: [],
    });
    const missing = await cli(['automation', 'pause']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-r, --reason <text>' not specified");
  });
});

describe('acting commands send what the API takes', () => {
  const ID = '0b6d2f3e-8a1c-4c1e-9a7e-2b9b1f0c4d11';
  const action = {
    id: ID,
    service: 'web',
    kind: 'shift-away',
    idc: 'sha',
    mode: 'approval',
    state: 'executing',
    reason: 'sha down',
    stepsDone: 0,
    stepsTotal: 1,
    createdAt: '2026-05-01T10:00:00Z',
    updatedAt: '2026-05-01T10:00:00Z',
    plan: {},
    guardrails: [],
    weightsBefore: { sha: 50, bjs: 50 },
    steps: [],
  };

  it('approve posts the reason; -o yaml prints the answer as YAML', async () => {
    const run = await cli(['actions', 'approve', ID, '-r', 'looks right', '-o', 'yaml'], {
      [`POST /api/v1/actions/${ID}/approve`]: () => Response.json(action),
    });
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(action);
    expect(run.requests[0]).toMatchObject({ method: 'POST', body: '{"reason":"looks right"}' });
  });

  it('freeze add posts the scope and the end', async () => {
    const run = await cli(
      [
        'freeze',
        'add',
        '--service',
        'web',
        '--idc',
        'sha',
        '--idc',
        'bjs',
        '--until',
        '2030-01-01T00:00:00Z',
        '-r',
        'CHG-1',
      ],
      {
        'POST /api/v1/freezes': () => Response.json({ id: 'f1' }, { status: 201 }),
      },
    );
    expect(run).toMatchObject({ code: 0, stdout: 'f1\n' });
    expect(JSON.parse(run.requests[0].body!)).toEqual({
      services: ['web'],
      idcs: ['sha', 'bjs'],
      until: '2030-01-01T00:00:00.000Z',
      reason: 'CHG-1',
    });
  });

  it('weights set puts idc=weight pairs; endpoint escapes the id', async () => {
    const set = await cli(['weights', 'set', 'web', 'bjs=100', 'sha=0', '-r', 'maintenance', '-o', 'json'], {
      'PUT /api/v1/services/web/weights': () => Response.json({ ok: true }),
    });
    expect(set.code).toBe(0);
    expect(JSON.parse(set.requests[0].body!)).toEqual({
      weights: { bjs: 100, sha: 0 },
      reason: 'maintenance',
    });
    const endpoint = await cli(['endpoint', 'web.sha/1', '-o', 'json'], {
      'GET /api/v1/endpoints/web.sha%2F1/health': () => Response.json({ id: 'web.sha/1' }),
    });
    expect(endpoint).toMatchObject({ code: 0 });
    expect(JSON.parse(endpoint.stdout)).toEqual({ id: 'web.sha/1' });
  });

  it('drain and undrain post the reason to the endpoint of the service; the reason is required', async () => {
    for (const verb of ['drain', 'undrain']) {
      const run = await cli([verb, 'web', 'sha-1', '-r', 'maintenance', '-o', 'json'], {
        [`POST /api/v1/services/web/endpoints/sha-1/${verb}`]: () => Response.json({ id: 'a1' }),
      });
      expect(run).toMatchObject({ code: 0, stdout: '{\n  "id": "a1"\n}\n' });
      expect(JSON.parse(run.requests[0].body!)).toEqual({ reason: 'maintenance' });
    }
    const noReason = await cli(['drain', 'web', 'sha-1']);
    expect(noReason.code).toBe(2);
    expect(noReason.requests).toEqual([]);
  });
});

describe('vigil events --follow', () => {
  it('prints one line per event until the signal aborts, then exits 0', async () => {
    const abort = new AbortController();
    let sent = 0;
    const stream = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            const e = {
              at: '2026-05-01T10:00:00Z',
              kind: 'idc',
              service: 'web',
              idc: 'sha',
              before: 'HEALTHY',
              after: 'UNHEALTHY',
              reason: 'capacity',
            };
            if (sent++ < 2) controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(e)}\n\n`));
            else abort.abort();
          },
          cancel() {},
        }),
      );
    const run = await cli(
      ['events', '--follow', '--service', 'web'],
      { 'GET /api/v1/events/stream': stream },
      abort.signal,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('2026-05-01 10:00:00Z  idc  web/sha  HEALTHY -> UNHEALTHY  capacity\n'.repeat(2));
    expect(run.requests[0].url).toBe('/api/v1/events/stream?service=web');
  });

  it('refuses the filters the stream does not take', async () => {
    const run = await cli(['events', '-f', '--limit', '5', '--endpoint', 'web.sha-1']);
    expect(run).toMatchObject({
      code: 2,
      stderr: 'error: --follow filters only by --service, --idc and --kind; drop --endpoint, --limit\n',
    });
  });
});
