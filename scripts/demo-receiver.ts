/**
 * The demo's notification receiver: a signed-webhook endpoint on loopback that checks each request
 * as the contract in libs/notify/README.md asks (signature over the raw body, dedupe by
 * Idempotency-Key) and records what arrives, so the demo can show it and count it.
 */
import { startReceiver } from '@libs/fleet';
import { verifySignature } from '@libs/traffic';

/** The fields of the webhook body (libs/notify/README.md) that the demo shows. */
export interface WebhookNotice {
  id: string;
  incidentKey: string;
  event: string;
  phase: 'trigger' | 'remind' | 'resolve';
  severity: string;
  title: string;
  resolvable: boolean;
  labels: Record<string, string>;
  at: string;
}

/** One notification as received, once per Idempotency-Key (a retry of it is not counted again). */
export interface Arrival {
  notice: WebhookNotice;
  /** Epoch ms. */
  receivedAt: number;
}

export interface NotificationReceiver {
  /** Where Vigil posts: `http://127.0.0.1:<port>/vigil`. */
  readonly url: string;
  /** Distinct notifications with a valid signature, in arrival order. */
  readonly arrivals: readonly Arrival[];
  /** Every request received, retries included. */
  readonly requests: number;
  /** Why each refused request was refused (a bad or missing signature, an unreadable body). */
  readonly refused: readonly string[];
  close(): Promise<void>;
}

/** What the demo is told as requests come in. */
export interface ReceiverHooks {
  /** A notification seen for the first time. */
  arrived(arrival: Arrival): void;
  /** A request refused, and why. */
  refused(reason: string): void;
}

/**
 * Starts the receiver on 127.0.0.1 (a free port). Each request is verified with `secret` before its
 * body is parsed: a bad signature is answered 401 and recorded in `refused`; a good one is answered
 * 200, and `hooks.arrived` is called the first time its Idempotency-Key is seen.
 */
export async function startNotificationReceiver(
  secret: string,
  hooks: ReceiverHooks,
): Promise<NotificationReceiver> {
  const arrivals: Arrival[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  const refuse = (reason: string) => {
    refused.push(reason);
    hooks.refused(reason);
    return { status: 401, body: JSON.stringify({ error: reason }) };
  };
  const receiver = await startReceiver((req) => {
    const verified = verifySignature(secret, req.headers, req.body, Date.now());
    if (!verified.ok) return refuse(verified.reason);
    let notice: WebhookNotice;
    try {
      notice = JSON.parse(req.body) as WebhookNotice;
    } catch {
      return refuse('body is not JSON');
    }
    const key = String(req.headers['idempotency-key'] ?? notice.id);
    if (!seen.has(key)) {
      seen.add(key);
      const arrival = { notice, receivedAt: Date.now() };
      arrivals.push(arrival);
      hooks.arrived(arrival);
    }
    return { status: 200, body: '{"status":"ok"}' };
  });
  return {
    url: `${receiver.url}/vigil`,
    arrivals,
    get requests() {
      return receiver.requests.length;
    },
    refused,
    close: () => receiver.close(),
  };
}

/**
 * One line per notification in the demo's style, e.g.
 * `notify  trigger          critical  live-edge in szx is UNHEALTHY  (signature ok)`. Health
 * incidents show their phase (trigger, remind, resolve), one-shot notices their event.
 */
export function notifyLine({ notice }: Arrival): string {
  const what = notice.resolvable ? notice.phase : notice.event;
  return `notify  ${what.padEnd(16)} ${notice.severity.padEnd(9)} ${notice.title}  (signature ok)`;
}
