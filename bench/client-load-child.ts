/**
 * The client load of the HAProxy failover benchmark, in its own process (forked by client-load.ts):
 * autocannon at a fixed overall rate, and per response or error one record sent back over IPC every
 * 100 ms: `[epoch ms, endpoint id | '', HTTP status (0: error or timeout), latency ms]`. Any message
 * from the parent stops it.
 */
// autocannon has no types of its own; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', fn: (error: Error) => void): void;
  on(event: 'done', fn: () => void): void;
  stop(): void;
};

export interface LoadSpec {
  url: string;
  /** Requests per second over all connections. */
  rate: number;
  connections: number;
  /** Per request, in seconds. */
  timeoutS: number;
}
export type LoadRecord = [at: number, endpoint: string, status: number, ms: number];

const spec = JSON.parse(process.argv[2]) as LoadSpec;
let batch: LoadRecord[] = [];
// onResponse (with the body) runs right before the 'response' event (with the latency) of the same
// response, synchronously: the body's endpoint waits here for its latency.
let endpoint = '';
type Instance = ReturnType<typeof autocannon>;
const instances: Instance[] = [];
let stopping = false;
const stopAsked = new Promise<void>((resolve) =>
  process.once('message', () => {
    stopping = true;
    resolve();
  }),
);

/**
 * autocannon sends each connection's share of a second in one burst when its second starts, and all
 * connections start together: GROUPS instances, started 1000 / GROUPS ms apart, spread the bursts
 * over the second.
 */
const GROUPS = Math.min(10, spec.connections);
const share = (total: number, i: number) => Math.floor(total / GROUPS) + (i < total % GROUPS ? 1 : 0);

function start(i: number): Instance {
  const instance = autocannon({
    url: spec.url,
    connections: share(spec.connections, i),
    overallRate: share(spec.rate, i),
    duration: 3600,
    timeout: spec.timeoutS,
    requests: [
      {
        method: 'GET',
        path: '/',
        onResponse: (status: number, body: string) => {
          endpoint = status >= 200 && status < 300 ? endpointOf(body) : '';
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    batch.push([Date.now(), endpoint, status, Math.round(ms)]);
    endpoint = '';
  });
  instance.on('reqError', () => batch.push([Date.now(), '', 0, 0]));
  return instance;
}

const done = (async () => {
  for (let i = 0; i < GROUPS && !stopping; i++) {
    instances.push(start(i));
    await new Promise((r) => setTimeout(r, 1000 / GROUPS));
  }
  await stopAsked;
  await Promise.all(
    instances.map(
      (instance) =>
        new Promise<void>((resolve) => {
          instance.on('done', resolve);
          instance.stop();
        }),
    ),
  );
})();

function endpointOf(body: string): string {
  try {
    return String((JSON.parse(body) as { endpoint?: unknown }).endpoint ?? '');
  } catch {
    return '';
  }
}

const flush = () => {
  if (batch.length > 0) process.send!(batch);
  batch = [];
};
const timer = setInterval(flush, 100);
void done.then(() => {
  clearInterval(timer);
  flush();
  process.send!('done', () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
