import type { ProbeResult } from '@libs/queue';
import { acceptedResults } from './accepted-results';

const result = (vantage: string, endpoint = 'web.sha-1'): ProbeResult =>
  ({ vantage, endpoint, check: 'http', scheduledAt: 1, startedAt: 1, latencyMs: 3, ok: true }) as ProbeResult;

describe('acceptedResults', () => {
  it('keeps a batch whose results are all of the queue vantage', () => {
    const batch = [result('sha'), result('sha', 'web.bjs-1')];
    expect(acceptedResults('sha', batch)).toEqual({ accepted: batch, rejected: 0 });
  });

  it('drops the results that claim another vantage, and counts them', () => {
    const own = result('sha');
    expect(acceptedResults('sha', [result('bjs'), own, result('fra')])).toEqual({
      accepted: [own],
      rejected: 2,
    });
  });

  it('drops a vantage that only starts like the queue one', () => {
    expect(acceptedResults('sha', [result('shanghai'), result('')])).toEqual({ accepted: [], rejected: 2 });
  });
});
