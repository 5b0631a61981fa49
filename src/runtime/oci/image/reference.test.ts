import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, parseReference, registryHost } from './reference.js';
import { InvalidReferenceError } from './errors.js';

test('short names normalise like Docker', () => {
  assert.equal(formatReference(parseReference('busybox')), 'docker.io/library/busybox:latest');
  assert.equal(formatReference(parseReference('user/app:1.2')), 'docker.io/user/app:1.2');
  assert.equal(formatReference(parseReference('index.docker.io/library/nginx')), 'docker.io/library/nginx:latest');
  assert.equal(registryHost(parseReference('busybox').domain), 'registry-1.docker.io');
});

test('registry hosts with ports, localhost and digests', () => {
  const r = parseReference('127.0.0.1:5000/x/y:tag');
  assert.deepEqual(r, { domain: '127.0.0.1:5000', path: 'x/y', tag: 'tag' });
  assert.equal(parseReference('localhost/app').domain, 'localhost');
  const hex = 'a'.repeat(64);
  const d = parseReference(`quay.io/a/b@sha256:${hex}`);
  assert.equal(d.digest, `sha256:${hex}`);
  assert.equal(d.tag, undefined);
  assert.equal(parseReference(`b:1@sha256:${hex}`).tag, '1');
  assert.deepEqual(parseReference('[::1]:5000/app'), { domain: '[::1]:5000', path: 'app', tag: 'latest' });
});

test('bad references are refused with a named error', () => {
  for (const bad of ['', 'UPPER', 'a/b:bad tag', 'x@sha256:short', 'a//b', 'a:b:c']) {
    assert.throws(() => parseReference(bad), InvalidReferenceError, bad);
  }
});
