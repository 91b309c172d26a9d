import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { VigilUnderTest } from './vigil-app';
import { poll } from './poll';

/** A controller in its own process, with everything it printed so far. */
export type ControllerProcess = ChildProcess & { output: () => string; name: string };

/** The line a controller logs when it takes the lease. */
export const LEADING = 'leading the controllers';

/** The controllers that have taken the lease at some point (their output says so). */
export const leaders = (controllers: readonly ControllerProcess[]): ControllerProcess[] =>
  controllers.filter((c) => c.output().includes(LEADING));

/**
 * The Vigil entry (`apps/vigil/src/main.ts`) with only the controller role, as its own process, on
 * `vigil`'s database and Redis prefix, logging at info; `env` adds variables (a traffic manager's secret).
 */
export function startController(
  vigil: VigilUnderTest,
  name: string,
  env: Record<string, string> = {},
): ControllerProcess {
  return startVigilProcess(vigil, name, 'controller', env);
}

/** Like startController, with the roles given (`prober`, `prober,controller`, …). */
export function startVigilProcess(
  vigil: VigilUnderTest,
  name: string,
  roles: string,
  env: Record<string, string> = {},
): ControllerProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/vigil/src/main.ts'],
    {
      env: {
        ...process.env,
        TS_NODE_PROJECT: 'tsconfig.json',
        DATABASE_URL: vigil.env.DATABASE_URL,
        REDIS_URL: vigil.env.REDIS_URL,
        VIGIL_REDIS_PREFIX: vigil.env.VIGIL_REDIS_PREFIX,
        VIGIL_ADMIN_TOKEN: vigil.adminToken,
        VIGIL_SHUTDOWN_TIMEOUT_MS: '3000',
        LOG_LEVEL: 'info',
        PORT: '0',
        ...env,
        VIGIL_ROLES: roles,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out, name });
}

/** SIGTERM (SIGCONT first, in case it was stopped), SIGKILL after 5 s; resolves once it exited. */
export async function stopController(child: ControllerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Two controller processes (controller-a, controller-b) for `vigil`, started with `env`, once one of
 * them leads. Stop them with stopController.
 */
export async function startControllerPair(
  vigil: VigilUnderTest,
  env: Record<string, string>,
): Promise<ControllerProcess[]> {
  const pair = [startController(vigil, 'controller-a', env), startController(vigil, 'controller-b', env)];
  await poll(
    async () => (leaders(pair).length ? true : undefined),
    60_000,
    `a controller to lead (output: ${pair.map((c) => c.output().slice(-500)).join(' | ')})`,
  );
  return pair;
}
