import { existsSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateConfig } from '@libs/config';
import { parseFleetServerArgs } from '../libs/fleet/src/fleet-server-options';
import { planEndpoints } from '../libs/fleet/src/layout';
import {
  arr,
  at,
  checkCompose,
  checkDockerfile,
  type Doc,
  interpolate,
  obj,
  runsVigil,
} from './support/deploy-checks';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const exists = (path: string) => existsSync(join(ROOT, path));
/** What `docker compose` reads: the file with the variables it needs set. */
const VARS = { VIGIL_ADMIN_TOKEN: 'compose-test-admin-token-0123' };
const loadCompose = (path: string): Doc => obj(parse(interpolate(read(path), VARS), { merge: true }));
/** A command's script in the image (dist/x.js) has its source in the repository (x.ts). */
const source = (script: string) => script.replace(/^dist\//, '').replace(/\.js$/, '.ts');

/** The Compose Specification's schema (test/fixtures/README.md): what `docker compose config` checks. */
const composeSchema = new Ajv({
  allErrors: true,
  strict: false,
  validateSchema: false,
  logger: false,
}).compile(JSON.parse(read('test/fixtures/compose-spec.json')));
const schemaErrors = (doc: Doc) =>
  composeSchema(doc)
    ? []
    : (composeSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

describe('docker-compose.yml', () => {
  const compose = loadCompose('docker-compose.yml');
  const services = obj(compose.services);
  const service = (id: string) => obj(services[id]);

  it('follows the Compose Specification, as does docker-compose.dev.yml', () => {
    expect(schemaErrors(compose)).toEqual([]);
    expect(schemaErrors(loadCompose('docker-compose.dev.yml'))).toEqual([]);
    const broken = structuredClone(compose);
    obj(at(broken, 'services', 'api', 'healthcheck')).intervall = '1s';
    expect(schemaErrors(broken)).toEqual([
      '/services/api/healthcheck must NOT have additional properties {"additionalProperty":"intervall"}',
    ]);
  });

  it('passes every offline check: builds, healthchecks, mounts, env.ts names, unpublished stores', () => {
    expect(checkCompose(compose, exists)).toEqual([]);
  });

  it('runs the api, the controller twice and a prober per vantage from the image', () => {
    const vigil = Object.entries(services).filter(([, s]) => runsVigil(obj(s)));
    const roles = vigil.map(([id, s]) => `${id}:${String(at(s, 'environment', 'VIGIL_ROLES'))}`);
    expect(roles.sort()).toEqual([
      'api:api',
      'controller:controller',
      'prober-bjs:prober',
      'prober-sha:prober',
      'prober-szx:prober',
    ]);
    expect(at(service('controller'), 'deploy', 'replicas')).toBe(2);
  });

  it('applies a config that Vigil validates and that watches the fleet service as it is laid out', () => {
    const apply = service('apply');
    const command = arr(apply.command).map(String);
    expect(command.slice(0, 3)).toEqual(['node', 'bin/vigil.js', 'apply']);
    expect(exists('bin/vigil.js') && exists('apps/cli/src/main.ts')).toBe(true);
    expect(at(apply, 'depends_on', 'api', 'condition')).toBe('service_healthy');
    expect(at(apply, 'environment', 'VIGIL_URL')).toBe('http://api:3000');
    expect(at(apply, 'environment', 'VIGIL_TOKEN')).toBe(
      at(service('api'), 'environment', 'VIGIL_ADMIN_TOKEN'),
    );
    const file = command[command.indexOf('-f') + 1];
    const mount = arr(apply.volumes)
      .map(String)
      .find((v) => v.split(':')[1] === file);
    expect(mount).toBeDefined();
    const result = validateConfig(parse(read(mount!.split(':')[0])));
    if (!result.ok) throw new Error(JSON.stringify(result.details));

    const fleetCommand = arr(service('fleet').command).map(String);
    expect(exists(source(fleetCommand[1]))).toBe(true);
    const options = parseFleetServerArgs(fleetCommand.slice(2), 'unused');
    const fleet = planEndpoints(options.spec).map((e) => `${e.idc} ${e.url}`);
    const watched = result.config.services.flatMap((s) => s.endpoints.map((e) => `${e.idc} ${e.url}`));
    expect(watched.sort()).toEqual(fleet.sort());
    const manager = result.config.services[0].trafficManager;
    expect(manager).toEqual(
      expect.objectContaining({
        url: `http://${options.spec.network!.advertise}:${options.gslbPort}/weights`,
      }),
    );
    // Every IDC of the config is probed from its own vantage.
    const vantages = Object.values(services)
      .map((s) => at(s, 'environment', 'VIGIL_VANTAGE'))
      .filter(Boolean);
    expect(vantages.sort()).toEqual(result.config.idcs.map((i) => i.name).sort());
  });

  it('lets Prometheus scrape every Vigil service with a bearer token and Grafana load deploy/grafana/vigil.json', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as Doc;
    const job = obj(arr(prometheus.scrape_configs)[0]);
    const names = arr(obj(arr(job.dns_sd_configs)[0]).names).map(String);
    const vigil = Object.keys(services).filter((id) => runsVigil(service(id)));
    expect(names.sort()).toEqual(vigil.sort());
    expect(job.metrics_path).toBe('/metrics');
    const secret = arr(service('prometheus').secrets).map(String)[0];
    expect(at(job, 'authorization', 'credentials_file')).toBe(`/run/secrets/${secret}`);
    expect(at(compose, 'secrets', secret, 'environment')).toBe('VIGIL_ADMIN_TOKEN');

    const grafana = arr(service('grafana').volumes).map(String);
    const dashboards = grafana.find((v) => v.startsWith('./deploy/grafana:'))!.split(':')[1];
    const provider = parse(read('deploy/grafana/provisioning/dashboards/vigil.yml')) as Doc;
    expect(at(arr(provider.providers)[0], 'options', 'path')).toBe(dashboards);
    const datasource = obj(
      arr((parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as Doc).datasources)[0],
    );
    expect(datasource.url).toBe('http://prometheus:9090');
  });

  it('publishes Redis and Postgres on loopback only with docker-compose.dev.yml', () => {
    const dev = obj(loadCompose('docker-compose.dev.yml').services);
    expect(at(dev, 'redis', 'ports')).toEqual(['127.0.0.1:6379:6379']);
    expect(at(dev, 'postgres', 'ports')).toEqual(['127.0.0.1:5432:5432']);
  });

  it('names what is wrong in a broken copy', () => {
    const broken = structuredClone(compose);
    const brokenServices = obj(broken.services);
    obj(brokenServices.redis).ports = ['6379:6379'];
    obj(obj(brokenServices.api).environment).VIGIL_ROLE = 'api';
    obj(obj(brokenServices.controller).environment).VIGIL_LEASE_TTL_MS = '10';
    delete obj(brokenServices['prober-sha']).healthcheck;
    obj(brokenServices.grafana).volumes = ['./deploy/grafana/missing.json:/x.json:ro'];
    expect(checkCompose(broken, exists)).toEqual(
      expect.arrayContaining([
        'redis: publishes ports on the host (docker-compose.dev.yml does that)',
        'api: environment VIGIL_ROLE is not a variable of libs/config/src/env.ts',
        'controller: Invalid environment: VIGIL_LEASE_TTL_MS: expected an integer from 1000 to 600000 (got "10")',
        'prober-sha: no healthcheck',
        'grafana: mounts ./deploy/grafana/missing.json, which is not in the repository',
      ]),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds on a supported Node LTS, runs as non-root, checks /healthz and carries OCI labels', () => {
    expect(checkDockerfile(dockerfile)).toEqual([]);
  });

  it('starts the Vigil binary, which the build compiles from apps/vigil/src/main.ts', () => {
    const cmd = /^CMD \["node", "([^"]+)"\]$/m.exec(dockerfile)?.[1];
    expect(cmd).toBe('dist/apps/vigil/src/main.js');
    expect(exists(source(cmd!))).toBe(true);
  });

  it('leaves node_modules, dist and .git out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });

  it('names what is wrong in a broken copy', () => {
    const broken = dockerfile
      .replace('ARG NODE_IMAGE=node:24-bookworm-slim', 'ARG NODE_IMAGE=node:20-bookworm-slim')
      .replace('USER 1000:1000', 'USER root')
      .replace(/^HEALTHCHECK[\s\S]*?\n(?=CMD)/m, '')
      .replace('--omit=dev', '')
      .replace(
        /org\.opencontainers\.image\.revision="\$\{REVISION\}"/,
        'org.opencontainers.image.revision="abc"',
      );
    expect(checkDockerfile(broken)).toEqual([
      'FROM node:20-bookworm-slim: Node 20 is not a supported LTS (22 or later, even)',
      'FROM node:20-bookworm-slim: Node 20 is not a supported LTS (22 or later, even)',
      'FROM node:20-bookworm-slim: Node 20 is not a supported LTS (22 or later, even)',
      'USER root: runs as root',
      'no HEALTHCHECK in the final stage',
      'label org.opencontainers.image.revision does not come from a build arg',
      'node_modules of the final stage do not come from an `npm ci --omit=dev` (or prune) stage',
    ]);
  });
});
