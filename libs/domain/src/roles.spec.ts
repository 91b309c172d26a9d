import { API_ROLES, roleAtLeast } from './roles';

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
  ] as const)('%s meets %s: %s', (role, required, expected) => {
    expect(roleAtLeast(role, required)).toBe(expected);
  });

  it('orders the roles weakest first', () => {
    expect(API_ROLES).toEqual(['viewer', 'operator', 'admin']);
  });
});
