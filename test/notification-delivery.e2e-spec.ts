import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadEnv } from '@libs/config';
import { startReceiver, type Receiver, type ReceiverReply } from '@libs/fleet';
import {
  bullPrefix,
  createBullConnection,
  JOBS,
  notificationJobOptions,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { verifySignature } from '@libs/traffic';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

interface NotificationRow {
  id: string;
  state: string;
  attempts: number;
  last_error: string | null;
}

const ATTEMPTS = 8;
const PD_KEY = 'pd0routing0key0for0the0e2e0test0';
const LATE_SECRET = 'VIGIL_REF_TEST_LATE_HOOK_SECRET';

/**
 * Delivery of notification rows written straight into the table (as the notifier records them) and
 * queued on the real queue: jobs that ended while their row stayed pending, a resolve behind a stuck
 * trigger, bookkeeping that fails after a send, errors that are not the receiver's. Every role, no
 * fleet: nothing here needs probes.
 */
describe('notification delivery (rows and jobs on the real Postgres and Redis)', () => {
  let rx: Receiver;
  /** Scripted answers per path (used up in order), then 200. */
  const scripts = new Map<string, ReceiverReply[]>();
  let vigil: VigilUnderTest;
  let connection: Redis;
  let queue: Queue<NotificationJob>;

  /** What the receiver got for one notification (by its Idempotency-Key, or the PagerDuty path). */
  const sentFor = (id: string) => rx.requests.filter((r) => r.headers['idempotency-key'] === id);
  const rowOf = async (id: string) =>
    (await vigil.sql<NotificationRow>('SELECT * FROM notifications WHERE id = $1', [id]))[0];
  const stateOf = (id: string) => queue.getJobState(id);

  /** A notification row as the notifier writes it; returns its id. */
  async function insertRow(row: {
    channel: string;
    notice?: string;
    incident?: string;
    phase?: string;
    state?: string;
    createdAt?: Date;
  }): Promise<string> {
    const id = randomUUID();
    const incident = row.incident ?? `idc/live/sha/${id}`;
    const notice = row.notice ?? `${incident}:${row.phase ?? 'trigger'}:${id}`;
    await vigil.sql(
      `INSERT INTO notifications (id, dedup_key, incident_key, event, phase, severity, channel, title, text,
         labels, details, state, attempts, created_at)
       VALUES ($1, $2, $3, 'idc.state', $4, 'critical', $5, 'live in sha is UNHEALTHY', '3 of 4 down',
         '{"service":"live","idc":"sha"}', '{"resolvable":true}', $6, 0, $7)`,
      [
        id,
        `${notice}:${row.channel}`,
        incident,
        row.phase ?? 'trigger',
        row.channel,
        row.state ?? 'pending',
        row.createdAt ?? new Date(),
      ],
    );
    return id;
  }

  /** Polls until the row has left `pending`, and returns it. */
  const settled = (id: string, deadlineMs = 30_000) =>
    poll(
      async () => {
        const row = await rowOf(id);
        return row.state === 'pending' ? undefined : row;
      },
      deadlineMs,
      `notification ${id} to leave pending`,
    );

  /**
   * Runs `body` while the first `failures` updates marking a row of `channel` delivered fail in Postgres
   * (a sequence counts them: it is not rolled back with the failed statement; `body` gets its count),
   * and drops the trigger, its function and the sequence after, whatever happens.
   */
  async function withFailingDelivered<T>(
    channel: string,
    failures: number,
    body: (count: () => Promise<number>) => Promise<T>,
  ): Promise<T> {
    const [seq, fn] = [`${channel}_failures`, `fail_${channel}_delivered`];
    try {
      await vigil.sql(`CREATE SEQUENCE ${seq}`);
      await vigil.sql(`
        CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.channel = '${channel}' AND NEW.state = 'delivered' THEN
            IF nextval('${seq}') <= ${failures} THEN
              RAISE EXCEPTION 'injected failure of the delivered update';
            END IF;
          END IF;
          RETURN NEW;
        END $$`);
      await vigil.sql(
        `CREATE TRIGGER ${fn} BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
      );
      return await body(async () =>
        Number((await vigil.sql<{ n: string }>(`SELECT last_value AS n FROM ${seq}`))[0].n),
      );
    } finally {
      await vigil.sql(`DROP TRIGGER IF EXISTS ${fn} ON notifications`);
      await vigil.sql(`DROP FUNCTION IF EXISTS ${fn}()`);
      await vigil.sql(`DROP SEQUENCE IF EXISTS ${seq}`);
    }
  }

  beforeAll(async () => {
    rx = await startReceiver((req) => scripts.get(req.path)?.shift() ?? { status: 200 });
    process.env.VIGIL_REF_TEST_DELIVERY_PD_KEY = PD_KEY;
    delete process.env[LATE_SECRET];
    vigil = await startVigil({
      VIGIL_NOTIFY_ATTEMPTS: String(ATTEMPTS),
      VIGIL_NOTIFY_BACKOFF_MS: '100',
    });
    const doc = {
      apiVersion: 'vigil/v1',
      idcs: [{ name: 'sha', capacity: 100 }],
      channels: [
        { name: 'hook', type: 'webhook', url: `${rx.url}/hook` },
        { name: 'hook2', type: 'webhook', url: `${rx.url}/hook2` },
        { name: 'ledger', type: 'webhook', url: `${rx.url}/ledger` },
        { name: 'vault', type: 'webhook', url: `${rx.url}/vault` },
        { name: 'late', type: 'webhook', url: `${rx.url}/late`, secret: { secretRef: LATE_SECRET } },
        {
          name: 'pd',
          type: 'pagerduty',
          url: `${rx.url}/pd/v2/enqueue`,
          routingKey: { secretRef: 'VIGIL_REF_TEST_DELIVERY_PD_KEY' },
        },
      ],
    };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(applied.status).toBe(200);
    connection = createBullConnection(vigil.env, 'delivery-test');
    queue = new Queue<NotificationJob>(QUEUES.notifications, {
      connection,
      prefix: bullPrefix(vigil.env),
    });
  });
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await vigil?.close();
    await rx?.close();
    delete process.env[LATE_SECRET];
  });

  it('a pending row whose job has ended is queued again by the sweep, and delivered', async () => {
    // Delivered, then its job ran (and was kept as completed): as after a send whose update was lost.
    const id = await insertRow({ channel: 'hook', state: 'delivered' });
    await queueNotifications(queue, vigil.env, [id]);
    await poll(
      async () => ((await stateOf(id)) === 'completed' ? true : undefined),
      30_000,
      'the job to end',
    );
    await vigil.sql(
      `UPDATE notifications SET state = 'pending', updated_at = now() - interval '10 minutes' WHERE id = $1`,
      [id],
    );

    // The sweep runs every 30 s.
    const row = await settled(id, 75_000);
    expect(row).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(sentFor(id)).toHaveLength(1);
  }, 120_000);

  it('a re-send replaces the kept job of the first delivery', async () => {
    const id = await insertRow({ channel: 'hook', state: 'failed' });
    await queueNotifications(queue, vigil.env, [id]);
    await poll(
      async () => ((await stateOf(id)) === 'completed' ? true : undefined),
      30_000,
      'the job to end',
    );

    const res = await call(vigil.url, 'POST', `/api/v1/notifications/${id}/resend`, {
      token: vigil.adminToken,
    });
    expect(res.status).toBe(202);
    expect(await settled(id)).toMatchObject({ state: 'delivered' });
    expect(sentFor(id)).toHaveLength(1);
  });

  it('the webhook body names the same notice for every channel', async () => {
    const notice = `idc/live/sha/${randomUUID()}:trigger:1000`;
    const ids = [await insertRow({ channel: 'hook', notice }), await insertRow({ channel: 'hook2', notice })];
    await queueNotifications(queue, vigil.env, ids);
    for (const id of ids) expect(await settled(id)).toMatchObject({ state: 'delivered' });
    const bodies = ids.map((id) => JSON.parse(sentFor(id)[0].body) as { id: string; notice: string });
    expect(bodies.map((b) => [b.id, b.notice])).toEqual([
      [ids[0], notice],
      [ids[1], notice],
    ]);
  });

  it('a resolve waits for a pending trigger, but not past the bound: then it goes, saying why', async () => {
    const incident = `idc/live/sha/${randomUUID()}`;
    const day = 86_400_000;
    // A trigger stuck pending (no job, and too recently touched for the sweep), and two resolves.
    const trigger = await insertRow({ channel: 'hook', incident, createdAt: new Date(Date.now() - 3 * day) });
    const fresh = await insertRow({ channel: 'hook', incident, phase: 'resolve' });
    const late = await insertRow({
      channel: 'hook',
      incident,
      phase: 'resolve',
      createdAt: new Date(Date.now() - 2 * day),
    });
    try {
      await queueNotifications(queue, vigil.env, [fresh]);
      // Queued two days ago (the bound is at most a day): it has waited long enough.
      await queue.add(
        JOBS.deliverNotification,
        { notificationId: late },
        { ...notificationJobOptions(vigil.env, late), timestamp: Date.now() - 2 * day },
      );

      const row = await settled(late);
      expect(row).toMatchObject({ state: 'delivered', attempts: 1 });
      expect(row.last_error).toMatch(
        /^sent before an earlier notification of its incident, still pending after /,
      );
      expect(sentFor(late).map((r) => JSON.parse(r.body).phase)).toEqual(['resolve']);
      // The one queued now still waits behind the trigger, which was never sent.
      await poll(async () => ((await stateOf(fresh)) === 'delayed' ? true : undefined), 30_000, 'a delay');
      expect(await rowOf(fresh)).toMatchObject({ state: 'pending', attempts: 0 });
      expect(sentFor(fresh)).toEqual([]);
      expect(sentFor(trigger)).toEqual([]);
    } finally {
      // Not pending any more: the waiting resolve's job ends, and the sweep leaves the rows alone.
      await vigil.sql(`UPDATE notifications SET state = 'failed' WHERE incident_key = $1`, [incident]);
    }
  });

  it('a send whose update fails is recorded delivered on the retry, without sending again', async () => {
    // The first two attempts to mark a "ledger" row delivered fail.
    await withFailingDelivered('ledger', 2, async (failures) => {
      const id = await insertRow({ channel: 'ledger' });
      await queueNotifications(queue, vigil.env, [id]);
      const row = await settled(id);
      expect(row).toMatchObject({ state: 'delivered', attempts: 1, last_error: null });
      expect(sentFor(id)).toHaveLength(1);
      expect(await failures()).toBe(3);
    });
  });

  it('a send never recorded is not sent again when the sweep re-queues it, but is on a re-send', async () => {
    // Every attempt to mark a "vault" row delivered fails: the job ends failed, noting the send.
    const id = await insertRow({ channel: 'vault' });
    await withFailingDelivered('vault', 1_000_000, async () => {
      await queueNotifications(queue, vigil.env, [id]);
      await poll(
        async () => ((await stateOf(id)) === 'failed' ? true : undefined),
        60_000,
        'attempts to run out',
      );
    });
    expect((await queue.getJob(id))?.data.sent).toMatchObject({ at: expect.any(Number) });
    expect(await rowOf(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(sentFor(id)).toHaveLength(1);

    // What the sweep does with a pending row whose job has ended (the default options).
    expect(await queueNotifications(queue, vigil.env, [id])).toEqual([id]);
    expect(await settled(id)).toMatchObject({ state: 'delivered', attempts: 1, last_error: null });
    expect(sentFor(id)).toHaveLength(1);

    // An operator's re-send is a request to send again, though the finished job still notes the send.
    await poll(
      async () => ((await stateOf(id)) === 'completed' ? true : undefined),
      30_000,
      'the job to end',
    );
    const res = await call(vigil.url, 'POST', `/api/v1/notifications/${id}/resend`, {
      token: vigil.adminToken,
    });
    expect(res.status).toBe(202);
    expect(await settled(id)).toMatchObject({ state: 'delivered' });
    expect(sentFor(id)).toHaveLength(2);
  }, 120_000);

  it("an error that is not the receiver's (a secret not set yet) is retried, not dead-lettered", async () => {
    const id = await insertRow({ channel: 'late' });
    await queueNotifications(queue, vigil.env, [id]);
    const failed = await poll(
      async () => {
        const row = await rowOf(id);
        return row.attempts > 0 ? row : undefined;
      },
      30_000,
      'a first attempt',
    );
    expect(failed).toMatchObject({ state: 'pending' });
    expect(failed.last_error).toContain(LATE_SECRET);

    const secret = randomBytes(16).toString('hex');
    process.env[LATE_SECRET] = secret;
    try {
      expect(await settled(id)).toMatchObject({ state: 'delivered', last_error: null });
      const [sent] = sentFor(id);
      expect(verifySignature(secret, sent.headers, sent.body, Date.now())).toMatchObject({ ok: true });
    } finally {
      delete process.env[LATE_SECRET];
    }
  });

  it("a PagerDuty 400 is dead-lettered with an excerpt of PagerDuty's answer, never the key", async () => {
    scripts.set('/pd/v2/enqueue', [
      {
        status: 400,
        body: JSON.stringify({
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: [`'routing_key' ${PD_KEY} is not an integration key`],
        }),
      },
    ]);
    const id = await insertRow({ channel: 'pd' });
    await queueNotifications(queue, vigil.env, [id]);
    const row = await settled(id).finally(() => scripts.delete('/pd/v2/enqueue'));
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row.last_error).toBe(
      `pagerduty channel "pd": HTTP 400: Event object is invalid; 'routing_key' <redacted> is not an integration key`,
    );
  });
});

describe('queueNotifications (real Redis, a queue of its own)', () => {
  const env = loadEnv({ ...process.env, VIGIL_REDIS_PREFIX: `vigil-e2e-${randomBytes(5).toString('hex')}` });
  const connections: Redis[] = [];
  const connect = () => connections[connections.push(createBullConnection(env, 'queue-test')) - 1];
  let queue: Queue<NotificationJob>;

  beforeAll(() => {
    queue = new Queue<NotificationJob>(QUEUES.notifications, {
      connection: connect(),
      prefix: bullPrefix(env),
    });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    for (const connection of connections) connection.disconnect();
  });

  it('adds a job per notification, keeps a live one, and replaces a finished one', async () => {
    expect(await queueNotifications(queue, env, ['n1', 'n2'])).toEqual(['n1', 'n2']);
    expect(await queueNotifications(queue, env, ['n1'])).toEqual([]); // still waiting: one job
    expect(await queue.getJobState('n1')).toBe('waiting');

    const worker = new Worker<NotificationJob>(QUEUES.notifications, () => Promise.resolve('done'), {
      connection: connect(),
      prefix: bullPrefix(env),
    });
    try {
      await poll(
        async () => ((await queue.getJobCounts('completed')).completed === 2 ? true : undefined),
        30_000,
        'both jobs to complete',
      );
    } finally {
      await worker.close();
    }
    await queue.updateJobProgress('n1', 1); // a mark on the old job, to tell it from a new one
    expect(await queueNotifications(queue, env, ['n1'])).toEqual(['n1']);
    const job = await queue.getJob('n1');
    expect(await job?.getState()).toBe('waiting');
    expect(job).toMatchObject({ data: { notificationId: 'n1' }, attemptsMade: 0, progress: 0 });
    expect(await queue.getJobState('n2')).toBe('completed');
  });

  /** Runs a worker on the queue until the jobs of `ids` have completed. */
  async function complete(ids: readonly string[]): Promise<void> {
    const worker = new Worker<NotificationJob>(QUEUES.notifications, () => Promise.resolve('done'), {
      connection: connect(),
      prefix: bullPrefix(env),
    });
    try {
      await poll(
        async () => {
          const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
          return states.every((s) => s === 'completed') ? true : undefined;
        },
        30_000,
        `${ids.join(', ')} to complete`,
      );
    } finally {
      await worker.close();
    }
  }

  it.each(['waiting', 'active'] as const)(
    "a sweep and a re-send racing: the re-send's %s job stays, and the rest of the sweep's batch is queued",
    async (resentState) => {
      const [other, raced] = [`${resentState}-other`, `${resentState}-raced`];
      await queueNotifications(queue, env, [other, raced]);
      await complete([other, raced]);

      // A worker that keeps every job it takes running, for an active re-sent job.
      let release = () => {};
      const held = new Promise<string>((resolve) => (release = () => resolve('done')));
      const worker =
        resentState === 'active'
          ? new Worker<NotificationJob>(QUEUES.notifications, () => held, {
              connection: connect(),
              prefix: bullPrefix(env),
            })
          : undefined;
      // The sweep's queue has a connection of its own, which the test blocks (BLPOP) right after the
      // sweep has replaced the first job of its batch: the re-send then runs between the sweep's reading
      // of `raced` as completed and its replacing of that job.
      const sweepConnection = connect();
      const sweepQueue = new Queue<NotificationJob>(QUEUES.notifications, {
        connection: sweepConnection,
        prefix: bullPrefix(env),
      });
      const gate = `${env.VIGIL_REDIS_PREFIX}:test-gate:${resentState}`;
      let blocked: Promise<unknown> | undefined;
      sweepQueue.once('removed', () => (blocked = sweepConnection.blpop(gate, 30)));
      try {
        const sweep = queueNotifications(sweepQueue, env, [other, raced]);
        await poll(async () => (blocked ? true : undefined), 10_000, 'the sweep to replace its first job');
        expect(await queueNotifications(queue, env, [raced], { keepSent: false })).toEqual([raced]);
        await poll(
          async () => ((await queue.getJobState(raced)) === resentState ? true : undefined),
          10_000,
          `the re-sent job to be ${resentState}`,
        );
        const resent = await queue.getJob(raced);
        await connect().lpush(gate, 'go');
        expect(await blocked).toEqual([gate, 'go']);

        expect(await sweep).toEqual([other]);
        const job = await queue.getJob(raced);
        expect(await job?.getState()).toBe(resentState);
        expect(job?.timestamp).toBe(resent?.timestamp); // the re-send's job, not one of the sweep's
        expect(await queue.getJobState(other)).not.toBe('completed');
      } finally {
        release();
        await worker?.close();
        await sweepQueue.close();
      }
    },
  );
});
