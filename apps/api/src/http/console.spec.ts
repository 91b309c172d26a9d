import { join, resolve } from 'node:path';
import { consoleDir } from './console';

describe('consoleDir', () => {
  it('is VIGIL_CONSOLE_DIR when set, made absolute', () => {
    expect(consoleDir({ VIGIL_CONSOLE_DIR: '/srv/console' })).toBe('/srv/console');
    expect(consoleDir({ VIGIL_CONSOLE_DIR: 'console' })).toBe(resolve('console'));
  });

  it('is dist/apps/console beside the compiled server', () => {
    expect(consoleDir({}, '/opt/vigil/dist/apps/api/src/http')).toBe('/opt/vigil/dist/apps/console');
  });

  it("is the repository's dist/apps/console when run from source", () => {
    expect(consoleDir({}, '/src/vigil/apps/api/src/http')).toBe('/src/vigil/dist/apps/console');
    expect(consoleDir({})).toBe(join(__dirname, '..', '..', '..', '..', 'dist', 'apps', 'console'));
  });
});
