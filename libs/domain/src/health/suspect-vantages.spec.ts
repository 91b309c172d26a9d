import { suspectVantages } from './suspect-vantages';

/** Rates from [vantage, failed, total] rows. */
const rates = (...rows: Array<[string, number, number]>) =>
  new Map(rows.map(([v, failed, total]) => [v, { failed, total }]));

describe('suspectVantages', () => {
  it.each<[string, Map<string, { failed: number; total: number }>, string[]]>([
    ['one vantage 90% failing vs 2% others', rates(['a', 90, 100], ['b', 2, 100], ['c', 2, 100]), ['a']],
    ['all failing everywhere: the services', rates(['a', 90, 100], ['b', 85, 100], ['c', 95, 100]), []],
    ['two vantages only: no majority to compare with', rates(['a', 90, 100], ['b', 2, 100]), []],
    ['too few samples on the odd one', rates(['a', 19, 19], ['b', 2, 100], ['c', 2, 100]), []],
    [
      'too few samples on the others: fewer than 3 compared',
      rates(['a', 90, 100], ['b', 0, 19], ['c', 2, 100]),
      [],
    ],
    ['others at 0%: the gap decides', rates(['a', 30, 100], ['b', 0, 100], ['c', 0, 100]), ['a']],
    ['gap too small (3% vs 1%)', rates(['a', 3, 100], ['b', 1, 100], ['c', 1, 100]), []],
    ['ratio too small (70% vs 40%)', rates(['a', 70, 100], ['b', 40, 100], ['c', 40, 100]), []],
    ['exactly 3x and 0.3 above', rates(['a', 45, 100], ['b', 15, 100], ['c', 15, 100]), ['a']],
    [
      'two of five: a minority',
      rates(['a', 90, 100], ['b', 80, 100], ['c', 2, 100], ['d', 1, 100], ['e', 3, 100]),
      ['a', 'b'],
    ],
    [
      'two of four: half is not a minority',
      rates(['a', 90, 100], ['b', 90, 100], ['c', 2, 100], ['d', 2, 100]),
      [],
    ],
    [
      'three of five: a majority, nobody',
      rates(['a', 90, 100], ['b', 90, 100], ['c', 90, 100], ['d', 2, 100], ['e', 2, 100]),
      [],
    ],
    ['nothing failing', rates(['a', 0, 100], ['b', 0, 100], ['c', 0, 100]), []],
    ['no data', rates(), []],
  ])('%s', (_label, input, suspects) => {
    expect([...suspectVantages(input)].sort()).toEqual(suspects);
  });

  it.each([
    [{}, []], // a has only 10 samples
    [{ minSamples: 10 }, ['a']],
    [{ minSamples: 10, ratio: 51 }, []],
    [{ minSamples: 10, minGap: 0.99 }, []],
  ])('options %j', (opts, suspects) => {
    const input = rates(['a', 10, 10], ['b', 1, 50], ['c', 1, 50]);
    expect([...suspectVantages(input, opts)]).toEqual(suspects);
  });
});
