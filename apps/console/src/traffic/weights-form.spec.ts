import { checkWeights, initialWeightInputs, serverFieldErrors, weightChanges } from './weights-form';

describe('set-weights form', () => {
  it('starts from the weights in force, rounded, 0 for an IDC without one', () => {
    expect(initialWeightInputs(['sha', 'bjs', 'gz'], { sha: 66.7, bjs: 33.3 })).toEqual({
      sha: '67',
      bjs: '33',
      gz: '0',
    });
  });

  it('accepts whole percentages adding up to 100', () => {
    expect(checkWeights({ sha: '0', bjs: ' 100 ' })).toEqual({
      weights: { sha: 0, bjs: 100 },
      fieldErrors: {},
      total: 100,
      totalError: null,
    });
  });

  it('says by how much the sum misses 100', () => {
    const check = checkWeights({ sha: '60', bjs: '30' });
    expect(check.weights).toBeNull();
    expect(check.total).toBe(90);
    expect(check.totalError).toBe('The weights add up to 90%; they must add up to 100%.');
  });

  it('names each bad field and leaves the sum alone until they are fixed', () => {
    const check = checkWeights({ sha: '', bjs: '-5', gz: '12.5', hk: '150', sg: 'abc', fr: '50' });
    expect(check.fieldErrors).toEqual({
      sha: 'Enter a percentage from 0 to 100',
      bjs: 'Enter a number from 0 to 100',
      gz: 'Use a whole percentage',
      hk: 'At most 100',
      sg: 'Enter a number from 0 to 100',
    });
    expect(check.weights).toBeNull();
    expect(check.totalError).toBeNull();
  });

  it('puts the server’s 400 details at their fields', () => {
    const body = {
      statusCode: 400,
      message: 'Bad request',
      details: [
        { path: 'weights.sha', message: 'sha has no endpoints of the service' },
        { path: 'weights', message: 'at least one weight must be above 0' },
        { path: 'reason', message: 'must be at most 500 characters' },
        { path: 'weights.mars', message: 'unknown IDC' },
        { path: '', message: 'something else' },
      ],
    };
    expect(serverFieldErrors(body, ['sha', 'bjs'])).toEqual({
      fields: {
        sha: 'sha has no endpoints of the service',
        weights: 'at least one weight must be above 0',
        reason: 'must be at most 500 characters',
      },
      other: ['weights.mars: unknown IDC', 'something else'],
    });
    expect(serverFieldErrors({ message: 'x' }, ['sha'])).toEqual({ fields: {}, other: [] });
    expect(serverFieldErrors(null, ['sha'])).toEqual({ fields: {}, other: [] });
  });

  it('lists current → new per IDC, keeping IDCs only the current weights name', () => {
    expect(weightChanges(['sha', 'bjs'], { sha: 50, bjs: 50, old: 0 }, { sha: 0, bjs: 100 })).toEqual([
      { idc: 'sha', from: 50, to: 0 },
      { idc: 'bjs', from: 50, to: 100 },
      { idc: 'old', from: 0, to: 0 },
    ]);
  });
});
