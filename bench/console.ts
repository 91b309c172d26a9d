/**
 * `npm run bench:console`: the web console in Chromium against a Vigil watching 10,000 endpoints
 * (500 services × 4 IDCs × 5 endpoints on closed loopback ports, probed every 10 minutes, so the
 * machine stays idle) plus a small simulated fleet (service `a-fleet`, 3 IDCs, probed every second).
 * Prints one JSON object:
 * - firstRender: navigation start → first board cell in the DOM, 5 cold loads (fresh context, no cache);
 * - jsGzipBytes: gzip bytes of every script the sign-in + board load fetched;
 * - liveLatency: the controller's event `at` → the cell's data-state change in the page (MutationObserver),
 *   over ≥ 20 changes of the fleet's IDC szx;
 * - longTasks: tasks > 200 ms while scrolling the full board.
 * Ports: Vigil 27470, the fleet 27471-27472; the 10,000 endpoints point at closed ports 27490-27494.
 * Needs `npm run build` (the console in dist/apps/console), Chromium (CHROMIUM_PATH), Postgres, Redis.
 */
import 'reflect-metadata';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadEnv } from '@libs/config';
import { fleetConfig, startFleet } from '@libs/fleet';
import { latencySummary, percentile, round } from './stats';
import { startBenchVigil } from './vigil-child';

const PORT = 27470;
const CONSOLE_DIR = join(__dirname, '..', 'apps', 'console');
const SERVICES = 500;
const IDCS = ['sha', 'bjs', 'szx', 'hkg'];
const PER_IDC = 5;
/** What the in-page scripts below use and keep on the window (the bench compiles without the DOM lib). */
interface PageGlobals {
  longTasks: number;
  changes: Array<{ state: string | null; at: number }>;
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  PerformanceObserver: new (callback: (list: { getEntries(): Array<{ duration: number }> }) => void) => {
    observe(options: object): void;
  };
}

const TARGETS = { firstRenderMs: 1500, jsGzipBytes: 300 * 1024, liveP99Ms: 1000 };

async function until<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(CONSOLE_DIR, 'index.html')))
    throw new Error(`the console is not built (${CONSOLE_DIR}/index.html): run \`npm run build\``);
  const env = loadEnv();
  const fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 2, basePort: 27471 });
  const vigil = await startBenchVigil(env, {
    PORT: String(PORT),
    VIGIL_ROLES: 'api,controller,prober',
    VIGIL_CONSOLE_DIR: CONSOLE_DIR,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const api = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${vigil.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${vigil.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const small = fleetConfig(fleet, {
      service: 'a-fleet',
      interval: '1s',
      timeout: '500ms',
      healthyThreshold: 1,
      unhealthyThreshold: 1,
      policy: { flapping: { maxTransitions: 1000 } },
    }) as { services: object[] };
    const services = [small.services[0]];
    for (let s = 0; s < SERVICES; s++)
      services.push({
        name: `svc-${String(s).padStart(3, '0')}`,
        endpoints: IDCS.flatMap((idc, k) =>
          Array.from({ length: PER_IDC }, (_, j) => ({
            idc,
            name: `${idc}-${j + 1}`,
            address: `127.0.${k + 10}.1:${27490 + j}`,
            capacity: 1,
          })),
        ),
        checks: [{ name: 'port', type: 'tcp', interval: '10m', timeout: '1s', tcp: {} }],
      });
    const idcs = [...new Set([...IDCS, 'sha', 'bjs', 'szx'])].map((name) => ({ name, capacity: 100 }));
    await api('PUT', '/config', { apiVersion: 'vigil/v1', idcs, services });
    const key = (
      await api<{ token: string }>('POST', '/api-keys', { name: 'bench-operator', role: 'operator' })
    ).token;
    await until(
      async () => {
        const st = await api<{ services: Array<{ idcs: unknown[] }> }>('GET', '/status');
        return st.services.length === SERVICES + 1 && st.services.every((s) => s.idcs.length > 0)
          ? true
          : undefined;
      },
      120_000,
      'a full /status',
    );

    // (b) JS shipped: a cold sign-in and board load.
    const first = await browser.newContext({ baseURL: vigil.url, viewport: { width: 1280, height: 800 } });
    const page = await first.newPage();
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (r) => {
      if (r.url().endsWith('.js') && r.ok()) scripts.set(r.url(), r.body());
    });
    await page.goto('/');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid^="cell-"]').first().waitFor({ timeout: 30_000 });
    let jsGzipBytes = 0;
    for (const body of scripts.values()) jsGzipBytes += gzipSync(await body, { level: 9 }).length;
    const assetsJs = readdirSync(join(CONSOLE_DIR, 'assets')).filter((f) => f.endsWith('.js')).length;
    const state = await first.storageState();

    // (a) first render, 5 cold loads (signed in, empty cache).
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ctx = await browser.newContext({
        baseURL: vigil.url,
        viewport: { width: 1280, height: 800 },
        storageState: state,
      });
      const p = await ctx.newPage();
      await p.goto('/');
      await p.locator('[data-testid^="cell-"]').first().waitFor({ timeout: 30_000 });
      renders.push(await p.evaluate(() => performance.now()));
      await ctx.close();
    }
    const firstRender = {
      medianMs: round(
        percentile(
          [...renders].sort((a, b) => a - b),
          50,
        ),
      ),
      maxMs: round(Math.max(...renders)),
      samplesMs: renders.map((r) => round(r)),
    };

    // (d) long tasks while scrolling all 500 rows.
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.longTasks = 0;
      new w.PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.duration > 200) w.longTasks++;
      }).observe({ type: 'longtask' });
    });
    await page.locator('.board-body').hover();
    for (let i = 0; i < 60; i++) await page.mouse.wheel(0, 600);
    await page.mouse.wheel(0, -36_000);
    const longTasks = await page.evaluate(() => (globalThis as unknown as PageGlobals).longTasks as number);

    // (c) live latency: the fleet's szx down and up, the cell's change timestamped in the page.
    await page.getByRole('searchbox').fill('a-fleet');
    const cell = page.getByTestId('cell-a-fleet-szx');
    await cell.waitFor();
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.changes = [];
      const el = (globalThis as unknown as PageGlobals).document.querySelector(
        '[data-testid="cell-a-fleet-szx"]',
      );
      new (globalThis as unknown as PageGlobals).MutationObserver(() =>
        w.changes.push({ state: el.getAttribute('data-state'), at: Date.now() }),
      ).observe(el, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    const latencies: number[] = [];
    for (let i = 0; i < 22; i++) {
      const target = i % 2 === 0 ? 'UNHEALTHY' : 'HEALTHY';
      const before = Date.now();
      await fleet.set({ idc: 'szx' }, i % 2 === 0 ? 'refused' : 'up');
      const seen = await until(
        async () =>
          (
            await page.evaluate(
              () => (globalThis as unknown as PageGlobals).changes as Array<{ state: string; at: number }>,
            )
          ).find((c) => c.state === target && c.at >= before),
        30_000,
        `szx ${target} on the board`,
      );
      const events = await api<{ items: Array<{ after: string; at: string }> }>(
        'GET',
        '/events?kind=idc&service=a-fleet&idc=szx&limit=5',
      );
      const event = events.items.find((e) => e.after === target && Date.parse(e.at) >= before - 1000);
      if (event) latencies.push(seen.at - Date.parse(event.at));
    }
    const live = latencySummary(latencies);
    const out = {
      endpoints: SERVICES * IDCS.length * PER_IDC + fleet.endpoints.length,
      services: SERVICES + 1,
      firstRender,
      jsGzipBytes,
      jsFiles: scripts.size,
      jsFilesInBuild: assetsJs,
      liveLatency: {
        changes: latencies.length,
        p50Ms: round(live.p50),
        p99Ms: round(live.p99),
        maxMs: round(live.max),
      },
      longTasksOver200msDuringScroll: longTasks,
      ratioToTarget: {
        firstRenderMax: round(firstRender.maxMs / TARGETS.firstRenderMs),
        jsGzip: round(jsGzipBytes / TARGETS.jsGzipBytes),
        liveP99: round(live.p99 / TARGETS.liveP99Ms),
      },
      targets: TARGETS,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    await first.close();
  } finally {
    await browser.close();
    await vigil.stop();
    await fleet.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:console: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
