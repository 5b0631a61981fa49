import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCa } from '../../apiserver/pki.js';
import { JoinRequestError, newCertificateRequest, parseJoinRequest, signNodeCertificates } from './node-certs.js';

test('a joining node gets client and serving certificates with the node subject, signed by the CA', async () => {
  const ca = await createCa('test-ca');
  const client = await newCertificateRequest('worker-1');
  const serving = await newCertificateRequest('worker-1');
  const issued = await signNodeCertificates(ca, { nodeName: 'worker-1', addresses: ['192.0.2.7'], clientCsr: client.csrPem, servingCsr: serving.csrPem });
  assert.equal(issued.caPem, ca.certPem);
  const caCert = new X509Certificate(ca.certPem);
  const c = new X509Certificate(issued.clientCert);
  const s = new X509Certificate(issued.servingCert);
  for (const cert of [c, s]) {
    assert.ok(cert.verify(caCert.publicKey));
    assert.deepEqual(cert.subject.split('\n').sort(), ['CN=system:node:worker-1', 'O=system:nodes']);
    assert.equal(cert.ca, false);
  }
  // The certificates are for the keys the agent kept.
  assert.ok(c.checkPrivateKey((await import('node:crypto')).createPrivateKey(client.keyPem)));
  assert.ok(s.checkPrivateKey((await import('node:crypto')).createPrivateKey(serving.keyPem)));
  assert.equal(c.subjectAltName, undefined);
  assert.equal(s.subjectAltName, 'DNS:worker-1, IP Address:192.0.2.7');
  assert.ok(c.checkIP('192.0.2.7') === undefined);
  assert.equal(s.checkIP('192.0.2.7'), '192.0.2.7');
  assert.ok((c.keyUsage ?? []).includes('1.3.6.1.5.5.7.3.2'), 'client auth');
  assert.ok((s.keyUsage ?? []).includes('1.3.6.1.5.5.7.3.1'), 'server auth');
  const lifeDays = (Date.parse(c.validTo) - Date.now()) / 86_400_000;
  assert.ok(lifeDays > 360 && lifeDays < 366);
});

test('the subject is the server\'s choice, whatever the request asks for', async () => {
  const ca = await createCa('test-ca');
  const sneaky = await newCertificateRequest('admin');
  const issued = await signNodeCertificates(ca, { nodeName: 'worker-2', addresses: ['192.0.2.8'], clientCsr: sneaky.csrPem, servingCsr: sneaky.csrPem });
  assert.match(new X509Certificate(issued.clientCert).subject, /CN=system:node:worker-2/);
});

test('a request not signed by its own key is refused', async () => {
  const ca = await createCa('test-ca');
  const good = await newCertificateRequest('worker-3');
  const der = Buffer.from(good.csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 5] ^= 0xff; // inside the signature
  const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(signNodeCertificates(ca, { nodeName: 'worker-3', addresses: ['192.0.2.9'], clientCsr: bad, servingCsr: good.csrPem }), JoinRequestError);
  await assert.rejects(signNodeCertificates(ca, { nodeName: 'worker-3', addresses: ['192.0.2.9'], clientCsr: 'not pem', servingCsr: good.csrPem }), /not a PEM certificate request/);
});

test('join requests are checked before anything is signed', () => {
  const ok = { nodeName: 'n1', addresses: ['10.0.0.1'], clientCsr: 'x', servingCsr: 'y' };
  assert.deepEqual(parseJoinRequest(ok), ok);
  assert.throws(() => parseJoinRequest(null), JoinRequestError);
  assert.throws(() => parseJoinRequest({ ...ok, nodeName: 'Upper' }), /invalid node name/);
  assert.throws(() => parseJoinRequest({ ...ok, nodeName: 'a/b' }), /invalid node name/);
  assert.throws(() => parseJoinRequest({ ...ok, addresses: [] }), /addresses/);
  assert.throws(() => parseJoinRequest({ ...ok, addresses: ['node.example'] }), /addresses/);
  assert.throws(() => parseJoinRequest({ ...ok, clientCsr: 3 }), /PEM certificate requests/);
});
