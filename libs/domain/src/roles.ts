/** API roles of people and tools, weakest first: each may do everything the ones before it may. */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
/**
 * Every role a key can have: the API roles, plus `webhook`, which may only post alerts to
 * `/api/v1/webhooks/*` (a monitoring system's key), and which no other role includes.
 */
export const KEY_ROLES = [...API_ROLES, 'webhook'] as const;
export type ApiRole = (typeof KEY_ROLES)[number];

/** Whether a key of `role` may call a route that requires `required`. */
export function roleAtLeast(role: ApiRole, required: ApiRole): boolean {
  if (role === 'webhook' || required === 'webhook') return role === required;
  return API_ROLES.indexOf(role) >= API_ROLES.indexOf(required);
}
