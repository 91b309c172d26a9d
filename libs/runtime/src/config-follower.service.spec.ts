import { loadEnv, validateConfig, type StoredConfig } from '@libs/config';
import type { ConfigVersionEntity } from '@libs/persistence';
import type Redis from 'ioredis';
import type { ConfigSource } from './config-source';
import { ConfigFollower } from './config-follower.service';

const document = (() => {
  const result = validateConfig({
    apiVersion: 'vigil/v1',
    idcs: [{ name: 'sha', capacity: 10 }],
    services: [
      {
        name: 'live',
        endpoints: [{ idc: 'sha', name: 'a', url: 'http://127.0.0.1:1/' }],
        checks: [{ name: 'http', type: 'http' }],
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
})();

describe('ConfigFollower', () => {
  let newest: number;
  let store: { newestVersion: jest.Mock; head: jest.Mock; read: ConfigSource['read'] };
  let follower: ConfigFollower;
  let seen: number[];

  beforeEach(() => {
    newest = 0;
    store = {
      newestVersion: jest.fn(async () => newest),
      head: jest.fn(async () => ({ version: newest, document }) as unknown as ConfigVersionEntity),
      read: (doc) => doc as StoredConfig,
    };
    follower = new ConfigFollower(loadEnv({}), {} as Redis, store);
    seen = [];
    follower.onConfig((config: StoredConfig, version) => {
      expect(config.services[0].name).toBe('live');
      seen.push(version);
    });
  });

  it('reads no document while there is no version newer than the one it follows', async () => {
    await follower.refresh();
    newest = 3;
    await follower.refresh();
    await follower.refresh();
    await follower.refresh();
    expect(seen).toEqual([3]);
    expect(store.newestVersion).toHaveBeenCalledTimes(4);
    expect(store.head).toHaveBeenCalledTimes(1);
  });

  it('hands each newer version to the listeners, in order', async () => {
    newest = 1;
    await follower.refresh();
    newest = 2;
    await follower.refresh();
    expect(seen).toEqual([1, 2]);
    expect(follower.version).toBe(2);
  });
});
