import { compileProbe } from './compile';
import {
  closedPort,
  makeCheck,
  makeContext,
  makeEndpoint,
  startTcpServer,
  type TestServer,
} from './test-servers';
import type { ProbeOutcome } from './types';

const SLACK_MS = 1_000;
let echo: TestServer;
let silent: TestServer;
let stalling: TestServer;

beforeAll(async () => {
  // Answers PONG to PING, anything else with NOPE, then closes.
  echo = await startTcpServer((socket) =>
    socket.once('data', (data) => socket.end(data.toString().startsWith('PING') ? 'PONG\n' : 'NOPE\n')),
  );
  silent = await startTcpServer(() => undefined);
  // Answers, then stalls this process's event loop past the probe's timeout (a busy machine).
  stalling = await startTcpServer((socket) =>
    socket.once('data', () => {
      socket.write('PONG\n');
      const until = performance.now() + 400;
      while (performance.now() < until);
    }),
  );
});
afterAll(async () => {
  await echo.close();
  await silent.close();
  await stalling.close();
});

function probe(port: number, tcp?: Record<string, string>, timeout = '1s'): Promise<ProbeOutcome> {
  const check = makeCheck({ type: 'tcp', timeout, tcp });
  return compileProbe(check, makeEndpoint({ address: `127.0.0.1:${port}` }), makeContext())();
}

describe('tcp probe', () => {
  it('passes when the port accepts a connection', async () => {
    const outcome = await probe(silent.port);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.errorKind).toBeUndefined();
    expect(outcome.phases?.connectMs).toBeLessThanOrEqual(outcome.latencyMs);
  });

  it('reports a closed port as refused', async () => {
    const outcome = await probe(await closedPort());
    expect(outcome).toMatchObject({ ok: false, errorKind: 'refused' });
    expect(outcome.detail).toContain('ECONNREFUSED');
  });

  it('sends and finds the expected reply', async () => {
    const outcome = await probe(echo.port, { send: 'PING\n', expect: 'PONG' });
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.latencyMs).toBeLessThan(1_000 + SLACK_MS);
  });

  it('fails a different reply as body, saying what came', async () => {
    const outcome = await probe(echo.port, { send: 'HELO\n', expect: 'PONG' });
    expect(outcome).toMatchObject({ ok: false, errorKind: 'body' });
    expect(outcome.detail).toBe('got "NOPE\\n", expected "PONG"');
  });

  it('takes a reply that arrived before the timeout even when the loop stalled past it', async () => {
    const outcome = await probe(stalling.port, { send: 'PING\n', expect: 'PONG' }, '200ms');
    expect(outcome).toMatchObject({ ok: true });
  });

  it('times out when the server never answers', async () => {
    const outcome = await probe(silent.port, { send: 'PING\n', expect: 'PONG' }, '200ms');
    expect(outcome).toMatchObject({ ok: false, errorKind: 'timeout', detail: 'no answer within 200 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(190);
    expect(outcome.latencyMs).toBeLessThan(200 + SLACK_MS);
    expect(outcome.phases?.connectMs).toBeDefined();
  });

  it('only writes when there is nothing to expect', async () => {
    const outcome = await probe(silent.port, { send: 'hello' });
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.detail).toBeUndefined();
  });
});
