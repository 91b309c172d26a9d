import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import { buildInfo } from './build-info';

/**
 * The process's Prometheus registry. Vigil's own metrics start with `vigil_`; Node's default ones
 * keep their standard names (`process_*`, `nodejs_*`) so that stock dashboards and alerts work.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP requests served by Vigil, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(@Inject(ENV) env: Env) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'vigil_build_info',
      help: 'Always 1; the labels say which Vigil this process runs (version, VIGIL_REVISION, Node.js version)',
      labelNames: ['version', 'revision', 'node_version'] as const,
      registers: [this.registry],
    }).set(buildInfo(env.VIGIL_REVISION), 1);
  }
}
