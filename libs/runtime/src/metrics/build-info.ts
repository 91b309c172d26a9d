import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What `vigil_build_info` says of this process. */
export interface BuildInfo {
  version: string;
  revision: string;
  node_version: string;
}

/** Vigil's version: that of the nearest package.json named `vigil` up from `from` (source or dist/). */
export function vigilVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vigil' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** The labels of `vigil_build_info`; `revision` is empty when VIGIL_REVISION is unset. */
export function buildInfo(revision: string | undefined): BuildInfo {
  return { version: vigilVersion(), revision: revision ?? '', node_version: process.version };
}
