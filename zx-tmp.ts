import { readFileSync } from 'node:fs';
import { parseConfigText } from './libs/config/src/parse';
import { validateConfig } from './libs/config/src/validate';
const p = parseConfigText(readFileSync('examples/multi-idc.yaml', 'utf8'), 'yaml');
if (!p.ok) { console.log(p.details); process.exit(1); }
const v = validateConfig(p.value);
console.log(v.ok ? JSON.stringify(v.config.services[0], null, 1).slice(0, 2500) : v.details);
const bad: any = JSON.parse(JSON.stringify(p.value));
bad.idcs[0].capcity = 3; bad.services[0].endpoints[0].idc = 'shx'; bad.services[0].checks[0].timeout = '5s'; bad.services[0].checks[0].tcp = {};
bad.services[0].checks[1].type = 'htp'; bad.services[1].weights = { sha: 0, bjs: 0 }; bad.rules[0].actions[1].channels[1] = 'pager';
bad.services.push({ ...bad.services[3] }); bad.channels[0].secret = { secretRef: 'lower' }; bad.services[2].endpoints[0].url = 'http://x';
bad.services[2].checks[0].interval = '500ms'; bad.rules[1].mode = 'enforcing'; bad.services[3].checks[0].dns = undefined;
console.log(validateConfig(bad));
console.log(validateConfig(null), validateConfig({ apiVersion: 'v1', idcs: [] }));
