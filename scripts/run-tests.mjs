#!/usr/bin/env node
// Runs the compiled tests with Node's own test runner.
//   node scripts/run-tests.mjs          unit tests, then end-to-end tests
//   node scripts/run-tests.mjs unit     only the *.test.js files under dist/src
//   node scripts/run-tests.mjs e2e      only the *.test.js files under dist/test/e2e
// Unit tests run in parallel; end-to-end tests one file at a time, because they start
// servers, containers and network namespaces that share the one machine.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];
// Tests that program the host's network (netns, bridges, nftables) run one at a time
// after the others, so that no two of them rewrite the same kernel state at once.
const serial = (f) => f.includes('/network/') || f.endsWith('kubelet-oci.test.js');
const suites = [];
if (which === 'all' || which === 'unit') {
  const unit = findTests('dist/src');
  suites.push({ files: unit.filter((f) => !serial(f)), concurrency: 2 });
  suites.push({ files: unit.filter(serial), concurrency: 1 });
}
if (which === 'all' || which === 'e2e') suites.push({ files: findTests('dist/test/e2e'), concurrency: 1 });

let failed = false;
for (const suite of suites) {
  const files = filter ? suite.files.filter((f) => f.includes(filter)) : suite.files;
  if (files.length === 0) continue;
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${suite.concurrency}`, ...files], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
