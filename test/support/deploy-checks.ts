/**
 * Offline checks of the deployment files: the rendered Kubernetes manifests (kubectl cannot validate
 * them without a cluster), the compose file and the Dockerfile. Each returns the problems it found,
 * one line each naming the object and the field, so a test can assert `[]` and a broken copy can be
 * shown to fail.
 */
import { ENV_NAMES, loadEnv, ROLES } from '@libs/config';

/** A parsed YAML mapping; read it with the accessors below. */
export type Doc = Record<string, unknown>;

export const obj = (value: unknown): Doc =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {};
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** obj(obj(obj(doc).a).b)... */
export const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => obj(node)[key], value);

/** The kinds the manifests may hold, by apiVersion. */
const KNOWN_KINDS: Record<string, string[]> = {
  v1: ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service'],
  'apps/v1': ['Deployment'],
  'policy/v1': ['PodDisruptionBudget'],
  'monitoring.coreos.com/v1': ['ServiceMonitor'],
};

/** Secrets the manifests read but never hold (created outside git), with their keys. */
export type ExternalSecrets = Record<string, readonly string[]>;

const name = (doc: Doc) => `${str(doc.kind)}/${str(at(doc, 'metadata', 'name'))}`;

const matches = (selector: unknown, labels: unknown): boolean => {
  const wanted = Object.entries(obj(selector));
  return wanted.length > 0 && wanted.every(([k, v]) => obj(labels)[k] === v);
};

/** A pinned image: a digest, or a tag other than `latest`, on a named repository. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([\w][\w.-]{0,127})$/.exec(image.slice(image.lastIndexOf('/') + 1))?.[1];
  return tag !== undefined && tag !== 'latest';
}

/** Values that satisfy env.ts for the variables a Secret gives, to validate the rest around them. */
const SAMPLE_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://vigil:x@postgres:5432/vigil',
  REDIS_URL: 'redis://redis:6379',
  VIGIL_ADMIN_TOKEN: 'sample-admin-token-0123456789',
  VIGIL_SECRET_KEY: 'sample-secret-key-0123456789',
};

/** Every problem of a rendered overlay (`kubectl kustomize` output, parsed). */
export function checkManifests(docs: Doc[], secrets: ExternalSecrets, namespace: string): string[] {
  const problems: string[] = [];
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const configMaps = new Map(of('ConfigMap').map((d) => [str(at(d, 'metadata', 'name')), obj(d.data)]));
  const deployments = of('Deployment');

  for (const doc of docs) {
    const apiVersion = str(doc.apiVersion) ?? '';
    const kind = str(doc.kind) ?? '';
    if (!str(at(doc, 'metadata', 'name'))) problems.push(`${kind || 'a document'}: no metadata.name`);
    if (!KNOWN_KINDS[apiVersion]?.includes(kind))
      problems.push(`${name(doc)}: unknown apiVersion/kind ${apiVersion}/${kind}`);
    if (kind !== 'Namespace' && at(doc, 'metadata', 'namespace') !== namespace)
      problems.push(`${name(doc)}: metadata.namespace is not ${namespace}`);
  }

  const vantages = new Set<string>();
  for (const d of deployments) {
    const id = name(d);
    const spec = obj(d.spec);
    const pod = obj(at(spec, 'template', 'spec'));
    const podLabels = at(spec, 'template', 'metadata', 'labels');
    if (!matches(at(spec, 'selector', 'matchLabels'), podLabels))
      problems.push(`${id}: spec.selector.matchLabels does not match the pod template's labels`);
    if (typeof spec.replicas !== 'number' || spec.replicas < 2) problems.push(`${id}: spec.replicas below 2`);
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${id}: automountServiceAccountToken is not false`);
    const podSecurity = obj(pod.securityContext);
    if (podSecurity.runAsNonRoot !== true) problems.push(`${id}: securityContext.runAsNonRoot is not true`);
    if (at(podSecurity, 'seccompProfile', 'type') !== 'RuntimeDefault')
      problems.push(`${id}: securityContext.seccompProfile.type is not RuntimeDefault`);
    const containers = arr(pod.containers).map(obj);
    if (containers.length === 0) problems.push(`${id}: no containers`);
    for (const c of containers) {
      const where = `${id} container ${str(c.name)}`;
      const image = str(c.image) ?? '';
      if (!isPinnedImage(image))
        problems.push(`${where}: image "${image}" is not pinned (a tag or a digest)`);
      const security = obj(c.securityContext);
      if (security.allowPrivilegeEscalation !== false)
        problems.push(`${where}: securityContext.allowPrivilegeEscalation is not false`);
      if (security.readOnlyRootFilesystem !== true)
        problems.push(`${where}: securityContext.readOnlyRootFilesystem is not true`);
      if (JSON.stringify(at(security, 'capabilities', 'drop')) !== '["ALL"]')
        problems.push(`${where}: securityContext.capabilities.drop is not [ALL]`);
      for (const kind of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          if (at(c, 'resources', kind, resource) === undefined)
            problems.push(`${where}: no resources.${kind}.${resource}`);

      // Env: every name is one env.ts reads, every reference resolves, and the whole validates.
      const env: Record<string, string> = {};
      for (const ref of arr(c.envFrom).map(obj)) {
        const cm = str(at(ref, 'configMapRef', 'name'));
        const data = configMaps.get(cm);
        if (data === undefined) problems.push(`${where}: envFrom configMap ${cm} is not in the manifests`);
        else for (const [key, value] of Object.entries(data)) env[key] = String(value);
        if (ref.secretRef !== undefined)
          problems.push(`${where}: envFrom secretRef hides which keys are read`);
      }
      for (const e of arr(c.env).map(obj)) {
        const key = str(e.name) ?? '';
        const secretRef = obj(at(e, 'valueFrom', 'secretKeyRef'));
        if (e.valueFrom !== undefined) {
          const secret = str(secretRef.name) ?? '';
          const secretKey = str(secretRef.key) ?? '';
          if (!secrets[secret]?.includes(secretKey))
            problems.push(
              `${where}: env ${key} reads key ${secretKey} of Secret ${secret}, which is not documented`,
            );
          env[key] = SAMPLE_SECRETS[key] ?? 'sample';
        } else env[key] = String(e.value ?? '');
      }
      for (const key of Object.keys(env))
        if (!ENV_NAMES.includes(key))
          problems.push(`${where}: env ${key} is not a variable of libs/config/src/env.ts`);
      try {
        loadEnv(env);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message.replace(/\n\s*/g, ' ')}`);
      }
      const roles = (env.VIGIL_ROLES ?? '').split(',');
      if (roles.length !== 1 || !(ROLES as readonly string[]).includes(roles[0]))
        problems.push(`${where}: VIGIL_ROLES is not one role`);
      if (roles[0] === 'prober') {
        const vantage = obj(podLabels)['vigil.io/vantage'];
        if (!env.VIGIL_VANTAGE || env.VIGIL_VANTAGE !== vantage)
          problems.push(
            `${where}: VIGIL_VANTAGE (${env.VIGIL_VANTAGE}) is not its vigil.io/vantage label (${String(vantage)})`,
          );
        else if (vantages.has(vantage))
          problems.push(`${where}: a second prober Deployment for vantage ${vantage}`);
        else vantages.add(vantage);
      }

      // Probes on the container's own port: alive on /healthz, ready on /readyz.
      const ports = arr(c.ports).map(obj);
      const port = Number(env.PORT ?? 3000);
      const http = ports.find((p) => p.containerPort === port);
      if (http === undefined) problems.push(`${where}: no containerPort ${port} (PORT)`);
      for (const [probe, path] of [
        ['livenessProbe', '/healthz'],
        ['readinessProbe', '/readyz'],
        ['startupProbe', '/healthz'],
      ] as const) {
        const get = obj(at(c, probe, 'httpGet'));
        if (get.path !== path) problems.push(`${where}: ${probe} is not httpGet ${path}`);
        else if (get.port !== port && (http === undefined || get.port !== http.name))
          problems.push(`${where}: ${probe} port ${String(get.port)} is not the container port ${port}`);
      }
    }
    const component = obj(podLabels)['app.kubernetes.io/component'];
    if (component === 'api' || component === 'controller') {
      const zone = arr(pod.topologySpreadConstraints)
        .map(obj)
        .find((t) => t.topologyKey === 'topology.kubernetes.io/zone');
      if (zone === undefined) problems.push(`${id}: no topology spread across zones`);
      else if (!matches(at(zone, 'labelSelector', 'matchLabels'), podLabels))
        problems.push(`${id}: the zone spread's labelSelector does not select its pods`);
    }
    const budgets = of('PodDisruptionBudget').filter((p) =>
      matches(at(p, 'spec', 'selector', 'matchLabels'), podLabels),
    );
    if (budgets.length !== 1)
      problems.push(`${id}: ${budgets.length} PodDisruptionBudgets select its pods (want 1)`);
  }
  const components = deployments.map(
    (d) => obj(at(d, 'spec', 'template', 'metadata', 'labels'))['app.kubernetes.io/component'],
  );
  for (const role of ROLES)
    if (!components.includes(role)) problems.push(`no Deployment of the ${role} role`);

  for (const p of of('PodDisruptionBudget')) {
    const selector = at(p, 'spec', 'selector', 'matchLabels');
    if (!deployments.some((d) => matches(selector, at(d, 'spec', 'template', 'metadata', 'labels'))))
      problems.push(`${name(p)}: selects no Deployment's pods`);
  }

  const services = of('Service');
  for (const s of services) {
    const selector = at(s, 'spec', 'selector');
    const selected = deployments.filter((d) =>
      matches(selector, at(d, 'spec', 'template', 'metadata', 'labels')),
    );
    if (selected.length === 0) problems.push(`${name(s)}: spec.selector selects no Deployment's pods`);
    for (const port of arr(at(s, 'spec', 'ports')).map(obj)) {
      const target = port.targetPort ?? port.port;
      for (const d of selected) {
        const containerPorts = arr(at(d, 'spec', 'template', 'spec', 'containers'))
          .flatMap((c) => arr(obj(c).ports))
          .map(obj);
        if (!containerPorts.some((cp) => cp.name === target || cp.containerPort === target))
          problems.push(`${name(s)}: targetPort ${String(target)} is not a port of ${name(d)}`);
      }
    }
  }
  if (!services.some((s) => at(s, 'metadata', 'labels', 'app.kubernetes.io/component') === 'api'))
    problems.push('no Service for the api');

  for (const m of of('ServiceMonitor')) {
    const scraped = services.filter((s) =>
      matches(at(m, 'spec', 'selector', 'matchLabels'), at(s, 'metadata', 'labels')),
    );
    const roles = new Set(scraped.map((s) => at(s, 'metadata', 'labels', 'app.kubernetes.io/component')));
    for (const role of ROLES) if (!roles.has(role)) problems.push(`${name(m)}: scrapes no ${role} Service`);
    for (const e of arr(at(m, 'spec', 'endpoints')).map(obj)) {
      if (e.path !== '/metrics') problems.push(`${name(m)}: endpoint path is not /metrics`);
      for (const s of scraped)
        if (!arr(at(s, 'spec', 'ports')).some((p) => obj(p).name === e.port))
          problems.push(`${name(m)}: port ${String(e.port)} is not a port of ${name(s)}`);
      const credentials = obj(at(e, 'authorization', 'credentials'));
      if (
        credentials.name !== undefined &&
        !secrets[str(credentials.name) ?? '']?.includes(str(credentials.key) ?? '')
      )
        problems.push(
          `${name(m)}: bearer token key ${String(credentials.key)} of Secret ${String(credentials.name)} is not documented`,
        );
    }
  }
  return problems;
}

/** Replaces `${VAR}`, `${VAR:-default}` and `${VAR:?message}` as compose does, from `vars`. */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::?[-?]([^}]*))?\}/g, (_, key: string, fallback?: string) => {
    const value = vars[key];
    return value !== undefined && value !== '' ? value : /:-/.test(_) ? (fallback ?? '') : '';
  });
}

/** A compose service that runs a Vigil role (the image's default command). */
export const runsVigil = (service: Doc) => service.image === 'vigil:local' && service.command === undefined;

/** Every problem of the compose file (parsed with merge keys, variables interpolated). */
export function checkCompose(compose: Doc, fileExists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const services = Object.entries(obj(compose.services)).map(([id, s]) => [id, obj(s)] as const);
  for (const [id, s] of services) {
    for (const volume of arr(s.volumes).map(String))
      if (volume.startsWith('./') && !fileExists(volume.split(':')[0]))
        problems.push(`${id}: mounts ${volume.split(':')[0]}, which is not in the repository`);
    const image = str(s.image) ?? '';
    if (image === 'vigil:local') {
      if (s.build === undefined) problems.push(`${id}: image vigil:local without build`);
    } else if (!isPinnedImage(image)) problems.push(`${id}: image "${image}" is not pinned`);
    const oneShot = s.restart === 'no';
    const check = obj(s.healthcheck);
    if (!oneShot && (check.disable === true || arr(check.test).length === 0))
      problems.push(`${id}: no healthcheck`);
    if (runsVigil(s)) {
      const env = Object.fromEntries(
        Object.entries(obj(s.environment)).map(([k, v]) => [k, String(v ?? '')]),
      );
      for (const key of Object.keys(env))
        if (!ENV_NAMES.includes(key))
          problems.push(`${id}: environment ${key} is not a variable of libs/config/src/env.ts`);
      try {
        loadEnv(env);
      } catch (error) {
        problems.push(`${id}: ${(error as Error).message.replace(/\n\s*/g, ' ')}`);
      }
      if (s.read_only !== true) problems.push(`${id}: read_only is not true`);
    }
  }
  for (const id of ['redis', 'postgres']) {
    const s = obj(obj(compose.services)[id]);
    if (Object.keys(s).length === 0) problems.push(`${id}: no such service`);
    if (s.ports !== undefined)
      problems.push(`${id}: publishes ports on the host (docker-compose.dev.yml does that)`);
  }
  return problems;
}

/** Every problem of the Dockerfile's text. */
export function checkDockerfile(text: string): string[] {
  const problems: string[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  for (const l of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(l);
    if (arg) args.set(arg[1], arg[2]);
  }
  const froms = lines.filter((l) => /^FROM\s/i.test(l));
  if (froms.length === 0) problems.push('no FROM');
  for (const from of froms) {
    const image = from.split(/\s+/)[1].replace(/\$\{(\w+)\}/g, (_, k: string) => args.get(k) ?? '');
    if (/^[a-z]+$/.test(image) || image === '') continue; // an earlier stage
    const node = /^node:(\d+)/.exec(image);
    if (!node) problems.push(`FROM ${image}: not a node image`);
    else if (Number(node[1]) < 22 || Number(node[1]) % 2 === 1)
      problems.push(`FROM ${image}: Node ${node[1]} is not a supported LTS (22 or later, even)`);
  }
  const finalStage = lines.slice(lines.lastIndexOf(froms.at(-1) ?? ''));
  const user = finalStage.filter((l) => /^USER\s/.test(l)).at(-1);
  if (user === undefined) problems.push('the final stage has no USER (it would run as root)');
  else if (/^USER\s+(root|0)(:|\s|$)/.test(user)) problems.push(`${user}: runs as root`);
  const healthcheck = finalStage.find((l) => /^HEALTHCHECK\s/.test(l));
  if (healthcheck === undefined) problems.push('no HEALTHCHECK in the final stage');
  else {
    if (!healthcheck.includes('/healthz')) problems.push('HEALTHCHECK does not ask /healthz');
    if (!/"node"/.test(healthcheck) || /curl|wget/.test(healthcheck))
      problems.push('HEALTHCHECK does not use node (the image has no curl)');
    if (!/process\.env\.PORT/.test(healthcheck)) problems.push('HEALTHCHECK ignores PORT');
  }
  const labels = finalStage.filter((l) => /^LABEL\s/.test(l)).join(' ');
  for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision'])
    if (!labels.includes(`org.opencontainers.image.${key}=`))
      problems.push(`no label org.opencontainers.image.${key}`);
  for (const key of ['version', 'revision', 'source'])
    if (!new RegExp(`org\\.opencontainers\\.image\\.${key}="\\$\\{\\w+\\}"`).test(labels))
      problems.push(`label org.opencontainers.image.${key} does not come from a build arg`);
  const modules = finalStage.find((l) => /^COPY\s.*node_modules/.test(l));
  const from = modules === undefined ? undefined : /--from=(\S+)/.exec(modules)?.[1];
  const stage =
    from === undefined ? -1 : lines.findIndex((l) => new RegExp(`^FROM\\s.*\\sAS\\s+${from}$`, 'i').test(l));
  const stageLines =
    stage < 0
      ? []
      : lines.slice(
          stage + 1,
          lines.findIndex((l, i) => i > stage && /^FROM\s/i.test(l)),
        );
  if (!stageLines.some((l) => /npm (ci|prune)\b.*--omit=dev/.test(l)))
    problems.push('node_modules of the final stage do not come from an `npm ci --omit=dev` (or prune) stage');
  return problems;
}
