import { call } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** Values that Number() or a lax parser would take, or that overflow int8 or a Date. */
const HOSTILE = ['1e20', '9999999999999999999', '-1', '1.5', 'NaN', '', '0x10'];

interface Parameter {
  name: string;
  in: string;
  schema?: { type?: string; pattern?: string; minimum?: number; maximum?: number };
}

/** One numeric input of one route, as the OpenAPI document lists it. */
interface NumericInput {
  method: string;
  path: string;
  where: 'query' | 'path';
  name: string;
  /** One past each end of the documented range, if it has one (99999999999 for an int4). */
  outside: string[];
}

/** A number, or text that holds one: an integer schema, or a string whose pattern is made of digits. */
const isNumeric = (p: Parameter) =>
  p.schema?.type === 'integer' ||
  p.schema?.type === 'number' ||
  (p.schema?.type === 'string' && /\\d|\[0-9\]/.test(p.schema.pattern ?? ''));

const outside = (p: Parameter) => [
  ...(p.schema?.minimum ? [String(p.schema.minimum - 1)] : []),
  ...(p.schema?.maximum === undefined ? [] : [String(p.schema.maximum + 1)]),
];

describe('numeric inputs are bounded: 400 naming the parameter, never 500', () => {
  let vigil: VigilUnderTest;
  let inputs: NumericInput[];
  const get = (path: string) => call(vigil.url, 'GET', path, { token: vigil.adminToken });

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    const doc = (await get('/docs-json')).body as {
      paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
    };
    inputs = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, op]) =>
        (op.parameters ?? [])
          .filter((p) => (p.in === 'query' || p.in === 'path') && isNumeric(p))
          .map((p) => ({
            method: method.toUpperCase(),
            path,
            where: p.in as 'query' | 'path',
            name: p.name,
            outside: outside(p),
          })),
      ),
    );
  });
  afterAll(async () => {
    await vigil?.close();
  });

  /** The route with its other path parameters at a valid value, and `name` at `value`. */
  const send = (input: NumericInput, value: string) => {
    let path = input.path.replace(/\{(\w+)\}/g, (_, param: string) =>
      input.where === 'path' && param === input.name ? encodeURIComponent(value) : '1',
    );
    if (input.where === 'query') path += `?${input.name}=${encodeURIComponent(value)}`;
    return call(vigil.url, input.method, path, { token: vigil.adminToken });
  };

  it('finds the numeric inputs in the OpenAPI document, those of the report among them', () => {
    const found = inputs.map((i) => `${i.method} ${i.path} ${i.name}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'GET /api/v1/config/versions offset',
        'GET /api/v1/config/versions/{n} n',
        'GET /api/v1/config/versions/{n}/diff n',
        'GET /api/v1/config/versions/{n}/diff against',
        'POST /api/v1/config/versions/{n}/restore n',
        'GET /api/v1/audit before',
        'GET /api/v1/endpoints offset',
        'GET /api/v1/events limit',
        'GET /api/v1/events from',
        'GET /api/v1/endpoints/{id}/history to',
        'GET /api/v1/reports/availability from',
      ]),
    );
  });

  it('answers every hostile value of every numeric input with a 400 that names it', async () => {
    const wrong: string[] = [];
    for (const input of inputs) {
      // An empty path segment is another route (or none), not this parameter.
      const hostile = input.where === 'path' ? HOSTILE.filter((v) => v !== '') : HOSTILE;
      for (const value of [...input.outside, ...hostile]) {
        const res = await send(input, value);
        const named =
          res.body?.details?.[0]?.path === input.name &&
          String(res.body.message).startsWith(`${input.name}:`);
        if (res.status !== 400 || !named) {
          wrong.push(
            `${input.method} ${input.path} ${input.name}=${JSON.stringify(value)}: ${res.status} ${res.text}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('says the range in the message', async () => {
    expect((await get('/api/v1/config/versions?offset=1e20')).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'offset: must be an integer from 0 to 2147483647',
      details: [{ path: 'offset', message: 'must be an integer from 0 to 2147483647' }],
      requestId: expect.any(String),
    });
    expect((await get('/api/v1/audit?before=9999999999999999999')).body.message).toBe(
      'before: must be an integer from 1 to 9223372036854775807',
    );
    expect((await get('/api/v1/config/versions/99999999999')).body.message).toBe(
      'n: must be an integer from 1 to 2147483647',
    );
    expect((await get('/api/v1/config/versions/1/diff?against=99999999999')).body.message).toBe(
      'against: must be an integer from 0 to 2147483647',
    );
    expect((await get('/api/v1/events?from=253402300800000')).body.message).toMatch(
      /^from: must be a time from 1970-01-01 to 9999-12-31/,
    );
  });

  it('takes the largest value of each range without a 500', async () => {
    const largest: Array<[string, number]> = [
      ['/api/v1/config/versions?offset=2147483647', 200],
      ['/api/v1/config/versions/2147483647', 404],
      ['/api/v1/config/versions/2147483647/diff?against=2147483647', 404],
      ['/api/v1/audit?before=9223372036854775807', 200],
      ['/api/v1/events?from=0&to=253402300799999', 200],
      ['/api/v1/events?to=9999-12-31T23:59:59.999Z', 200],
    ];
    const got = [];
    for (const [path] of largest) got.push((await get(path)).status);
    expect(got).toEqual(largest.map(([, status]) => status));
  });

  it('refuses cursors that carry numbers out of range, and takes the largest in range', async () => {
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const events = await get(`/api/v1/events?cursor=${cursor('ev1:9223372036854775808')}`);
    expect([events.status, events.body.details?.[0]?.path]).toEqual([400, 'cursor']);
    expect((await get(`/api/v1/events?cursor=${cursor('ev1:9223372036854775807')}`)).status).toBe(200);
    expect((await get(`/api/v1/alerts?cursor=${cursor('al1:999999999999999999:x')}`)).status).toBe(200);
  });
});
