import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import type { Page } from 'playwright-core';
import {
  consoleDrillConfig,
  expectAccessible,
  signIn,
  signInForm,
  startConsoleVigil,
  useBrowser,
  visible,
} from './support/browser';
import { call } from './support/http';
import { poll } from './support/poll';
import type { VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

jest.setTimeout(120_000);

/**
 * axe-core on every page of the console, signed in as an admin (who sees every page), with data on
 * each: an outage of szx gives an action, events, an incident and a notification. No serious or
 * critical violation. Ports: Vigil 27460, the fleet 27461-27464.
 */
describe('console accessibility (axe-core on every page)', () => {
  const SECRET = 'console-a11y-gslb-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let pager: Receiver;
  let vigil: VigilUnderTest & { keys: Record<'viewer' | 'operator' | 'admin', string> };
  const browser = useBrowser(() => vigil.url);
  const ids = { action: '', endpoint: '', incident: '' };

  const api = <T = any>(path: string) =>
    call<T>(vigil.url, 'GET', `/api/v1${path}`, { token: vigil.adminToken });

  beforeAll(async () => {
    process.env.VIGIL_REF_CONSOLE_A11Y_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27461 });
    gslb = await startTrafficManager({ secret: SECRET });
    pager = await startReceiver({ status: 204 });
    vigil = await startConsoleVigil(27460);
    const config = consoleDrillConfig(
      fleet,
      { gslb: gslb.url, pager: pager.url },
      'VIGIL_REF_CONSOLE_A11Y_SECRET',
    );
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: config });
    if (applied.status !== 200) throw new Error(`config refused: ${applied.text}`);
    await everyIdcHealthy(vigil, { idcs: 3, deadlineMs: 40_000 });
    await fleet.set({ idc: 'szx' }, 'refused');
    ids.action = await poll(
      async () => (await api<{ items: Array<{ id: string }> }>('/actions')).body.items[0]?.id,
      40_000,
      'an action',
    );
    ids.incident = await poll(
      async () =>
        (
          await api<{ items: Array<{ id: string; after: string }> }>('/events?kind=idc&idc=szx')
        ).body.items.find((e) => e.after === 'UNHEALTHY')?.id,
      20_000,
      'the outage event',
    );
    ids.endpoint = (await api<{ items: Array<{ id: string }> }>('/endpoints')).body.items[0].id;
    await poll(
      async () =>
        (await api<{ items: unknown[] }>('/notifications?channel=pager')).body.items.length
          ? true
          : undefined,
      30_000,
      'a notification',
    );
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await pager?.close();
    await fleet?.close();
  });

  /** Opens `path` signed in as the admin and waits for its heading and for no "Loading…" left. */
  async function open(page: Page, path: string): Promise<void> {
    await signIn(page, vigil.keys.admin, path);
    await visible(page.getByRole('heading', { level: 1 }));
    await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
  }

  it('the sign-in page', async () => {
    await browser.page.goto('/');
    await visible(signInForm(browser.page).key);
    await expectAccessible(browser.page, 'the sign-in page');
  });

  const pages: Array<[string, () => string]> = [
    ['board', () => '/'],
    ['service', () => '/services/live'],
    ['endpoint', () => `/endpoints/${encodeURIComponent(ids.endpoint)}`],
    ['timeline', () => '/timeline'],
    ['actions', () => '/actions'],
    ['action', () => `/actions/${ids.action}`],
    ['automation', () => '/automation'],
    ['alerts', () => '/alerts'],
    ['incident', () => `/incidents/${ids.incident}`],
    ['notifications', () => '/notifications'],
    ['silences', () => '/silences'],
    ['maintenance', () => '/maintenance'],
    ['config', () => '/config'],
    ['reports', () => '/reports'],
    ['audit', () => '/audit'],
    ['keys', () => '/keys'],
  ];
  it.each(pages)('the %s page', async (name, path) => {
    await open(browser.page, path());
    await expectAccessible(browser.page, `the ${name} page (${path()})`);
  });
});
