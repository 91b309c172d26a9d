/**
 * `npm run console:screenshots`: docs/console-board.png and docs/console-action.png (1280×800), taken
 * in Chromium from a demo-like stack started here: every role of Vigil (port 27485) serving the built
 * console, the fleet simulator (3 IDCs, ports 27481-27484), a fake GSLB, and an outage of szx whose
 * shift-away (approval mode) is approved, so the board shows it and the action has its steps.
 * Needs `npm run build` first (the console in dist/apps/console), Postgres and Redis.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { startFleet, startTrafficManager } from '@libs/fleet';
import {
  boardCell,
  launchChromium,
  openPage,
  signIn,
  startConsoleVigil,
  visible,
} from '../test/support/browser';
import { drillConfig } from '../test/support/failover-config';
import { call } from '../test/support/http';
import { poll } from '../test/support/poll';
import { everyIdcHealthy } from '../test/support/waits';

const DOCS = join(__dirname, '..', 'docs');

async function main(): Promise<void> {
  process.env.VIGIL_REF_SCREENSHOT_GSLB_SECRET = 'screenshot-gslb-secret';
  const fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27481 });
  const gslb = await startTrafficManager({ secret: 'screenshot-gslb-secret' });
  const vigil = await startConsoleVigil(27485);
  const browser = await launchChromium();
  try {
    const api = <T = unknown>(method: string, path: string, json?: unknown) =>
      call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
    const config = drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_SCREENSHOT_GSLB_SECRET',
      mode: 'approval',
    });
    const applied = await api('PUT', '/config', config);
    if (applied.status !== 200) throw new Error(`config refused: ${applied.text}`);
    await everyIdcHealthy(vigil, { idcs: 3, deadlineMs: 40_000 });
    await fleet.set({ idc: 'szx' }, 'refused');
    const action = await poll(
      async () =>
        (await api<{ items: Array<{ id: string; state: string }> }>('GET', '/actions')).body.items.find(
          (a) => a.state === 'awaiting-approval',
        ),
      40_000,
      'a shift-away awaiting approval',
    );
    await api('POST', `/actions/${action.id}/approve`, { reason: 'szx is down' });
    await poll(
      async () =>
        (await api<{ state: string }>('GET', `/actions/${action.id}`)).body.state === 'completed'
          ? true
          : undefined,
      30_000,
      'the shift to complete',
    );

    const { page } = await openPage(browser, vigil.url);
    await signIn(page, vigil.keys.operator);
    await boardCell(page, 'live', 'szx').and(page.locator('[data-state="UNHEALTHY"]')).waitFor();
    await page.screenshot({ path: join(DOCS, 'console-board.png') });
    await page.goto(`/actions/${action.id}`);
    await visible(page.getByRole('table', { name: /steps/i }));
    await page.screenshot({ path: join(DOCS, 'console-action.png') });
    process.stdout.write(
      `wrote ${join(DOCS, 'console-board.png')} and ${join(DOCS, 'console-action.png')}\n`,
    );
  } finally {
    await browser.close();
    await vigil.close();
    await gslb.close();
    await fleet.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`console-screenshots: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
