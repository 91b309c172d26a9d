import { severityAtLeast } from './severity';
import type { Severity } from './types';

describe('severityAtLeast', () => {
  it.each<[Severity, Severity, boolean]>([
    ['info', 'info', true],
    ['info', 'warning', false],
    ['warning', 'info', true],
    ['warning', 'warning', true],
    ['warning', 'error', false],
    ['error', 'warning', true],
    ['error', 'critical', false],
    ['critical', 'critical', true],
    ['critical', 'info', true],
  ])('%s at least %s: %s', (a, min, expected) => {
    expect(severityAtLeast(a, min)).toBe(expected);
  });
});
