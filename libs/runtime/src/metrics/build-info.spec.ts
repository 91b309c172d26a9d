import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInfo, vigilVersion } from './build-info';

describe('build info', () => {
  it("reads the version of the nearest package.json named vigil, skipping other packages'", () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-version-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'vigil', version: '9.8.7' }));
    const nested = join(root, 'node_modules', 'dep', 'lib');
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(root, 'node_modules', 'dep', 'package.json'),
      JSON.stringify({ name: 'dep', version: '1.0.0' }),
    );
    expect(vigilVersion(nested)).toBe('9.8.7');
  });

  it('says the revision given, or an empty one, and the Node.js version', () => {
    expect(buildInfo('abc123')).toMatchObject({ revision: 'abc123', node_version: process.version });
    expect(buildInfo(undefined).revision).toBe('');
    expect(buildInfo(undefined).version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
