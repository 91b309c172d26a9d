import { tracingSettings, TracingSettingsError } from './tracing-settings';

describe('tracingSettings', () => {
  const roles = ['prober', 'controller'];

  it('is off without an OTLP endpoint', () => {
    expect(tracingSettings({}, roles)).toBeNull();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, roles)).toBeNull();
  });

  it('appends /v1/traces to the base endpoint and names the service after the roles', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, roles)).toEqual({
      url: 'http://collector:4318/v1/traces',
      serviceName: 'vigil-prober-controller',
      samplerFromEnv: false,
    });
  });

  it('uses the traces endpoint as it is, before the base one, and OTEL_SERVICE_NAME', () => {
    const settings = tracingSettings(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans',
        OTEL_SERVICE_NAME: 'vigil-eu',
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
      roles,
    );
    expect(settings).toEqual({
      url: 'https://traces.example/otlp/spans',
      serviceName: 'vigil-eu',
      samplerFromEnv: true,
    });
  });

  it.each([
    ['OTEL_SDK_DISABLED', 'true'],
    ['OTEL_SDK_DISABLED', 'TRUE'],
    ['OTEL_TRACES_EXPORTER', 'none'],
  ])('is off with %s=%s even with an endpoint', (name, value) => {
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', [name]: value }, roles),
    ).toBeNull();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    ],
  ])('refuses %j naming %s', (vars, name) => {
    expect(() => tracingSettings(vars, roles)).toThrow(TracingSettingsError);
    expect(() => tracingSettings(vars, roles)).toThrow(new RegExp(`^${name}:`));
  });
});
