import { promises as dns } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { endpointTarget, parseDuration, type Endpoint } from '@libs/config';
import { errorDetail, ProbeTimeoutError, shorten, since } from './errors';
import type { DnsCheck, ErrorKind, Probe, ProbeContext, ProbeOutcome } from './types';

type Rcode = DnsCheck['dns']['expectRcode'];
type RecordType = DnsCheck['dns']['recordType'];

/** Node's resolver error codes for the response codes a check can expect. */
const RCODE_OF_ERROR: Record<string, Rcode> = {
  ENOTFOUND: 'NXDOMAIN',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ENODATA: 'NOERROR',
};
/** Transport failures: not an answer at all. */
const KIND_OF_ERROR: Record<string, ErrorKind> = { ETIMEOUT: 'timeout', ECONNREFUSED: 'refused' };

/** The answers of one query as strings (TXT chunks joined, names lowercased without the final dot). */
async function query(resolver: dns.Resolver, name: string, type: RecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return (await resolver.resolveCname(name)).map(normalizeName);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * Compiles a dns check: the endpoint's address (an IP and port) is the resolver; `dns.name` is queried
 * for `recordType` with one try, and the response code and answers are compared with the expectations.
 * One Resolver per compiled check (c-ares channel), reused by every probe of it.
 * @throws Error when the endpoint address is not an IP with a port.
 */
export function compileDnsProbe(check: DnsCheck, endpoint: Endpoint, _ctx?: ProbeContext): Probe {
  const target = endpointTarget({ address: endpoint.address });
  if (target === undefined || isIP(target.host) === 0)
    throw new Error(`dns checks need an IP address with a port as the resolver, got ${endpoint.name}`);
  const timeoutMs = parseDuration(check.timeout);
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([
    isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`,
  ]);
  const { name, recordType, expectRcode, expectAnswer } = check.dns;
  const expected =
    expectAnswer === undefined
      ? undefined
      : recordType === 'CNAME'
        ? normalizeName(expectAnswer)
        : expectAnswer;

  return async () => {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    // c-ares times out on its own; the timer makes the check timeout a hard bound whatever c-ares does.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeoutError(timeoutMs)), timeoutMs + 50);
    });
    let rcode: Rcode = 'NOERROR';
    let answers: string[] = [];
    try {
      answers = await Promise.race([query(resolver, name, recordType), deadline]);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const known = RCODE_OF_ERROR[code];
      if (known === undefined) {
        const errorKind = KIND_OF_ERROR[code] ?? (err instanceof ProbeTimeoutError ? 'timeout' : 'other');
        return { ok: false, latencyMs: since(start), errorKind, detail: errorDetail(err) };
      }
      rcode = known;
    } finally {
      clearTimeout(timer);
    }
    return judge(since(start), rcode, answers);
  };

  function judge(latencyMs: number, rcode: Rcode, answers: string[]): ProbeOutcome {
    const seen = answers.length === 0 ? 'no answer' : shorten(answers.join(', '), 80);
    if (rcode !== expectRcode)
      return { ok: false, latencyMs, errorKind: 'dns', detail: `rcode ${rcode}, expected ${expectRcode}` };
    if (expected !== undefined && !answers.includes(expected))
      return { ok: false, latencyMs, errorKind: 'dns', detail: `${seen}; expected ${shorten(expected)}` };
    return { ok: true, latencyMs, detail: rcode === 'NOERROR' ? seen : rcode };
  }
}
