/** What starting tracing needs, read from the standard OpenTelemetry variables. */
export interface TracingSettings {
  /** Where spans are POSTed (OTLP/HTTP, JSON encoding), e.g. `http://collector:4318/v1/traces`. */
  url: string;
  serviceName: string;
  /** Whether OTEL_TRACES_SAMPLER chooses the sampler (else Vigil's: see the tracing doc). */
  samplerFromEnv: boolean;
}

/** A tracing variable with a value Vigil cannot use: start-up stops naming it. */
export class TracingSettingsError extends Error {}

/** The only OTLP encoding Vigil sends (@opentelemetry/exporter-trace-otlp-http). */
export const OTLP_PROTOCOL = 'http/json';

type Vars = Readonly<Record<string, string | undefined>>;

const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TracingSettingsError(`${name}: expected an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TracingSettingsError(`${name}: expected an http(s) URL, got protocol ${url.protocol}`);
  return url;
}

/**
 * Tracing is off (null) unless an OTLP endpoint is configured: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (the base: `/v1/traces` is appended). OTEL_SDK_DISABLED=true
 * or OTEL_TRACES_EXPORTER=none turn it off whatever else is set. OTEL_SERVICE_NAME defaults to
 * `vigil-<roles>`. A protocol other than http/json is refused rather than silently not used.
 */
export function tracingSettings(vars: Vars, roles: readonly string[]): TracingSettings | null {
  if (vars.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (vars.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  let url: string;
  if (set(vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) {
    url = httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.trim()).href;
  } else if (set(vars.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    const base = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', vars.OTEL_EXPORTER_OTLP_ENDPOINT.trim());
    url = `${base.href.replace(/\/+$/, '')}/v1/traces`;
  } else {
    return null;
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const) {
    const protocol = vars[name]?.trim();
    if (set(protocol) && protocol !== OTLP_PROTOCOL)
      throw new TracingSettingsError(
        `${name}: Vigil exports traces as ${OTLP_PROTOCOL} only, got "${protocol}"`,
      );
  }
  return {
    url,
    serviceName: set(vars.OTEL_SERVICE_NAME) ? vars.OTEL_SERVICE_NAME.trim() : `vigil-${roles.join('-')}`,
    samplerFromEnv: set(vars.OTEL_TRACES_SAMPLER),
  };
}
