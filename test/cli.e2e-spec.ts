import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples/multi-idc.yaml');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (apps/cli/src/main.ts) as a child process and waits for it to end. */
async function vigilCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/cli/src/main.ts',
      ...args,
    ],
    { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin ?? '');
  // 'close' follows 'exit' once stdout and stderr are drained, so the output is complete.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('the vigil CLI against a real API', () => {
  let vigil: VigilUnderTest;
  let dir: string;
  let env: Record<string, string | undefined>;
  const cli = (...args: string[]) => vigilCli(args, env);

  beforeAll(async () => {
    vigil = await startVigil();
    dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    env = { VIGIL_URL: vigil.url, VIGIL_TOKEN: vigil.adminToken };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await vigil.close();
  });

  // The steps build on each other: plan on an empty Vigil, apply, apply again, then read.
  it('plans the example: every object is a create, the settings updates, nothing applied yet', async () => {
    const run = await cli('plan', '-f', EXAMPLE);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('+ idc sha\n');
    expect(run.stdout).toContain('+ service live-edge\n');
    expect(run.stdout).toContain('+ rule idc-down\n');
    expect(run.stdout).toContain('~ settings notifications\n');
    expect(run.stdout).toContain('Plan: 12 to create, 2 to update, 0 to delete (nothing applied yet).');
  });

  it('applies it as version 1, then finds nothing to change', async () => {
    const first = await cli('apply', '-f', EXAMPLE, '-m', 'first import');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('+ idc bjs\n');
    expect(first.stdout.trimEnd().endsWith('Applied version 1.')).toBe(true);

    const again = await cli('apply', '-f', EXAMPLE);
    expect(again).toMatchObject({ code: 0, stderr: '', stdout: 'No changes; version 1 stays current.\n' });
  });

  it('plans an update from stdin and shows the changed field', async () => {
    const yaml = (await readFile(EXAMPLE, 'utf8')).replace('capacity: 200\n', 'capacity: 250\n');
    const run = await vigilCli(['plan', '-f', '-'], env, yaml);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      '~ idc szx\n  capacity: 200 -> 250\n\nPlan: 0 to create, 1 to update, 0 to delete (against version 1).\n',
    );
  });

  it('shows status: the version, the IDCs and the services of the example', async () => {
    const run = await cli('status');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Config version 1\n');
    expect(run.stdout).toContain('  message: first import\n');
    expect(run.stdout).toMatch(/^NAME\s+REGION\s+CAPACITY\s+LABELS$/m);
    expect(run.stdout).toMatch(/^sha\s+cn-east\s+400\s+tier=core$/m);
    expect(run.stdout).toMatch(/^bjs\s+cn-north\s+400\s+tier=core$/m);
    expect(run.stdout).toMatch(/^szx\s+cn-south\s+200\s+tier=edge$/m);
    expect(run.stdout).toMatch(/^live-edge\s+8\s+team=streaming,tier=core$/m);
  });

  it('prints the raw JSON with -o json', async () => {
    const run = await cli('status', '-o', 'json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(run.stdout);
    expect(body.versions.items[0].version).toBe(1);
    expect(body.idcs.items.map((i: { name: string }) => i.name).sort()).toEqual(['bjs', 'sha', 'szx']);
    expect(body.services.total).toBe(4);
  });

  it('lists versions and diffs version 1 against nothing', async () => {
    const versions = await cli('versions');
    expect(versions.code).toBe(0);
    expect(versions.stdout).toMatch(/^\s*1\s+\S+ \S+\s+\S+\s+\S+\s+\+12 ~2 -0\s+first import$/m);

    const diff = await cli('diff', '1');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('+ channel pd\n');
    expect(diff.stdout).toContain('12 to create, 2 to update, 0 to delete (an empty config -> version 1).');
  });

  it('exits 1 on an invalid file, printing each problem with its path', async () => {
    const broken = join(dir, 'broken.yaml');
    const yaml = await readFile(EXAMPLE, 'utf8');
    await writeFile(broken, yaml.replace('{ idc: sha, name: sha-edge-1', '{ idc: shx, name: sha-edge-1'));
    const run = await cli('apply', '-f', broken);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*\(HTTP 400 Bad Request\)$/m);
    expect(run.stderr).toContain('  services[0].endpoints[0].idc: unknown IDC "shx"');
  });

  it('exits 1 when the API cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const run = await vigilCli(['status'], { ...env, VIGIL_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: cannot reach Vigil at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  it('exits 2 with a clear message when no token is given', async () => {
    const run = await vigilCli(['status'], { ...env, VIGIL_TOKEN: undefined });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('error: an API key is required: pass --token <key> or set VIGIL_TOKEN\n');
  });
});
