import { call } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

describe('dump', () => {
  let vigil: VigilUnderTest;
  beforeAll(async () => {
    vigil = await startVigil();
  });
  afterAll(() => vigil.close());
  it('dumps', async () => {
    const router = vigil.app.getHttpAdapter().getInstance().router as any;
    console.log(router.stack.map((l: any) => l.route ? `${Object.keys(l.route.methods).join(',')} ${l.route.path}` : `mw ${l.name} ${l.regexp ?? l.matchers}`).join('\n'));
    for (const [m, p] of [['PUT', '/api/v1/audit'], ['DELETE', '/api/v1/audit'], ['PATCH', '/api/v1/audit/1'], ['POST', '/api/v1/audit']]) {
      const r = await call(vigil.url, m, p, { token: vigil.adminToken });
      const r2 = await call(vigil.url, m, p);
      console.log(m, p, r.status, r.text, r2.status, r2.text);
    }
    const k = await call(vigil.url, 'POST', '/api/v1/api-keys', { token: vigil.adminToken, json: { name: 'a', role: 'viewer' } });
    console.log(k.status, k.body);
    console.log((await call(vigil.url, 'GET', '/docs/', { token: k.body.token })).status);
  });
});
