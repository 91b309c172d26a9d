import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import { stringify } from 'yaml';
import {
  boardCell,
  consoleDrillConfig,
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

// A test here waits on an outage, a decision and its steps, each with its own deadline.
jest.setTimeout(120_000);

interface Action {
  id: string;
  kind: string;
  idc: string;
  state: string;
  stepsDone: number;
  stepsTotal: number;
}

/**
 * The console in Chromium against a real Vigil (every role, this process) watching the fleet
 * simulator (3 IDCs), with a shift rule in approval mode, a fake GSLB and a webhook channel.
 * Ports: Vigil 27450, the fleet 27451-27454.
 */
describe('console (Chromium, fleet, all roles)', () => {
  const SECRET = 'console-gslb-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let pager: Receiver;
  let vigil: VigilUnderTest & { keys: Record<'viewer' | 'operator' | 'admin', string> };
  const browser = useBrowser(() => vigil.url);

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
  const actions = async (query = '') =>
    (await api<{ items: Action[] }>('GET', `/actions?${query}`)).body.items;
  const action = async (id: string) => (await api<Action>('GET', `/actions/${id}`)).body;

  /** szx down (idempotent) and its shift-away waiting for an operator. */
  async function awaitingShift(): Promise<Action> {
    await fleet.set({ idc: 'szx' }, 'refused');
    return poll(
      async () =>
        (await actions('state=awaiting-approval')).find((a) => a.kind === 'shift-away' && a.idc === 'szx'),
      40_000,
      'a shift-away of szx awaiting approval',
    );
  }

  beforeAll(async () => {
    process.env.VIGIL_REF_CONSOLE_GSLB_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27451 });
    gslb = await startTrafficManager({ secret: SECRET });
    pager = await startReceiver({ status: 204 });
    vigil = await startConsoleVigil(27450);
    const config = consoleDrillConfig(
      fleet,
      { gslb: gslb.url, pager: pager.url },
      'VIGIL_REF_CONSOLE_GSLB_SECRET',
    );
    const applied = await api('PUT', '/config', config);
    if (applied.status !== 200) throw new Error(`config refused: ${applied.text}`);
    await everyIdcHealthy(vigil, { idcs: 3, deadlineMs: 40_000 });
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await pager?.close();
    await fleet?.close();
  });

  it('a bad key gives a clear message; a good one signs in', async () => {
    const { page } = browser;
    await page.goto('/');
    const form = signInForm(page);
    await form.key.fill('vgl_not-a-key');
    await form.submit.click();
    await visible(page.getByRole('alert').filter({ hasText: 'unknown or revoked API key' }));
    await form.key.fill(vigil.keys.operator);
    await form.submit.click();
    await visible(page.getByRole('button', { name: 'Sign out' }));
    await visible(page.getByRole('heading', { name: 'Board', level: 1 }));
  });

  it('an IDC that goes down turns its board cell UNHEALTHY without a reload', async () => {
    const { page } = browser;
    await fleet.set({ idc: 'szx' }, 'up');
    await everyIdcHealthy(vigil, { idcs: 3, deadlineMs: 40_000 });
    await signIn(page, vigil.keys.viewer);
    const cell = boardCell(page, 'live', 'szx');
    await cell.and(page.locator('[data-state="HEALTHY"]')).waitFor({ timeout: 15_000 });
    // A reload would drop this marker.
    await page.evaluate(() => ((globalThis as unknown as { vigilMark: number }).vigilMark = 1));
    await fleet.set({ idc: 'szx' }, 'refused');
    await cell.and(page.locator('[data-state="UNHEALTHY"]')).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { vigilMark?: number }).vigilMark)).toBe(1);
    expect(await boardCell(page, 'live', 'sha').getAttribute('data-state')).toBe('HEALTHY');
  });

  it('a viewer sees no Approve button, and writes without the CSRF token are refused (403)', async () => {
    const pending = await awaitingShift();
    const { page } = browser;
    await signIn(page, vigil.keys.viewer, `/actions/${pending.id}`);
    await visible(page.getByRole('heading', { level: 1 }));
    await visible(page.getByText('awaiting-approval'));
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0);

    // A forged form post: the viewer's session cookie rides along, but no X-CSRF-Token.
    const forged = await page.context().request.post(`/api/v1/actions/${pending.id}/approve`, {
      data: { reason: 'forged' },
    });
    expect(forged.status()).toBe(403);

    // Same with an operator's session: the role would allow it, the missing token does not.
    const operator = await browser.open();
    await signIn(operator.page, vigil.keys.operator, `/actions/${pending.id}`);
    const status = await operator.page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/actions/${id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'forged' }),
        credentials: 'same-origin',
      });
      return res.status;
    }, pending.id);
    expect(status).toBe(403);
    expect((await action(pending.id)).state).toBe('awaiting-approval');
  });

  it('an operator approves an action (Approve → confirm), sees its steps, then rolls it back', async () => {
    const pending = await awaitingShift();
    const { page } = browser;
    await signIn(page, vigil.keys.operator, `/actions/${pending.id}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    await dialog.getByRole('button', { name: 'Approve' }).click();
    const done = await poll(
      async () => {
        const a = await action(pending.id);
        return a.state === 'completed' ? a : undefined;
      },
      30_000,
      'the approved shift to complete',
    );
    expect(done.stepsDone).toBe(done.stepsTotal);
    // Its steps, as the page lists them, with szx's weight down to 0 at the end.
    await visible(page.getByText('completed'), 30_000);
    await visible(page.getByRole('table', { name: /steps/i }), 30_000);
    expect(await page.getByRole('table', { name: /steps/i }).getByRole('row').count()).toBeGreaterThan(
      done.stepsTotal,
    );

    await page.getByRole('button', { name: 'Roll back' }).click();
    await visible(dialog);
    await dialog.getByLabel(/Reason/).fill('console e2e: put the weights back');
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await poll(
      async () => ((await action(pending.id)).state === 'rolled-back' ? true : undefined),
      30_000,
      'the action marked rolled-back',
    );
    await visible(page.getByText('rolled-back'), 30_000);
    const rollback = await poll(
      async () => (await actions()).find((a) => a.kind === 'rollback'),
      10_000,
      'the rollback action',
    );
    expect(rollback.idc === undefined || rollback.idc === null || rollback.idc === 'szx').toBe(true);
  });

  it('the config editor marks an unknown IDC at its line', async () => {
    const { page } = browser;
    await signIn(page, vigil.keys.admin, '/config');
    const current = (await api('GET', '/config')).body;
    const doc = structuredClone(current);
    doc.services[0].endpoints[2].idc = 'shx';
    const yaml = stringify(doc);
    const editor = page.locator('.cm-content').first();
    await visible(editor);
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(yaml);
    await page.getByRole('button', { name: 'Plan' }).click();
    // The problem names its line (where `idc: shx` is in the text typed), and going there shows
    // CodeMirror's lint diagnostic inside that very line.
    const line = yaml.split('\n').findIndex((l) => l.trim() === '- idc: shx' || l.trim() === 'idc: shx') + 1;
    const problems = page.getByRole('region', { name: 'Problems' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'unknown IDC "shx"' });
    await visible(problem, 20_000);
    await problem.getByRole('button', { name: `Line ${line}` }).click();
    const marked = page.locator('.cm-line').filter({ has: page.locator('.cm-lintRange-error') });
    await visible(marked, 10_000);
    expect(await marked.first().textContent()).toContain('idc: shx');
    // Nothing applied.
    expect((await api('GET', '/config')).body).toEqual(current);
  });

  it('a silence is created from a notification', async () => {
    await fleet.set({ idc: 'szx' }, 'refused');
    // A real delivery to the webhook channel (the outage and the proposal are both notified).
    const notice = await poll(
      async () => {
        const page = (
          await api<{ items: Array<{ id: string; state: string; labels: Record<string, string> }> }>(
            'GET',
            '/notifications?channel=pager&limit=50',
          )
        ).body.items;
        return page.find((n) => n.state === 'delivered');
      },
      40_000,
      'a delivered notification',
    );
    expect(pager.requests.length).toBeGreaterThan(0);
    const { page } = browser;
    await signIn(page, vigil.keys.operator, '/notifications');
    await page.getByRole('button', { name: 'Silence…' }).first().click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    await dialog.getByLabel(/comment/i).fill('console e2e: silenced from a notification');
    await dialog.getByRole('button', { name: /^(Silence|Create silence)$/ }).click();
    const silence = await poll(
      async () => {
        const list = (
          await api<{ items: Array<{ comment: string; matchers: unknown[] }> }>('GET', '/silences')
        ).body.items;
        return list.find((s) => s.comment === 'console e2e: silenced from a notification');
      },
      15_000,
      'the silence',
    );
    expect(silence.matchers.length).toBeGreaterThan(0);
    expect(notice.labels).toBeDefined();
  });

  it('sign out ends the session', async () => {
    const { page } = browser;
    await signIn(page, vigil.keys.operator);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(signInForm(page).key);
    // The old cookie no longer opens a session, and a reload shows the form again.
    const old = await call(vigil.url, 'GET', '/api/v1/session', {
      headers: { cookie: `vigil_session=${session!.value}` },
    });
    expect(old.status).toBe(401);
    await page.reload();
    await visible(signInForm(page).key);
  });
});
