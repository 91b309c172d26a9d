import { startVigilProcess, stopController, type ControllerProcess } from './support/controller-process';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** A fixed port of this suite's range (27960-27979). */
const PORT = 27975;

/**
 * The JSON log lines of the real entry point (an API process): level names, ISO times, and a request
 * id that comes in (when sane) or is made, goes back in `X-Request-Id`, and is on the request's log
 * line and in error bodies.
 */
describe('log lines and request ids (API process)', () => {
  let vigil: VigilUnderTest;
  let api: ControllerProcess;
  const url = `http://127.0.0.1:${PORT}`;
  const lines = () =>
    api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    api = startVigilProcess(vigil, 'api', 'api', { PORT: String(PORT) });
    await poll(
      async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined),
      60_000,
      '/readyz',
    );
  }, 90_000);
  afterAll(async () => {
    if (api) await stopController(api);
    await vigil?.close();
  });

  it('keeps a sane X-Request-Id, answers with it and logs it on the request line', async () => {
    const res = await call(url, 'GET', '/api/v1/status', {
      token: vigil.adminToken,
      headers: { 'x-request-id': 'e2e-req:42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('e2e-req:42');
    const line = await poll(
      async () => lines().find((l) => l.request_id === 'e2e-req:42'),
      10_000,
      'the request log line',
    );
    expect(line).toMatchObject({ level: 'info', msg: 'request completed', req: { id: 'e2e-req:42' } });
    expect(line.time).toMatch(ISO);
    expect(line.req.headers.authorization).toBe('[redacted]'); // redaction as before
  });

  it('replaces an unsafe id with a UUID, which the error body and the log line carry too', async () => {
    const res = await call(url, 'GET', '/api/v1/status', {
      headers: { 'x-request-id': '{"level":"fatal"}' },
    });
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    expect(res.body).toMatchObject({ statusCode: 401, requestId: id });
    const line = await poll(async () => lines().find((l) => l.request_id === id), 10_000, 'the 401 log line');
    expect(typeof line.level).toBe('string');

    const nul = await call(url, 'GET', '/api/v1/status%00');
    expect(nul.status).toBe(400);
    expect(nul.body.requestId).toBe(nul.headers.get('x-request-id'));
    expect(nul.body.requestId).toMatch(UUID);
  });

  it('writes every line with a level name and an ISO time', () => {
    const all = lines();
    expect(all.some((l) => l.msg?.startsWith('Vigil listening on'))).toBe(true);
    for (const line of all) {
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
      expect(line.time).toMatch(ISO);
    }
  });
});
