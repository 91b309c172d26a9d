import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadEnv } from '@libs/config';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

const TOKEN = 'a-metrics-token-of-32-characters';

/** A request to MetricsController.scrape, with `authorization` when given. */
function scrape(authorization?: string): ExecutionContext {
  return {
    getHandler: () => MetricsController.prototype.scrape,
    getClass: () => MetricsController,
    switchToHttp: () => ({ getRequest: () => ({ headers: authorization ? { authorization } : {} }) }),
  } as unknown as ExecutionContext;
}

const guard = (vars: Record<string, string>) => new MetricsTokenGuard(new Reflector(), loadEnv(vars));

describe("a remote prober's /metrics", () => {
  it('takes only the token by default, and nobody without one set', () => {
    const withToken = guard({ VIGIL_METRICS_TOKEN: TOKEN });
    expect(withToken.canActivate(scrape(`Bearer ${TOKEN}`))).toBe(true);
    expect(() => withToken.canActivate(scrape())).toThrow(UnauthorizedException);
    expect(() => withToken.canActivate(scrape('Bearer x'.repeat(4)))).toThrow(UnauthorizedException);
    expect(() => guard({}).canActivate(scrape(`Bearer ${TOKEN}`))).toThrow(ForbiddenException);
  });

  it('is open to anyone with VIGIL_METRICS_PUBLIC=true, token or not', () => {
    expect(guard({ VIGIL_METRICS_PUBLIC: 'true' }).canActivate(scrape())).toBe(true);
    expect(guard({ VIGIL_METRICS_PUBLIC: 'true', VIGIL_METRICS_TOKEN: TOKEN }).canActivate(scrape())).toBe(
      true,
    );
  });
});
