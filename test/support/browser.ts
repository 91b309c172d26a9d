import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Fleet } from '@libs/fleet';
import { drillConfig } from './failover-config';
import { call } from './http';
import { startVigil, type VigilUnderTest } from './vigil-app';

/** Where `npm run build` (its `build:console` step) puts the console; the api role serves it at `/`. */
export const CONSOLE_DIR = resolve(__dirname, '..', '..', 'dist', 'apps', 'console');

/** The built console's directory; fails with what to run when it is not built. */
export function builtConsole(dir: string = CONSOLE_DIR): string {
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(
      `the console is not built: ${join(dir, 'index.html')} is missing. Run \`npm run build\` ` +
        '(it builds the console into dist/apps/console) before the console e2e tests.',
    );
  return dir;
}

/** Debian's Chromium, or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path))
    throw new Error(`no Chromium at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  return path;
}

/** A headless Chromium; `--no-sandbox` because CI runs as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

export const VIEWPORT = { width: 1280, height: 800 };

/** A page that records what went wrong in it: uncaught errors fail the test, console errors explain. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page. */
  pageErrors: string[];
  /** `console.error` lines and failed loads (a 401 before sign-in is expected: never fails a test). */
  consoleErrors: string[];
}

export async function openPage(browser: Browser, baseURL: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT });
  const page = await context.newPage();
  const watched: WatchedPage = { context, page, pageErrors: [], consoleErrors: [] };
  page.on('pageerror', (error) => watched.pageErrors.push(error.stack ?? error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  return watched;
}

/**
 * One Chromium for the suite and a fresh context per test (`suite.page` is the test's first page;
 * `suite.open()` another user's). After each test: its contexts close, and the test fails if a page
 * threw an uncaught error.
 */
export interface BrowserSuite {
  readonly browser: Browser;
  readonly page: Page;
  open(): Promise<WatchedPage>;
}

export function useBrowser(baseUrl: () => string): BrowserSuite {
  let browser: Browser | undefined;
  let pages: WatchedPage[] = [];
  const suite = {
    get browser() {
      if (!browser) throw new Error('the browser is not launched yet');
      return browser;
    },
    get page() {
      if (!pages[0]) throw new Error('no page: useBrowser opens one before each test');
      return pages[0].page;
    },
    async open() {
      const watched = await openPage(suite.browser, baseUrl());
      pages.push(watched);
      return watched;
    },
  };
  beforeAll(async () => {
    builtConsole();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    pages = [];
    await suite.open();
  });
  afterEach(async () => {
    const done = pages;
    pages = [];
    await Promise.all(done.map((p) => p.context.close().catch(() => undefined)));
    const thrown = done.flatMap((p) => p.pageErrors);
    if (thrown.length)
      throw new Error(
        `uncaught error(s) in the page:\n${thrown.join('\n---\n')}\n` +
          `console errors:\n${done.flatMap((p) => p.consoleErrors).join('\n')}`,
      );
  });
  return suite;
}

/** The sign-in form's parts. */
export const signInForm = (page: Page) => ({
  key: page.getByLabel('API key'),
  submit: page.getByRole('button', { name: 'Sign in' }),
});

/** Signs in through the form at `path` (default the board) and waits for the signed-in shell. */
export async function signIn(page: Page, apiKey: string, path = '/'): Promise<void> {
  await page.goto(path);
  const form = signInForm(page);
  await form.key.fill(apiKey);
  await form.submit.click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
}

/** Waits for a locator to be visible, with a deadline (never a sleep). */
export function visible(locator: Locator, timeout = 15_000): Promise<void> {
  return locator.first().waitFor({ state: 'visible', timeout });
}

/** The board cell of (service, IDC). */
export const boardCell = (page: Page, service: string, idc: string) =>
  page.getByTestId(`cell-${service}-${idc}`);

/** Fails, listing them, when axe-core finds a serious or critical violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const lines = bad.flatMap((v) => [
    `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`),
  ]);
  throw new Error(`axe-core: ${bad.length} serious/critical violation(s) on ${what}:\n${lines.join('\n')}`);
}

export type KeyRole = 'viewer' | 'operator' | 'admin';

/** Creates an API key (the bootstrap admin token cannot sign in to the console) and returns its token. */
export async function createKey(
  vigil: Pick<VigilUnderTest, 'url' | 'adminToken'>,
  name: string,
  role: KeyRole,
): Promise<string> {
  const res = await call<{ token: string }>(vigil.url, 'POST', '/api/v1/api-keys', {
    token: vigil.adminToken,
    json: { name, role },
  });
  if (res.status !== 201) throw new Error(`creating API key ${name}: ${res.status} ${res.text}`);
  return res.body.token;
}

/**
 * Every role in this process, on `port` (fixed: the suites' range), serving the built console; with a
 * viewer, an operator and an admin key to sign in with.
 */
export async function startConsoleVigil(
  port: number,
  overrides: Record<string, string> = {},
): Promise<VigilUnderTest & { keys: Record<KeyRole, string> }> {
  const dir = builtConsole();
  const vigil = await startVigil({ PORT: String(port), VIGIL_CONSOLE_DIR: dir, ...overrides });
  try {
    const keys = {} as Record<KeyRole, string>;
    for (const role of ['viewer', 'operator', 'admin'] as const)
      keys[role] = await createKey(vigil, `console-${role}`, role);
    return Object.assign(vigil, { keys });
  } catch (error) {
    await vigil.close();
    throw error;
  }
}

/**
 * The console suites' config: the failover drill with its shift rule in approval mode, shifts sent to
 * the fake GSLB at `gslbUrl` (signed with the secret in `secretEnv`), and every notice to a webhook
 * channel `pager` at `pagerUrl`.
 */
export function consoleDrillConfig(fleet: Fleet, urls: { gslb: string; pager: string }, secretEnv: string) {
  return {
    ...drillConfig(fleet, { gslbUrl: urls.gslb, secretEnv, mode: 'approval' }),
    channels: [{ name: 'pager', type: 'webhook', url: `${urls.pager}/pager` }],
    notifications: { groupWait: '1s', routes: [{ channels: ['pager'] }] },
  };
}
