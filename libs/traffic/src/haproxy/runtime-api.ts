import { connect, type Socket } from 'node:net';

/**
 * A small client for HAProxy's Runtime API (the `stats socket`, docs: management.txt §9.3).
 *
 * One connection per batch: the commands are sent on one line separated by `;` (non-interactive mode);
 * HAProxy runs them in order, ends each command's answer with an empty line, and closes the connection
 * after the last one. Every socket is destroyed when the batch settles (answer, timeout, abort, error).
 */

/** Bytes of answer read at most (a `show servers state` of a few hundred servers is well below). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** What a batch came to. `sent`: the commands were written to the socket (they may have run). */
export type RuntimeAnswer = { ok: true; outputs: string[] } | { ok: false; sent: boolean; error: string };

/** Where a Runtime API listens, from `unix:/path` or `tcp://host:port`. */
export type RuntimeAddress = { path: string } | { host: string; port: number };

/** Parses `unix:/path` or `tcp://host:port` (IPv6 in brackets). @throws Error on anything else. */
export function parseRuntimeAddress(address: string): RuntimeAddress {
  if (address.startsWith('unix:/')) return { path: address.slice('unix:'.length) };
  const tcp = /^tcp:\/\/(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9][-A-Za-z0-9.]*)):(\d{1,5})$/.exec(address);
  const port = tcp ? Number(tcp[3]) : NaN;
  if (!tcp || port < 1 || port > 65535) {
    throw new Error(`runtimeApi must be unix:/path/to/admin.sock or tcp://host:port, got ${address}`);
  }
  return { host: tcp[1] ?? tcp[2], port };
}

/**
 * Runs `commands` in one connection and returns each command's answer (trimmed of its final newline).
 * Never rejects: a refused connection, timeout (`timeoutMs` covers connect to close), abort or a
 * malformed answer is `{ok: false}`. Commands must not hold `;` or newlines (the caller's names are
 * validated by the config schema).
 */
export function runtimeBatch(
  address: RuntimeAddress,
  commands: readonly string[],
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<RuntimeAnswer> {
  const bad = commands.find((c) => c === '' || /[;\r\n]/.test(c));
  if (bad !== undefined)
    return Promise.resolve({ ok: false, sent: false, error: `bad command ${JSON.stringify(bad)}` });
  if (opts.signal?.aborted) return Promise.resolve({ ok: false, sent: false, error: 'aborted' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let sent = false;
    let settled = false;
    const socket: Socket = connect('path' in address ? { path: address.path } : address);
    const finish = (answer: RuntimeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(answer);
    };
    const onAbort = () => finish({ ok: false, sent, error: 'aborted' });
    const timer = setTimeout(
      () => finish({ ok: false, sent, error: `timeout: no complete answer within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      sent = true;
      socket.end(`${commands.join('; ')}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) return finish({ ok: false, sent, error: 'answer too long' });
      chunks.push(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code !== undefined && !error.message.includes(error.code) ? `${error.code} ` : '';
      finish({ ok: false, sent, error: `${code}${error.message}` });
    });
    socket.on('close', () => {
      const outputs = splitAnswers(Buffer.concat(chunks).toString('utf8'));
      if (outputs.length !== commands.length) {
        const what = outputs.join(' ').replace(/\s+/g, ' ').trim().slice(0, 200);
        return finish({
          ok: false,
          sent,
          error: `expected ${commands.length} answers, got ${outputs.length}${what ? `: ${what}` : ''}`,
        });
      }
      finish({ ok: true, outputs });
    });
  });
}

/** Splits a non-interactive session's output into the answers, each ended by an empty line. */
export function splitAnswers(text: string): string[] {
  if (text === '') return [];
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const answers: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      answers.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) answers.push(current.join('\n'));
  return answers;
}

/** `srv_op_state` (HAProxy's enum srv_state). */
export const OP_STATES = ['stopped', 'starting', 'running', 'stopping'] as const;

/** `srv_admin_state` bits (HAProxy 2.6 include/haproxy/server-t.h, enum srv_admin). */
export const ADMIN = {
  /** Forced into maintenance (`set server ... state maint`, `disable server`). */
  FMAINT: 0x01,
  /** Maintenance inherited from a tracked server. */
  IMAINT: 0x02,
  /** Disabled in the configuration (`disabled`); set together with FMAINT until enabled. */
  CMAINT: 0x04,
  /** Forced into drain (`set server ... state drain`): the flag Vigil manages. */
  FDRAIN: 0x08,
  /** Drain inherited from a tracked server. */
  IDRAIN: 0x10,
  /** Down because its address did not resolve. */
  RMAINT: 0x20,
  /** Its FQDN was set over the Runtime API (a marker, not a maintenance). */
  HMAINT: 0x40,
} as const;

/** HAProxy's SRV_ADMF_MAINT: any of these means the server is in maintenance. */
export const ADMIN_MAINT_MASK = ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.RMAINT;

/** The admin flags set in `state`, by name (`['FDRAIN']`), for details and tests. */
export function adminFlags(state: number): string[] {
  return Object.entries(ADMIN)
    .filter(([, bit]) => (state & bit) !== 0)
    .map(([name]) => name);
}

/** One row of `show servers state <backend>`. */
export interface ServerState {
  backend: string;
  name: string;
  address: string;
  /** `srv_op_state`: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** `srv_admin_state`: bits of {@link ADMIN}. */
  adminState: number;
  /** `srv_uweight`: the weight in force (set by the config or `set server ... weight`). */
  userWeight: number;
  /** `srv_iweight`: the weight from the configuration. */
  initialWeight: number;
}

const REQUIRED_COLUMNS = [
  'be_name',
  'srv_name',
  'srv_addr',
  'srv_op_state',
  'srv_admin_state',
  'srv_uweight',
  'srv_iweight',
] as const;

/**
 * Parses the answer of `show servers state [<backend>]`: a format version line (`1`), a `# be_id
 * be_name ...` header, then one space-separated row per server. Columns are found by their header
 * name, so later versions adding columns still parse. @throws Error with HAProxy's own message when
 * the answer is not a servers-state table (e.g. `Can't find backend.`).
 */
export function parseServersState(answer: string): ServerState[] {
  const lines = answer.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2 || !/^\d+$/.test(lines[0].trim()) || !lines[1].startsWith('#')) {
    throw new Error(lines.join(' ').trim().slice(0, 200) || 'empty answer to show servers state');
  }
  if (lines[0].trim() !== '1') throw new Error(`unknown servers state format version ${lines[0].trim()}`);
  const header = lines[1].replace(/^#\s*/, '').split(/\s+/);
  const index = Object.fromEntries(REQUIRED_COLUMNS.map((name) => [name, header.indexOf(name)]));
  const missing = REQUIRED_COLUMNS.filter((name) => index[name] < 0);
  if (missing.length > 0) throw new Error(`servers state has no column ${missing.join(', ')}`);
  return lines.slice(2).map((line) => {
    const cells = line.trim().split(/\s+/);
    const int = (name: (typeof REQUIRED_COLUMNS)[number]) => {
      const value = Number(cells[index[name]]);
      if (!Number.isInteger(value)) throw new Error(`servers state: bad ${name} in "${line.slice(0, 120)}"`);
      return value;
    };
    return {
      backend: cells[index.be_name],
      name: cells[index.srv_name],
      address: cells[index.srv_addr],
      opState: int('srv_op_state'),
      adminState: int('srv_admin_state'),
      userWeight: int('srv_uweight'),
      initialWeight: int('srv_iweight'),
    };
  });
}

/**
 * The `algo` of the backend row in `show stat <backend> 2 -1` (CSV with a `# pxname,...` header).
 * @throws Error with HAProxy's message when it is not a stats table (e.g. `No such proxy.`).
 */
export function parseBackendAlgo(answer: string): string {
  const lines = answer.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2 || !lines[0].startsWith('# pxname')) {
    throw new Error(lines.join(' ').trim().slice(0, 200) || 'empty answer to show stat');
  }
  const header = lines[0].replace(/^#\s*/, '').split(',');
  const row = lines.slice(1).find((line) => line.split(',')[1] === 'BACKEND');
  const at = header.indexOf('algo');
  if (row === undefined || at < 0) throw new Error('show stat has no backend row with an algo column');
  return row.split(',')[at] ?? '';
}

/**
 * Balance algorithms under which Vigil's weights cannot move traffic, and why: `static-rr` refuses
 * runtime weights other than 0% and 100%; `first` fills servers in id order and ignores weights.
 * (Map-based hashing is static too, but `show stat` names it like consistent hashing: HAProxy's own
 * refusal of the weight is what reports it.)
 */
export const WEIGHTLESS_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['static-rr', 'whose weights cannot change at runtime'],
  ['first', 'which ignores weights'],
]);
