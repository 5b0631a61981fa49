import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { caHash, formatJoinToken, JoinTokenError, parseJoinToken, readOrCreateJoinToken, tokenMatches } from './token.js';

const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a token carries the SHA-256 of the CA bundle and the secret', () => {
  const token = formatJoinToken(caPem, '0123456789abcdef0123');
  assert.equal(token, `K10${createHash('sha256').update(caPem).digest('hex')}::server:0123456789abcdef0123`);
  assert.deepEqual(parseJoinToken(` ${token}\n`), { caHash: caHash(caPem), username: 'server', secret: '0123456789abcdef0123' });
});

test('malformed tokens are refused with a message that says what a token looks like', () => {
  for (const bad of ['', 'abcdef.0123456789abcdef', 'K10abc::server:0123456789abcdef', `K10${'a'.repeat(64)}::server:short`, `K10${'a'.repeat(64)}:server:0123456789abcdef`]) {
    assert.throws(() => parseJoinToken(bad), (e: unknown) => e instanceof JoinTokenError && /K10<sha256 of the CA>::server:<secret>/.test(e.message), bad);
  }
  assert.throws(() => parseJoinToken(`K10${'a'.repeat(64)}::node:0123456789abcdef`), /only "server" tokens/);
});

test('tokenMatches wants the same secret and the same CA hash', () => {
  const expected = parseJoinToken(formatJoinToken(caPem, 'secret-secret-secret'));
  assert.equal(tokenMatches(formatJoinToken(caPem, 'secret-secret-secret'), expected), true);
  assert.equal(tokenMatches(formatJoinToken(caPem, 'secret-secret-secreX'), expected), false);
  assert.equal(tokenMatches(formatJoinToken(caPem, 'secret-secret-secret-longer'), expected), false);
  assert.equal(tokenMatches(formatJoinToken(caPem + 'x', 'secret-secret-secret'), expected), false, 'a token for another CA');
  assert.equal(tokenMatches('secret-secret-secret', expected), false, 'the bare secret is not a token');
});

test('the server makes its token once, mode 0600, and keeps it across restarts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'token');
  const first = await readOrCreateJoinToken(path, caPem);
  assert.equal(parseJoinToken(first).caHash, caHash(caPem));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), first + '\n');
  assert.equal(await readOrCreateJoinToken(path, caPem), first);
  // A new CA keeps the secret, with the new hash.
  const other = await readOrCreateJoinToken(path, caPem + 'new');
  assert.equal(parseJoinToken(other).secret, parseJoinToken(first).secret);
  assert.equal(parseJoinToken(other).caHash, caHash(caPem + 'new'));
  // Garbage in the file is replaced by a fresh token.
  writeFileSync(path, 'garbage\n');
  const fresh = await readOrCreateJoinToken(path, caPem);
  assert.notEqual(parseJoinToken(fresh).secret, parseJoinToken(first).secret);
});
