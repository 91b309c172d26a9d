import { createVigilApiClient } from './client';

describe('createVigilApiClient', () => {
  it('sends the key as a bearer token to the typed path under baseUrl, and parses the body', async () => {
    const seen: Request[] = [];
    const client = createVigilApiClient({
      baseUrl: 'https://vigil.example.com/',
      token: 'vgl_test',
      fetch: async (request) => {
        seen.push(request);
        return Response.json({ service: 'live-edge', idcs: [] });
      },
    });
    const { data, error } = await client.GET('/api/v1/services/{name}/status', {
      params: { path: { name: 'live-edge' }, query: { state: 'UNHEALTHY' } },
    });
    expect(error).toBeUndefined();
    expect(data?.service).toBe('live-edge');
    expect(seen[0].url).toBe('https://vigil.example.com/api/v1/services/live-edge/status?state=UNHEALTHY');
    expect(seen[0].headers.get('authorization')).toBe('Bearer vgl_test');
  });

  it('returns the documented error body', async () => {
    const client = createVigilApiClient({
      baseUrl: 'http://localhost:3000',
      token: 'vgl_test',
      fetch: async () =>
        Response.json({ statusCode: 404, error: 'Not Found', message: 'no action x' }, { status: 404 }),
    });
    const { data, error } = await client.GET('/api/v1/actions/{id}', { params: { path: { id: 'x' } } });
    expect(data).toBeUndefined();
    expect(error?.message).toBe('no action x');
  });
});
