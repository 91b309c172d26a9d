import { checkVantages, configVantages, quorumOf, serviceIdcs, serviceWeights } from './resolve';

const endpoints = [{ idc: 'sha' }, { idc: 'bjs' }, { idc: 'sha' }];

describe('effective defaults', () => {
  it('probes from every IDC when a check names no vantages', () => {
    const config = { idcs: [{ name: 'sha' }, { name: 'bjs' }] } as Parameters<typeof checkVantages>[0];
    expect(checkVantages(config, {})).toEqual(['sha', 'bjs']);
    expect(checkVantages(config, { vantages: ['bjs'] })).toEqual(['bjs']);
  });

  it('lists every vantage of a config once: its IDCs and those its checks name', () => {
    const config = {
      idcs: [{ name: 'sha' }, { name: 'bjs' }],
      services: [{ checks: [{}, { vantages: ['fra', 'sha'] }] }, { checks: [{ vantages: ['fra', 'nyc'] }] }],
    } as Parameters<typeof configVantages>[0];
    expect(configVantages(config)).toEqual(['sha', 'bjs', 'fra', 'nyc']);
  });

  it('lists the IDCs of a service once, in order of appearance', () => {
    expect(serviceIdcs({ endpoints })).toEqual(['sha', 'bjs']);
  });

  it('gives weight 1 to every IDC with endpoints when weights are not set', () => {
    expect(serviceWeights({ endpoints })).toEqual({ bjs: 1, sha: 1 });
    expect(serviceWeights({ endpoints, weights: { sha: 70, bjs: 30 } })).toEqual({ sha: 70, bjs: 30 });
  });

  it('uses a majority of live vantages unless quorum is set', () => {
    expect([1, 2, 3, 4, 5].map((n) => quorumOf({}, n))).toEqual([1, 2, 2, 3, 3]);
    expect(quorumOf({ quorum: 2 }, 5)).toBe(2);
  });
});
