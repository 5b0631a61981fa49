import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureDnsAddress, removeDnsAddress } from './address.js';

const run = promisify(execFile);

// Runs in a network namespace of its own, so the host's links are never touched.
test('ensureDnsAddress makes an up dummy link with the /32, twice without harm; removeDnsAddress deletes it', async (t) => {
  const ns = `k8ts-dnstest-${process.pid}`;
  await run('ip', ['netns', 'add', ns]);
  t.after(async () => {
    await run('ip', ['netns', 'del', ns]);
  });
  await ensureDnsAddress('10.43.0.10', 'k8ts-dns', { netns: ns });
  await ensureDnsAddress('10.43.0.10', 'k8ts-dns', { netns: ns });
  const link = (await run('ip', ['-n', ns, '-d', 'link', 'show', 'dev', 'k8ts-dns'])).stdout;
  // dummy, or a bridge on kernels without the dummy driver (as this test machine's).
  assert.match(link, /\n\s+(dummy|bridge) /);
  assert.match(link, /state (UP|UNKNOWN)/);
  const addrs = (await run('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', 'k8ts-dns'])).stdout.trim().split('\n');
  assert.equal(addrs.length, 1);
  assert.match(addrs[0]!, / 10\.43\.0\.10\/32 /);
  const route = (await run('ip', ['-n', ns, 'route', 'get', '10.43.0.10'])).stdout;
  assert.match(route, /^local 10\.43\.0\.10 dev lo/);
  await removeDnsAddress('k8ts-dns', { netns: ns });
  await removeDnsAddress('k8ts-dns', { netns: ns });
  await assert.rejects(run('ip', ['-n', ns, 'link', 'show', 'dev', 'k8ts-dns']));
});
