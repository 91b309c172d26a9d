import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { at, checkManifests, type Doc, type ExternalSecrets, obj } from './support/deploy-checks';

const ROOT = join(__dirname, '..');
const OVERLAYS = join(ROOT, 'deploy/k8s/overlays');

/** `kubectl kustomize <dir>`: renders offline (kubectl's dry runs need a cluster to map kinds). */
function render(dir: string): Doc[] {
  const text = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(text).map((d) => obj(d.toJS()));
}

/** The Secrets an overlay reads and documents: vigil-secrets' keys in secrets.env.example, the metrics token. */
function documentedSecrets(dir: string): ExternalSecrets {
  const keys = readFileSync(join(dir, 'secrets.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));
  return { 'vigil-secrets': keys, 'vigil-metrics': ['token'] };
}

const overlays = readdirSync(OVERLAYS);

describe.each(overlays)('the Kubernetes overlay %s', (overlay) => {
  const dir = join(OVERLAYS, overlay);
  const namespace = String(parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).namespace);
  let docs: Doc[];
  beforeAll(() => {
    docs = render(dir);
  });
  const deployment = (component: string) =>
    docs.filter(
      (d) =>
        d.kind === 'Deployment' &&
        at(d, 'spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/component') === component,
    );

  it('renders manifests that pass every offline check', () => {
    expect(checkManifests(docs, documentedSecrets(dir), namespace)).toEqual([]);
  });

  it('runs 2 api pods, 2 controllers and one prober Deployment per vantage directory', () => {
    expect(deployment('api').map((d) => at(d, 'spec', 'replicas'))).toEqual([2]);
    expect(deployment('controller').map((d) => at(d, 'spec', 'replicas'))).toEqual([2]);
    const vantages = deployment('prober').map((d) =>
      at(d, 'spec', 'template', 'metadata', 'labels', 'vigil.io/vantage'),
    );
    expect(vantages.sort()).toEqual(readdirSync(join(dir, 'vantages')).sort());
  });

  it('holds no Secret: keys stay outside git', () => {
    expect(docs.filter((d) => d.kind === 'Secret').map((d) => at(d, 'metadata', 'name'))).toEqual([]);
  });

  it('names what is wrong in a broken copy', () => {
    const broken = structuredClone(docs);
    const api = broken.find((d) => d.kind === 'Deployment' && at(d, 'metadata', 'name') === 'vigil-api')!;
    const container = obj((at(api, 'spec', 'template', 'spec', 'containers') as Doc[])[0]);
    obj(container.readinessProbe).httpGet = { path: '/ready', port: 'http' };
    container.image = 'registry.example.com/vigil:latest';
    delete obj(container.securityContext).readOnlyRootFilesystem;
    (container.env as Doc[]).push({ name: 'VIGIL_ROLE', value: 'api' });
    (container.env as Doc[]).push({
      name: 'REDIS_SENTINELS',
      valueFrom: { secretKeyRef: { name: 'vigil-secrets', key: 'SENTINELS' } },
    });
    obj(at(api, 'spec', 'template', 'metadata', 'labels'))['app.kubernetes.io/component'] = 'web';
    const problems = checkManifests(broken, documentedSecrets(dir), namespace);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/vigil-api container vigil: readinessProbe is not httpGet /readyz',
        'Deployment/vigil-api container vigil: image "registry.example.com/vigil:latest" is not pinned (a tag or a digest)',
        'Deployment/vigil-api container vigil: securityContext.readOnlyRootFilesystem is not true',
        'Deployment/vigil-api container vigil: env VIGIL_ROLE is not a variable of libs/config/src/env.ts',
        'Deployment/vigil-api container vigil: env REDIS_SENTINELS reads key SENTINELS of Secret vigil-secrets, which is not documented',
        "Deployment/vigil-api: spec.selector.matchLabels does not match the pod template's labels",
        "Service/vigil-api: spec.selector selects no Deployment's pods",
      ]),
    );
  });
});

it('stops at a kustomization that does not build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-k8s-'));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    stringify({
      resources: [relative(dir, join(ROOT, 'deploy/k8s/base'))],
      patches: [
        {
          target: { kind: 'Deployment', name: 'vigil-api' },
          patch: '- op: replace\n  path: /spec/nope/0\n  value: 1',
        },
      ],
    }),
  );
  try {
    expect(() => render(dir)).toThrow(/nope/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
