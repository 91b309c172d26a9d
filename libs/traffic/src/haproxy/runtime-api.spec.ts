import {
  ADMIN,
  ADMIN_MAINT_MASK,
  adminFlags,
  parseBackendAlgo,
  parseRuntimeAddress,
  parseServersState,
  runtimeBatch,
  splitAnswers,
} from './runtime-api';

/** Captured from HAProxy 2.6.12 after `set server be_live/sha-1 state drain; ... sha-2 state maint`. */
const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 be_live 1 sha-1 127.0.0.1 2 8 10 10 0 1 0 2 0 0 0 0 - 27501 - 0 0 - - 0
3 be_live 2 sha-2 127.0.0.1 0 1 1 1 0 1 0 0 0 0 0 0 - 27502 - 0 0 - - 0
3 be_live 3 bj-1 127.0.0.1 2 0 0 0 1 1 0 2 0 0 0 0 - 27503 - 0 0 - - 0`;

describe('parseServersState', () => {
  it('reads a real 2.6 answer by column name', () => {
    const servers = parseServersState(SERVERS_STATE);
    expect(servers).toEqual([
      {
        backend: 'be_live',
        name: 'sha-1',
        address: '127.0.0.1',
        opState: 2,
        adminState: 8,
        userWeight: 10,
        initialWeight: 10,
      },
      {
        backend: 'be_live',
        name: 'sha-2',
        address: '127.0.0.1',
        opState: 0,
        adminState: 1,
        userWeight: 1,
        initialWeight: 1,
      },
      {
        backend: 'be_live',
        name: 'bj-1',
        address: '127.0.0.1',
        opState: 2,
        adminState: 0,
        userWeight: 0,
        initialWeight: 0,
      },
    ]);
  });

  it('finds columns by header, not position', () => {
    const text =
      '1\n# srv_name srv_uweight be_name srv_addr srv_op_state srv_admin_state srv_iweight\nweb 7 be 10.0.0.1 2 0 5';
    expect(parseServersState(text)).toEqual([
      {
        backend: 'be',
        name: 'web',
        address: '10.0.0.1',
        opState: 2,
        adminState: 0,
        userWeight: 7,
        initialWeight: 5,
      },
    ]);
  });

  it("turns HAProxy's error answer into the error", () => {
    expect(() => parseServersState("Can't find backend.")).toThrow("Can't find backend.");
    expect(() => parseServersState('Permission denied')).toThrow('Permission denied');
    expect(() => parseServersState('')).toThrow('empty answer');
  });

  it('refuses an unknown format version or a header without the needed columns', () => {
    expect(() => parseServersState('2\n# be_name srv_name\n')).toThrow('format version 2');
    expect(() => parseServersState('1\n# be_name srv_name\nbe s')).toThrow(/no column srv_addr/);
    expect(() => parseServersState(SERVERS_STATE.replace(' 2 8 10 10 ', ' 2 x 10 10 '))).toThrow(
      /bad srv_admin_state/,
    );
  });

  it('gives an empty list for a backend without servers', () => {
    expect(parseServersState(SERVERS_STATE.split('\n').slice(0, 2).join('\n'))).toEqual([]);
  });
});

describe('admin state bits', () => {
  it('decodes the flags of HAProxy 2.6', () => {
    expect(adminFlags(0)).toEqual([]);
    expect(adminFlags(8)).toEqual(['FDRAIN']);
    expect(adminFlags(1)).toEqual(['FMAINT']);
    expect(adminFlags(0x0c)).toEqual(['CMAINT', 'FDRAIN']);
    expect(adminFlags(0x25)).toEqual(['FMAINT', 'CMAINT', 'RMAINT']);
  });

  it('counts forced, inherited and DNS maintenance as maintenance, not config-disabled-then-drained', () => {
    expect(ADMIN_MAINT_MASK).toBe(0x23);
    expect(ADMIN.FMAINT & ADMIN_MAINT_MASK).not.toBe(0);
    expect((ADMIN.CMAINT | ADMIN.FDRAIN) & ADMIN_MAINT_MASK).toBe(0);
    expect(ADMIN.HMAINT & ADMIN_MAINT_MASK).toBe(0);
  });
});

describe('splitAnswers', () => {
  it('splits a batch on the empty line ending each answer', () => {
    expect(splitAnswers('\n\nNo such server.\n\n1\n# be_name\n\n')).toEqual([
      '',
      '',
      'No such server.',
      '1\n# be_name',
    ]);
    expect(splitAnswers('')).toEqual([]);
    expect(splitAnswers('admin\n')).toEqual(['admin']);
  });
});

describe('parseBackendAlgo', () => {
  it('reads the algo column of the BACKEND row', () => {
    const header = '# pxname,svname,status,mode,algo,uweight,';
    expect(parseBackendAlgo(`${header}\nbe_live,BACKEND,UP,http,roundrobin,11,\n`)).toBe('roundrobin');
    expect(parseBackendAlgo(`${header}\nbe_s,BACKEND,UP,http,static-rr,1,`)).toBe('static-rr');
    expect(() => parseBackendAlgo('No such proxy.')).toThrow('No such proxy.');
  });
});

describe('parseRuntimeAddress', () => {
  it('reads unix and tcp addresses', () => {
    expect(parseRuntimeAddress('unix:/run/haproxy/admin.sock')).toEqual({ path: '/run/haproxy/admin.sock' });
    expect(parseRuntimeAddress('tcp://127.0.0.1:9999')).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(parseRuntimeAddress('tcp://[::1]:9999')).toEqual({ host: '::1', port: 9999 });
    expect(() => parseRuntimeAddress('http://x:1')).toThrow(/runtimeApi must be/);
    expect(() => parseRuntimeAddress('tcp://x:70000')).toThrow(/runtimeApi must be/);
  });
});

describe('runtimeBatch', () => {
  it('refuses a command that would split into two before connecting', async () => {
    const address = parseRuntimeAddress('tcp://127.0.0.1:1');
    expect(await runtimeBatch(address, ['show info; shutdown sessions'], { timeoutMs: 100 })).toEqual({
      ok: false,
      sent: false,
      error: 'bad command "show info; shutdown sessions"',
    });
    expect(await runtimeBatch(address, ['show info\nx'], { timeoutMs: 100 })).toMatchObject({ sent: false });
  });
});
