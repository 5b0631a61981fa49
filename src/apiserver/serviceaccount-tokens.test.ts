import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ServiceAccountTokens } from './serviceaccount-tokens.js';

const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

test('issued tokens authenticate as the service account until they expire', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const tokens = new ServiceAccountTokens(keyPem, undefined, () => now);
  const { token, expiresAt } = tokens.issue({ namespace: 'apps', serviceAccount: { name: 'web', uid: 'u1' }, audiences: ['https://kubernetes.default.svc'], expirationSeconds: 600 });
  assert.equal(expiresAt.toISOString(), '2026-01-01T00:10:00.000Z');
  assert.deepEqual(tokens.authenticate(token), { username: 'system:serviceaccount:apps:web', uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:apps'] });
  now = new Date('2026-01-01T00:11:00Z');
  assert.equal(tokens.authenticate(token), undefined, 'expired');
});

test('tampered or foreign tokens are refused', () => {
  const tokens = new ServiceAccountTokens(keyPem);
  const { token } = tokens.issue({ namespace: 'a', serviceAccount: { name: 'b', uid: 'c' }, audiences: [], expirationSeconds: 60 });
  const [h, p, s] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'x' })).toString('base64url');
  assert.equal(tokens.authenticate(`${h}.${forged}.${s}`), undefined);
  const other = new ServiceAccountTokens(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  assert.equal(other.authenticate(token), undefined);
  assert.equal(tokens.authenticate('not-a-jwt'), undefined);
});
