import type { Page } from 'playwright-core';
import { expectAccessible, signIn, startConsoleVigil, useBrowser, visible } from './support/browser';
import { call } from './support/http';
import { poll } from './support/poll';
import type { VigilUnderTest } from './support/vigil-app';

jest.setTimeout(120_000);

interface Window {
  id: string;
  reason: string;
  state: string;
  createdBy: string;
  cancelledBy: string | null;
}

// No endpoint needs to answer: the windows' scope is checked against the config's names only.
const config = {
  apiVersion: 'vigil/v1',
  idcs: [
    { name: 'sha', capacity: 1000 },
    { name: 'bjs', capacity: 1000 },
  ],
  services: [
    {
      name: 'web',
      weights: { sha: 1, bjs: 1 },
      endpoints: [
        { idc: 'sha', name: 'sha-1', url: 'http://127.0.0.1:9/healthz', capacity: 100 },
        { idc: 'bjs', name: 'bjs-1', url: 'http://127.0.0.1:9/healthz', capacity: 100 },
      ],
      checks: [{ name: 'healthz', type: 'http' }],
    },
  ],
};

/** A `datetime-local` value `minutes` from now, in this machine's (and so Chromium's) time zone. */
function localInput(minutes: number): string {
  const at = new Date(Date.now() + minutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}`;
}

/**
 * The Maintenance page in Chromium against a real Vigil (every role): a viewer reads windows but
 * cannot declare or cancel one; an operator declares one (seeing the API's field errors at their
 * fields first), sees it in force, and cancels it. Ports: Vigil 27590.
 */
describe('console: maintenance windows (Chromium)', () => {
  let vigil: VigilUnderTest & { keys: Record<'viewer' | 'operator' | 'admin', string> };
  const browser = useBrowser(() => vigil.url);

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
  const windows = async () => (await api<{ items: Window[] }>('GET', '/maintenance-windows')).body.items;

  beforeAll(async () => {
    vigil = await startConsoleVigil(27590);
    const applied = await api('PUT', '/config', config);
    if (applied.status !== 200) throw new Error(`config refused: ${applied.text}`);
  });
  afterAll(async () => {
    await vigil?.close();
  });

  const current = (page: Page) => page.getByRole('table', { name: 'Windows in force and scheduled' });

  it('a viewer sees a window, its schedule in words and next occurrences, but no New or Cancel button', async () => {
    const created = await api<Window>('POST', '/maintenance-windows', {
      reason: 'patch Tuesday',
      cron: '0 2 * * 2',
      timezone: 'Europe/Berlin',
      duration: '2h',
      services: ['web'],
      silence: false,
    });
    expect(created.status).toBe(201);
    const { page } = browser;
    await signIn(page, vigil.keys.viewer, '/maintenance');
    await visible(page.getByRole('heading', { name: 'Maintenance', level: 1 }));
    const row = page.getByTestId(`maintenance-${created.body.id}`);
    await visible(row);
    await visible(row.getByText('every Tuesday at 02:00 (Europe/Berlin), 2h each'));
    await visible(row.getByText('web in every IDC'));
    // Scheduled, or active on a Tuesday night in Berlin.
    await visible(row.getByText(created.body.state, { exact: true }));
    expect(await row.getByRole('listitem').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'New window' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel window' }).count()).toBe(0);
    await expectAccessible(page, 'the maintenance page (viewer)');
    expect((await api('DELETE', `/maintenance-windows/${created.body.id}`)).status).toBe(200);
  });

  it('an operator declares a window (field errors at their fields first), sees it active, and cancels it', async () => {
    const { page } = browser;
    await signIn(page, vigil.keys.operator, '/maintenance');
    await page.getByRole('button', { name: 'New window' }).click();
    const form = page.getByRole('form', { name: 'New maintenance window' });
    await visible(form);
    await form.getByLabel('Reason').fill('console e2e: kernel upgrades');
    // Recurring, with a time zone and a service the server does not know.
    await form.getByLabel('Recurring').check();
    await form.getByLabel('Cron', { exact: true }).check();
    await form.getByLabel(/^Cron \(/).fill('0 2 * * 2');
    await form.getByLabel('Time zone').fill('Europe/Atlantis');
    await form.getByLabel('Services (comma-separated)').fill('web, nope');
    await form.getByRole('button', { name: 'Create window' }).click();
    const zone = form.getByLabel('Time zone');
    await visible(form.getByText(/unknown time zone "Europe\/Atlantis"/));
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    // The message is the field's description, for screen readers too.
    const described = await zone.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toMatch(/unknown time zone/);
    await visible(form.getByText('services[1]: unknown service "nope"'));
    await expectAccessible(page, 'the maintenance form with field errors');
    expect(await windows()).toHaveLength(1); // only the viewer test's, cancelled

    // One-off, from now for an hour, on web in sha.
    await form.getByLabel('One-off').check();
    await form.getByLabel('Services (comma-separated)').fill('web');
    await form.getByLabel('IDCs (comma-separated)').fill('sha');
    await form.getByLabel('Ends').fill(localInput(60));
    await form.getByRole('button', { name: 'Create window' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'console e2e: kernel upgrades' }));
    const created = (await windows()).find((w) => w.reason === 'console e2e: kernel upgrades');
    expect(created).toMatchObject({
      state: 'active',
      createdBy: expect.stringContaining('console-operator'),
    });
    const row = current(page).getByTestId(`maintenance-${created!.id}`);
    await visible(row);
    await visible(row.getByText('active', { exact: true }));
    await visible(row.getByText('web in sha'));
    await visible(row.getByText('freeze and silence'));

    await row.getByRole('button', { name: 'Cancel window' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    await visible(dialog.getByText(/ends now/));
    await dialog.getByRole('button', { name: 'Cancel window' }).click();
    await poll(
      async () => {
        const w = (await windows()).find((x) => x.id === created!.id);
        return w?.state === 'cancelled' ? w : undefined;
      },
      10_000,
      'the window cancelled',
    ).then((w) => expect(w.cancelledBy).toContain('console-operator'));
    await visible(page.getByText('No window in force or scheduled.'));
    await page.getByText(/^Ended and cancelled/).click();
    await visible(page.getByTestId(`maintenance-${created!.id}`).getByText('cancelled', { exact: true }));
  });
});
