import { API_ROLES, KEY_ROLES, roleAtLeast } from './roles';

describe('roleAtLeast', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
    ['webhook', 'viewer', false],
    ['webhook', 'webhook', true],
    ['admin', 'webhook', false],
    ['viewer', 'webhook', false],
  ] as const)('%s meets %s: %s', (role, required, expected) => {
    expect(roleAtLeast(role, required)).toBe(expected);
  });

  it('orders the roles weakest first', () => {
    expect(API_ROLES).toEqual(['viewer', 'operator', 'admin']);
    expect(KEY_ROLES).toEqual([...API_ROLES, 'webhook']);
  });
});
