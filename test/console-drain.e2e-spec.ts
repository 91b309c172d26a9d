import {
  fleetConfig,
  startFleet,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
} from '@libs/fleet';
import { expectAccessible, signIn, startConsoleVigil, useBrowser, visible } from './support/browser';
import { call } from './support/http';
import { poll } from './support/poll';
import type { VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

jest.setTimeout(120_000);

interface Traffic {
  drained: string[];
  trafficManager: { type: string; drainsEndpoints: boolean };
}
interface Action {
  id: string;
  kind: string;
  endpoint: string | null;
  state: string;
}

/**
 * Draining an endpoint from the console and undraining it from the service page, in Chromium against
 * a real Vigil (every role) watching the fleet simulator, steering through the signed webhook of a
 * fake GSLB (a traffic manager that drains). Ports: Vigil 27580, the fleet 27581-27582.
 */
describe('console: drain and undrain an endpoint (Chromium, fleet)', () => {
  const SECRET = 'console-drain-gslb-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest & { keys: Record<'viewer' | 'operator' | 'admin', string> };
  const browser = useBrowser(() => vigil.url);

  const api = <T = any>(path: string) =>
    call<T>(vigil.url, 'GET', `/api/v1${path}`, { token: vigil.adminToken });
  const traffic = async () => (await api<Traffic>('/services/live/traffic')).body;

  beforeAll(async () => {
    process.env.VIGIL_REF_CONSOLE_DRAIN_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 2, basePort: 27581 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startConsoleVigil(27580);
    const config = fleetConfig(fleet, { service: 'live', interval: '1s', timeout: '500ms' }) as Record<
      string,
      any
    >;
    config.services[0].trafficManager = {
      type: 'webhook',
      url: gslb.url,
      secret: { secretRef: 'VIGIL_REF_CONSOLE_DRAIN_SECRET' },
      timeout: '2s',
    };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: config });
    if (applied.status !== 200) throw new Error(`config refused: ${applied.text}`);
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 40_000 });
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
  });

  it('a viewer sees whether the endpoint is in rotation but no Drain button', async () => {
    const { page } = browser;
    await signIn(page, vigil.keys.viewer, '/endpoints/live.sha-1');
    await visible(page.getByTestId('rotation').filter({ hasText: 'In rotation through webhook.' }));
    expect(await page.getByRole('button', { name: /Drain/ }).count()).toBe(0);
  });

  it('an operator drains it (reason, confirm), follows the action, and undrains it on the service page', async () => {
    const { page } = browser;
    await signIn(page, vigil.keys.operator, '/endpoints/live.sha-1');
    await page.getByRole('button', { name: 'Drain sha-1…' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    await visible(
      dialog.getByText('sha-1 stops receiving new requests through webhook; weights stay as they are.'),
    );
    const confirm = dialog.getByRole('button', { name: 'Drain', exact: true });
    expect(await confirm.isDisabled()).toBe(true); // a reason is required
    await dialog.getByLabel(/Reason/).fill('console e2e: 5xx under load');
    await confirm.click();

    const link = page.getByRole('status').getByRole('link', { name: 'the drain-endpoint action' });
    await visible(link);
    await link.click();
    await visible(page.getByRole('heading', { level: 1, name: /drain-endpoint live \/ sha-1 \/ sha/ }));
    const id = page.url().split('/actions/')[1];
    const done = await poll(
      async () => {
        const a = (await api<Action>(`/actions/${id}`)).body;
        return a.state === 'completed' ? a : undefined;
      },
      30_000,
      'the drain action to complete',
    );
    expect(done).toMatchObject({ kind: 'drain-endpoint', endpoint: 'sha-1' });
    expect((await traffic()).drained).toEqual(['sha-1']);
    // The step as applied says what is drained after it.
    await visible(page.getByRole('columnheader', { name: 'Drained after' }), 30_000);
    await visible(page.getByTestId('step-0').getByRole('cell', { name: 'sha-1', exact: true }));

    await page.goto('/actions');
    await visible(page.getByRole('cell', { name: 'drain-endpoint sha-1 (sha)' }));

    await page.goto('/services/live');
    const drained = page.getByTestId('drained-sha-1');
    await visible(drained);
    await visible(page.getByRole('columnheader', { name: 'In force' }));
    await expectAccessible(page, 'the service page with a drained endpoint');
    await drained.getByRole('button', { name: 'Undrain sha-1…' }).click();
    await visible(dialog);
    await visible(
      dialog.getByText('sha-1 receives requests through webhook again, at the weights in force.'),
    );
    await dialog.getByLabel(/Reason/).fill('console e2e: fixed');
    await dialog.getByRole('button', { name: 'Undrain', exact: true }).click();
    await visible(page.getByRole('status').getByRole('link', { name: 'the undrain-endpoint action' }));
    await poll(
      async () => ((await traffic()).drained.length === 0 ? true : undefined),
      30_000,
      'sha-1 undrained',
    );
    await visible(page.getByText('No endpoint is drained.'), 30_000);
  });
});
