import type { Endpoint } from '@libs/config';
import { brokenProbe } from './errors';
import { compileDnsProbe } from './dns-probe';
import { compileHttpProbe } from './http-probe';
import { compileTcpProbe } from './tcp-probe';
import { compileTlsProbe } from './tls-probe';
import type { Probe, ProbeCheck, ProbeContext } from './types';

/**
 * Compiles one check against one endpoint into a probe. All per-check work happens here, once: the URL,
 * headers (secrets opened through `ctx.secret`), regexes, matchers, timeouts and TLS options.
 *
 * Never throws: a check that cannot run (no usable address, a bad regex, a secret that cannot be opened)
 * compiles to a probe that always fails with error kind "other" and says why, so one bad check does not
 * stop the others.
 */
export function compileProbe(check: ProbeCheck, endpoint: Endpoint, ctx: ProbeContext): Probe {
  try {
    switch (check.type) {
      case 'http':
      case 'https':
        return compileHttpProbe(check, endpoint, ctx);
      case 'tcp':
        return compileTcpProbe(check, endpoint, ctx);
      case 'dns':
        return compileDnsProbe(check, endpoint, ctx);
      case 'tls':
        return compileTlsProbe(check, endpoint, ctx);
    }
  } catch (err) {
    return brokenProbe(`check ${check.name} cannot run: ${err instanceof Error ? err.message : String(err)}`);
  }
}
