import { supersedes, type OpenAction } from './supersede';

const failback = (idc: string): OpenAction => ({ kind: 'failback', idc });

describe('supersedes', () => {
  it.each<[string, OpenAction[], string, string, boolean, number]>([
    ['no open action: any action goes ahead', [], 'failback', 'sha', true, 0],
    [
      'a shift away from sha supersedes failbacks of sha',
      [failback('sha'), failback('sha')],
      'shift-away',
      'sha',
      true,
      2,
    ],
    ['not a failback of another IDC', [failback('bjs')], 'shift-away', 'sha', false, 0],
    [
      'not a failback beside another open action',
      [failback('sha'), { kind: 'shift-away', idc: 'bjs' }],
      'shift-away',
      'sha',
      false,
      0,
    ],
    ['only a shift away supersedes', [failback('sha')], 'set-weights', 'sha', false, 0],
    ['a failback never supersedes one', [failback('sha')], 'failback', 'sha', false, 0],
  ])('%s', (_, open, kind, idc, proceed, superseded) => {
    const decision = supersedes(open, kind, idc);
    expect(decision.proceed).toBe(proceed);
    expect(decision.superseded).toHaveLength(superseded);
  });
});
