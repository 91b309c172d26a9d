#!/usr/bin/env node
'use strict';
// `npx vigil ...`: runs the compiled CLI (dist/, from `npm run build`); in a development checkout
// without a build it runs the TypeScript source through ts-node instead.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function loadCli() {
  if (existsSync(built)) return require(built);
  try {
    process.env.TS_NODE_PROJECT = join(root, 'tsconfig.json');
    require('ts-node').register({ transpileOnly: true });
    require('tsconfig-paths/register');
  } catch {
    process.stderr.write('vigil: run `npm run build` first\n');
    process.exit(1);
  }
  return require(join(root, 'apps', 'cli', 'src', 'main.ts'));
}

loadCli()
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
