import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsFromDockerConfig, parseWwwAuthenticate } from './credentials.js';
import { tempDir } from './testing/fixtures.js';

test('credentials come from a docker-style config file', async (t) => {
  const path = join(await tempDir(t), 'config.json');
  await writeFile(path, JSON.stringify({
    auths: {
      '127.0.0.1:5000': { auth: Buffer.from('alice:s3:cret').toString('base64') },
      'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
    },
  }));
  assert.deepEqual(await credentialsFromDockerConfig(path, '127.0.0.1:5000'), { username: 'alice', password: 's3:cret' });
  assert.deepEqual(await credentialsFromDockerConfig(path, 'docker.io'), { username: 'hub', password: 'pw' });
  assert.equal(await credentialsFromDockerConfig(path, 'quay.io'), undefined);
  assert.equal(await credentialsFromDockerConfig(join(path, 'missing'), 'quay.io'), undefined);
});

test('WWW-Authenticate challenges parse with quoted and bare values', () => {
  const c = parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"');
  assert.equal(c?.scheme, 'bearer');
  assert.deepEqual(c?.params, { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' });
  assert.deepEqual(parseWwwAuthenticate('Basic realm=reg')?.params, { realm: 'reg' });
});
