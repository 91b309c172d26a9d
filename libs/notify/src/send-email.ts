import { createTransport } from 'nodemailer';
import { DeliveryError } from './delivery-error';
import type { EmailMessage } from './email-format';
import { DEFAULT_TIMEOUT_MS } from './send-request';
import type { EmailTarget } from './target';
import { clip, oneLine } from './text';

export interface SendEmailOptions {
  /** Limit of the whole exchange, connect to the server's last answer. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** How errors name the channel, e.g. `email channel "ops"`. */
  label: string;
}

/** A nodemailer error's fields that tell what went wrong (never its message, which may echo input). */
interface SmtpError {
  code?: unknown;
  /** The socket's own code under ESOCKET, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

const CONNECTION_REASONS: Record<string, string> = {
  ECONNECTION: 'connection failed',
  ESOCKET: 'connection error',
  EDNS: 'DNS lookup failed',
  ETLS: 'TLS failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
};

/**
 * Sends `message` through `target`'s SMTP server once, on a connection of its own (closed after):
 * STARTTLS required (`starttls`), TLS from the start (`implicit`) or none (`none`), the certificate
 * verified (against `target.ca` too when set), AUTH with username and password when given. Resolves
 * `{status}` (the server's last reply code, 250) when the server took the message; throws a
 * DeliveryError otherwise: an SMTP 4xx, a connection, TLS or DNS error or a timeout is retryable; a
 * 5xx (a refused recipient, sender, message or login) is not. Messages hold the reply code, the command
 * and an excerpt of the server's reply with the password cut out, never the password.
 */
export async function sendEmail(
  target: EmailTarget,
  message: EmailMessage,
  opts: SendEmailOptions,
): Promise<{ status: number }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new Error(`timeoutMs must be positive, got ${timeoutMs}`);
  const transport = createTransport({
    host: target.host,
    port: target.port,
    secure: target.tls === 'implicit',
    requireTLS: target.tls === 'starttls',
    ignoreTLS: target.tls === 'none',
    tls: { rejectUnauthorized: true, ...(target.ca ? { ca: target.ca } : {}) },
    ...(target.username !== undefined && target.password !== undefined
      ? { auth: { user: target.username, pass: target.password } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeliveryError(`${opts.label}: timed out after ${timeoutMs}ms`, {
            retryable: true,
            code: 'TIMEOUT',
          }),
        ),
      timeoutMs,
    );
  });
  try {
    const info = await Promise.race([
      transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        inReplyTo: message.inReplyTo,
        references: message.references,
        headers: message.headers,
      }),
      deadline,
    ]);
    const code = Number(/^\d{3}/.exec(String((info as { response?: unknown }).response ?? ''))?.[0] ?? 250);
    return { status: code };
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw smtpFailure(error, opts.label, secretsOf(target));
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

/** What a reply must not repeat: the password, and the AUTH PLAIN / LOGIN forms of it. */
function secretsOf(target: EmailTarget): string[] {
  if (target.password === undefined) return [];
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [
    target.password,
    b64(target.password),
    b64(`\u0000${target.username ?? ''}\u0000${target.password}`),
  ];
}

/** A DeliveryError for a nodemailer failure, from its code, reply code, command and reply only. */
export function smtpFailure(error: unknown, label: string, secrets: readonly string[]): DeliveryError {
  const { code, originalCode, responseCode, response, command } = (error ?? {}) as SmtpError;
  const codeText = typeof code === 'string' ? code : undefined;
  if (typeof originalCode === 'string' && /CERT|TLS|SSL/.test(originalCode))
    return new DeliveryError(`${label}: TLS error (${originalCode})`, {
      retryable: true,
      code: originalCode,
    });
  if (typeof responseCode === 'number' && responseCode >= 400 && responseCode < 600) {
    const during = typeof command === 'string' && command ? ` (${command.split(' ')[0].toUpperCase()})` : '';
    const detail = typeof response === 'string' ? replyExcerpt(response, secrets) : '';
    return new DeliveryError(`${label}: SMTP ${responseCode}${during}${detail ? `: ${detail}` : ''}`, {
      retryable: responseCode < 500,
      status: responseCode,
      ...(codeText ? { code: codeText } : {}),
      ...(detail ? { detail } : {}),
    });
  }
  if (codeText === 'ETIMEDOUT')
    return new DeliveryError(`${label}: timed out`, { retryable: true, code: 'TIMEOUT' });
  const reason = codeText ? CONNECTION_REASONS[codeText] : undefined;
  if (reason)
    return new DeliveryError(`${label}: ${reason} (${codeText})`, { retryable: true, code: codeText });
  // No credentials, a bad address, an invalid option: the config is wrong, retrying cannot help.
  if (codeText === 'ENOAUTH' || codeText === 'EENVELOPE' || codeText === 'ECONFIG')
    return new DeliveryError(`${label}: refused before sending (${codeText})`, {
      retryable: false,
      code: codeText,
    });
  return new DeliveryError(
    `${label}: SMTP error (${codeText ?? (error instanceof Error ? error.name : typeof error)})`,
    {
      retryable: true,
      ...(codeText ? { code: codeText } : {}),
    },
  );
}

/** The server's reply on one line, without secrets or control characters, at most 200 characters. */
function replyExcerpt(reply: string, secrets: readonly string[]): string {
  let text = oneLine(reply);
  for (const secret of secrets) if (secret) text = text.split(secret).join('<redacted>');
  return clip(text.replace(/\p{Cc}/gu, ''), 200);
}
