import { inScope, RuleScope } from './scope';

const service = { name: 'live-edge', labels: { team: 'live', tier: 'edge' } };
const idc = { name: 'sha', labels: { region: 'east', tier: 'core' } };

describe('inScope', () => {
  it.each<[string, RuleScope | undefined, boolean]>([
    ['no scope', undefined, true],
    ['an empty scope', {}, true],
    ['the service by name', { services: ['vod', 'live-edge'] }, true],
    ['another service', { services: ['vod'] }, false],
    ['the IDC by name', { idcs: ['sha'] }, true],
    ['another IDC', { idcs: ['bjs', 'szx'] }, false],
    ['a service label', { labels: { team: 'live' } }, true],
    ['an IDC label', { labels: { region: 'east' } }, true],
    ['a service label and an IDC label', { labels: { team: 'live', region: 'east' } }, true],
    ['a label on either with this value', { labels: { tier: 'core' } }, true],
    ['a label value on neither', { labels: { tier: 'cache' } }, false],
    ['a label key on neither', { labels: { owner: 'x' } }, false],
    ['one of two labels missing', { labels: { team: 'live', region: 'west' } }, false],
    ['all constraints hold', { services: ['live-edge'], idcs: ['sha'], labels: { team: 'live' } }, true],
    ['the name holds but a label does not', { services: ['live-edge'], labels: { team: 'vod' } }, false],
    ['the labels hold but the IDC does not', { idcs: ['bjs'], labels: { team: 'live' } }, false],
    ['a label named like an Object property', { labels: { constructor: 'x' } }, false],
  ])('%s: %s', (_title, scope, expected) => {
    expect(inScope(scope, service, idc)).toBe(expected);
  });

  it('treats missing labels as none', () => {
    expect(inScope({ labels: { team: 'live' } }, { name: 'live-edge' }, { name: 'sha' })).toBe(false);
    expect(inScope({ services: ['live-edge'] }, { name: 'live-edge' }, { name: 'sha' })).toBe(true);
  });
});
