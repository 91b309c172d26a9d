import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { LoadRecord, LoadSpec } from './client-load-child';

/** One response (or error) of the client load. */
export interface Response {
  at: number;
  /** The endpoint that answered (from the body), or '' when it failed. */
  endpoint: string;
  /** HTTP status; 0 for an error or timeout. */
  status: number;
  ms: number;
}

export const failed = (r: Response) => r.status < 200 || r.status >= 300 || r.endpoint === '';

export interface ClientLoad {
  readonly responses: Response[];
  /** Stops the load; resolves once every record is in. */
  stop(): Promise<void>;
}

/**
 * Starts autocannon (in its own process, so that the load does not share an event loop with Vigil)
 * against `spec.url` and collects what each request got.
 */
export async function startClientLoad(spec: LoadSpec): Promise<ClientLoad> {
  const child = fork(join(__dirname, 'client-load-child.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const responses: Response[] = [];
  let done = false;
  const finished = new Promise<void>((resolve, reject) => {
    child.on('message', (m: LoadRecord[] | 'done') => {
      if (m === 'done') {
        done = true;
        return resolve();
      }
      for (const [at, endpoint, status, ms] of m) responses.push({ at, endpoint, status, ms });
    });
    child.once('exit', (code) => (done ? resolve() : reject(new Error(`the client load exited (${code})`))));
  });
  finished.catch(() => undefined); // reported by stop()
  await once(child, 'spawn');
  return {
    responses,
    async stop() {
      if (child.connected) child.send('stop');
      await finished;
    },
  };
}
