import type { LoggerService } from '@nestjs/common';
import type { Probe } from '@libs/probes';
import type { CompileProbe } from './probe-table';

/**
 * A check that cannot be compiled (say, its secretRef names an unset variable) must not stop the
 * others: it becomes a probe that always fails with the reason, so the failure is seen, not hidden.
 */
export function safeCompile(compile: CompileProbe, logger: LoggerService): CompileProbe {
  return (check, endpoint, service) => {
    try {
      return compile(check, endpoint, service);
    } catch (err) {
      const detail = `cannot run check ${service}/${check.name}: ${(err as Error).message}`;
      logger.warn(detail);
      const probe: Probe = async () => ({ ok: false, latencyMs: 0, errorKind: 'other', detail });
      return probe;
    }
  };
}
