import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'multi-idc.yaml'), 'utf8');
const SIX = '[1, 2, 3, 4, 5, 6]';
/** The rule of the report: 271 characters of nested `.all` over small lists, accepted before. */
const NESTED_ALL =
  `idc.state == "UNHEALTHY" && ${SIX}.all(a, ${SIX}.all(b, ${SIX}.all(c, ${SIX}.all(d, ` +
  `${SIX}.all(e, ${SIX}.all(f, ${SIX}.all(g, a + b + c + d + e + f + g < idc.score))))))) && idc.score > 0`;

/** Regexes and rule conditions written by operators: RE2 only, and a bounded cost. */
describe('untrusted patterns and conditions (api)', () => {
  let vigil: VigilUnderTest;

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api', VIGIL_SECRET_KEY: 'test-secret-key-0123456789' });
  });
  afterAll(() => vigil.close());

  it('refuses at PUT /config a costly rule and regexes RE2 cannot run, naming each path', async () => {
    expect(NESTED_ALL).toHaveLength(271);
    const doc = parse(EXAMPLE);
    doc.rules[0].when = NESTED_ALL;
    doc.rules[1].when = 'idc.state == "DEGRADED" && service.name.matches("(live)-\\\\1")';
    doc.services[0].checks[0].http = { ...doc.services[0].checks[0].http, bodyRegex: 'ok(?=")' };
    const res = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        {
          path: 'rules[0].when',
          message: expect.stringMatching(/^too costly to evaluate: up to [\d,]+ steps/),
        },
        {
          path: 'rules[1].when',
          message: expect.stringMatching(/^matches\(\): not a valid RE2 regular expression: invalid escape/),
        },
        {
          path: 'services[0].checks[0].http.bodyRegex',
          message: 'not a valid RE2 regular expression: invalid or unsupported Perl syntax: `(?=`',
        },
      ]),
    );
    expect((await call(vigil.url, 'GET', '/api/v1/config', { token: vigil.adminToken })).status).toBe(404);
  });

  it('takes the silences that stalled the notifier (RE2 runs them in linear time), refuses what RE2 cannot run', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = (value: string) =>
      call(vigil.url, 'POST', '/api/v1/silences', {
        token: vigil.adminToken,
        json: {
          matchers: [
            { label: 'service', op: '=~', value },
            { label: 'idc', op: '=', value: 'sha' },
          ],
          endsAt,
          comment: value,
        },
      });
    for (const value of ['(.*){24}!', '(.*.*.*.*.*.*.*.*.*.*)*!', '(a|aa)*$']) {
      expect((await silence(value)).status).toBe(201);
    }
    const refused = await silence('(live)-\\1');
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      {
        path: 'matchers[0].value',
        message: 'is not a valid RE2 regular expression: invalid escape sequence: `\\1`',
      },
    ]);
  });
});

/** The run-time bound: a rule whose evaluations overrun VIGIL_RULE_EVAL_BUDGET_MS is disabled. */
describe('rule evaluation budget (api, controller)', () => {
  let vigil: VigilUnderTest;
  // Within the cost limit, but 8,000 iterations per evaluation, once per service: SERVICES of them
  // take far over the budget on any machine, while the light rule's SERVICES comparisons stay far
  // under it even on a busy one (a budget of 1 ms once disabled the light rule too, in CI).
  const list = `[${Array.from({ length: 20 }, (_v, i) => i + 1).join(', ')}]`;
  const heavy = `${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c < idc.score + 100)))`;
  const SERVICES = 40;

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api,controller', VIGIL_RULE_EVAL_BUDGET_MS: '40' });
  });
  afterAll(() => vigil.close());

  it('disables the rule that overruns, with an event and a notification, while another rule fires', async () => {
    const notify = [{ type: 'notify', channels: ['hook'] }];
    const config = {
      apiVersion: 'vigil/v1',
      idcs: [{ name: 'sha', capacity: 10 }],
      services: Array.from({ length: SERVICES }, (_v, i) => ({
        name: `live-${i}`,
        endpoints: [{ idc: 'sha', name: 'a', url: 'http://127.0.0.1:9/' }],
        checks: [{ name: 'http', type: 'http' }],
      })),
      rules: [
        { name: 'heavy', when: heavy, for: '0s', actions: notify },
        { name: 'light', when: 'idc.name == "sha"', for: '0s', actions: notify },
      ],
      channels: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
    };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: config });
    expect(applied.status).toBe(200);
    const [event] = await poll(
      async () => {
        const res = await call(vigil.url, 'GET', '/api/v1/events?kind=rule', { token: vigil.adminToken });
        return res.body.items?.length ? res.body.items : undefined;
      },
      30_000,
      'the rule event',
    );
    expect(event).toMatchObject({
      kind: 'rule',
      before: 'enabled',
      after: 'disabled',
      reason: expect.stringMatching(/^rule heavy disabled: its evaluations took \d+ ms in one tick/),
      details: { rule: 'heavy', budgetMs: 40, evaluations: expect.any(Number) },
    });
    const notices = await poll(
      async () => {
        const rows = await vigil.sql<{ event: string; rule: string }>(
          `SELECT DISTINCT event, labels->>'rule' AS rule FROM notifications WHERE event LIKE 'rule.%' ORDER BY event, rule`,
        );
        const seen = rows.map((r) => `${r.event} ${r.rule}`);
        return seen.includes('rule.disabled heavy') && seen.includes('rule.notify light') ? seen : undefined;
      },
      30_000,
      'the rule.disabled and rule.notify notifications',
    );
    // Heavy may have fired for the services it reached before its time ran out; light never overran.
    expect(notices).not.toContain('rule.disabled light');
    // Disabled once, not again on every tick.
    const events = await call(vigil.url, 'GET', '/api/v1/events?kind=rule', { token: vigil.adminToken });
    expect(events.body.items).toHaveLength(1);
  });
});
