import { makeCert } from '../../probes/src/test-servers';
import { deliver } from './deliver';
import { DeliveryError } from './delivery-error';
import type { EmailTarget } from './target';
import { mailHeader, startSmtpServer, type TestSmtpServer } from './testing/smtp-server';
import { notice } from './testing/notices';

const PASSWORD = 'smtp-pass-7f3a9c';

/** Delivery through a real SMTP server on loopback (STARTTLS, AUTH), no mocks. */
describe('deliver: email over SMTP', () => {
  let smtp: TestSmtpServer;
  let target: EmailTarget;

  beforeAll(async () => {
    const cert = await makeCert(['localhost'], -1, 30);
    smtp = await startSmtpServer({ cert, username: 'vigil', password: PASSWORD });
    target = {
      type: 'email',
      name: 'ops-mail',
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'starttls',
      ca: cert.cert,
      username: 'vigil',
      password: PASSWORD,
      from: 'vigil@example.com',
      to: ['oncall@example.com', 'sre@example.com'],
    };
  });
  afterAll(() => smtp.close());
  afterEach(() => (smtp.script.length = 0));

  const send = (t: EmailTarget = target) => deliver(t, notice(), { idempotencyKey: 'n1' });
  const failure = async (t: EmailTarget = target) => {
    const error = await send(t).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  };

  it('sends over STARTTLS after AUTH, to every recipient, with the headers of the notice', async () => {
    const before = smtp.mails.length;
    expect(await send()).toEqual({ status: 250 });
    const mail = smtp.mails[before];
    expect(mail).toMatchObject({
      from: 'vigil@example.com',
      to: ['oncall@example.com', 'sre@example.com'],
      user: 'vigil',
      secure: true,
    });
    expect(mailHeader(mail.raw, 'Subject')).toBe('[Vigil] CRITICAL: live-edge in sha is UNHEALTHY');
    expect(mailHeader(mail.raw, 'Message-ID')).toMatch(/^<notice\.[0-9a-f]{40}@example\.com>$/);
    expect(mailHeader(mail.raw, 'In-Reply-To')).toMatch(/^<incident\.[0-9a-f]{40}@example\.com>$/);
    expect(mailHeader(mail.raw, 'X-Vigil-Incident')).toBe('idc/live-edge/sha/1000');
    expect(mail.raw).toContain('multipart/alternative');
  });

  it('a 4xx is retryable, a 5xx is not; neither error holds the password', async () => {
    smtp.script.push(451);
    const temporary = await failure();
    expect(temporary).toMatchObject({ retryable: true, status: 451 });
    expect(temporary.message).toMatch(/^email channel "ops-mail": SMTP 451 \(DATA\)/);

    smtp.script.push(554);
    const permanent = await failure();
    expect(permanent).toMatchObject({ retryable: false, status: 554 });
    for (const e of [temporary, permanent])
      expect(JSON.stringify({ m: e.message, d: e.detail })).not.toContain(PASSWORD);
  });

  it('a wrong password is a permanent failure that does not repeat the password', async () => {
    const error = await failure({ ...target, password: `${PASSWORD}-wrong` });
    expect(error).toMatchObject({ retryable: false, status: 535 });
    expect(error.message).not.toContain(PASSWORD);
  });

  it('an untrusted certificate, or a refused connection, is retryable', async () => {
    const { ca: _, ...untrusted } = target;
    expect(await failure(untrusted)).toMatchObject({ retryable: true, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const closed = await failure({ ...target, port: 1 });
    expect(closed).toMatchObject({ retryable: true });
  });

  it('implicit TLS against a STARTTLS port fails retryably within the timeout', async () => {
    const error = await deliver({ ...target, tls: 'implicit' }, notice(), {
      idempotencyKey: 'n1',
      timeoutMs: 2000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ retryable: true });
  });
});
