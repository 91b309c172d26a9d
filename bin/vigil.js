#!/usr/bin/env node
'use strict';
// `npx vigil ...`: runs the compiled CLI (apps/cli/src/main.ts, built by `npm run build`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('vigil: run `npm run build` first\n');
  process.exit(1);
}
require(main)
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
