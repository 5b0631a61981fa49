import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostUpstreams, parseResolvConf } from './resolv.js';
import { parseEndpoint } from './transport.js';

test('nameservers from resolv.conf, skipping the server itself', (t) => {
  assert.deepEqual(parseResolvConf('# c\nsearch a.b\nnameserver 10.0.0.2\n  nameserver fe80::1%eth0\noptions ndots:5\n'), ['10.0.0.2', 'fe80::1']);
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-resolv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'resolv.conf');
  writeFileSync(path, 'nameserver 10.43.0.10\nnameserver 1.1.1.1\n');
  assert.deepEqual(hostUpstreams([{ address: '10.43.0.10', port: 53 }], path), [{ address: '1.1.1.1', port: 53 }]);
  assert.deepEqual(hostUpstreams([], join(dir, 'missing')), []);
});

test('upstream endpoints in text', () => {
  assert.deepEqual(parseEndpoint('127.0.0.1:5353'), { address: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseEndpoint('10.0.0.1'), { address: '10.0.0.1', port: 53 });
  assert.deepEqual(parseEndpoint('[::1]:5300'), { address: '::1', port: 5300 });
  assert.deepEqual(parseEndpoint('fd00::1'), { address: 'fd00::1', port: 53 });
});
