import type { Env } from '@libs/config';
import { bullPrefix, QUEUES } from '@libs/queue';
import { CONFIG_CHANNEL, PUBLISHED_CONFIG_KEY, redisKey } from '@libs/runtime';

/**
 * The Redis ACL rules (for `ACL SETUSER <user> on >password ...rules`) of a remote prober of
 * `vantage` under VIGIL_REDIS_PREFIX `prefix`: the keys it uses and no others, the commands it and BullMQ's Lua scripts run and no
 * others. Scripts are checked against the same rules, key by key, so the key patterns cover every key
 * BullMQ touches in the two queues (jobs, wait, active, meta, events, marker, id, locks...).
 */
export function proberAclRules(prefix: string, vantage: string): string[] {
  // The key helpers read the prefix only.
  const env = { VIGIL_REDIS_PREFIX: prefix } as Env;
  const bull = bullPrefix(env);
  return [
    'resetkeys',
    'resetchannels',
    // Its vantage's probe ticks (BullMQ Queue + Worker), and its vantage's results queue (Queue):
    // not another vantage's, whose batches it could read or forge.
    `~${bull}:${QUEUES.probes(vantage)}:*`,
    `~${bull}:${QUEUES.results(vantage)}:*`,
    // Its heartbeats, one key per replica: the controller counts live vantages by them.
    `~${redisKey(env, 'probers', vantage)}:*`,
    // The config the API publishes: read only.
    `%R~${redisKey(env, PUBLISHED_CONFIG_KEY)}`,
    // The announcement of each applied version: subscribe only (PUBLISH is not granted).
    `&${redisKey(env, CONFIG_CHANNEL)}`,
    '-@all',
    '+@read',
    '+@write',
    '+@transaction',
    '-@dangerous',
    '-@admin',
    // Key names outside its patterns: not listed, not sampled.
    '-scan',
    '-randomkey',
    '-dbsize',
    // @write holds FUNCTION LOAD / DELETE / FLUSH, which change the whole server's functions.
    '-function',
    // BullMQ's Lua scripts, run with these same rights (no FUNCTION, no SCRIPT FLUSH / KILL).
    '+eval',
    '+evalsha',
    '+eval_ro',
    '+evalsha_ro',
    '+script|load',
    '+script|exists',
    // ioredis' ready check and BullMQ's version check read INFO (server facts, no key or value).
    '+info',
    '+ping',
    '+echo',
    '+hello',
    '+quit',
    '+reset',
    '+select',
    '+client|setname',
    '+client|getname',
    '+client|id',
    '+subscribe',
    '+unsubscribe',
  ];
}
