// A node's certificates, signed by the cluster CA from the certificate requests the
// agent sends when it joins. The agent keeps its private keys; the server reads only
// the public key from each request (after checking the request's own signature) and
// decides the subject itself: CN `system:node:<name>`, O `system:nodes`, as kubelet
// certificates carry. The serving certificate names the node and its addresses, so
// the API server can verify the node's streaming server when it dials it.

import { isIP } from 'node:net';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyPairPem } from '../../apiserver/pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Kubernetes' kubelet certificates live a year; an agent joins again to renew. */
export const nodeCertificateLifetimeMs = 365 * 24 * 3600 * 1000;

export class JoinRequestError extends Error {
  override name = 'JoinRequestError';
}

/** What an agent sends to join: its node's name and addresses, and two PKCS#10 requests. */
export interface JoinRequest {
  nodeName: string;
  addresses: string[];
  clientCsr: string;
  servingCsr: string;
}

/** What it gets back: the CA and its two certificates (PEM). */
export interface JoinResponse {
  caPem: string;
  clientCert: string;
  servingCert: string;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function nodeUser(nodeName: string): { commonName: string; organization: string } {
  return { commonName: `system:node:${nodeName}`, organization: 'system:nodes' };
}

/** Checks the shape of a join request body; throws JoinRequestError naming what is wrong. */
export function parseJoinRequest(body: unknown): JoinRequest {
  if (typeof body !== 'object' || body === null) throw new JoinRequestError('join request: want a JSON object');
  const b = body as Record<string, unknown>;
  const { nodeName, addresses, clientCsr, servingCsr } = b;
  if (typeof nodeName !== 'string' || nodeName.length > 253 || !dns1123Subdomain.test(nodeName)) {
    throw new JoinRequestError(`join request: invalid node name ${JSON.stringify(nodeName)}: want a lower-case DNS subdomain`);
  }
  if (!Array.isArray(addresses) || addresses.length === 0 || addresses.length > 16 || !addresses.every((a) => typeof a === 'string' && isIP(a) !== 0)) {
    throw new JoinRequestError('join request: addresses must list the node\'s IP addresses');
  }
  if (typeof clientCsr !== 'string' || typeof servingCsr !== 'string') throw new JoinRequestError('join request: clientCsr and servingCsr must be PEM certificate requests');
  return { nodeName, addresses: addresses as string[], clientCsr, servingCsr };
}

async function importCaKey(keyPem: string): Promise<CryptoKey> {
  const b64 = keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), algorithm, false, ['sign']) as Promise<CryptoKey>;
}

async function verifiedRequest(pemText: string, which: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pemText);
  } catch {
    throw new JoinRequestError(`join request: ${which} is not a PEM certificate request`);
  }
  // The signature proves the sender holds the private key of the key it asks us to certify.
  if (!(await csr.verify())) throw new JoinRequestError(`join request: ${which} is not signed by its own key`);
  return csr;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

async function sign(ca: KeyPairPem, csr: x509.Pkcs10CertificateRequest, nodeName: string, usage: 'client' | 'server', addresses: string[]): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const user = nodeUser(nodeName);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (usage === 'server') {
    extensions.push(new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: nodeName },
      ...addresses.map((value) => ({ type: 'ip' as const, value })),
    ]));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${user.commonName}, O=${user.organization}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + nodeCertificateLifetimeMs),
    signingAlgorithm: algorithm,
    publicKey: csr.publicKey,
    signingKey: await importCaKey(ca.keyPem),
    extensions,
  });
  return cert.toString('pem') + '\n';
}

/** Signs a joining node's client and serving certificates with the cluster CA. */
export async function signNodeCertificates(ca: KeyPairPem, req: JoinRequest): Promise<JoinResponse> {
  const clientCsr = await verifiedRequest(req.clientCsr, 'clientCsr');
  const servingCsr = await verifiedRequest(req.servingCsr, 'servingCsr');
  return {
    caPem: ca.certPem,
    clientCert: await sign(ca, clientCsr, req.nodeName, 'client', []),
    servingCert: await sign(ca, servingCsr, req.nodeName, 'server', req.addresses),
  };
}

/** A new key pair and a certificate request for it (the agent's side). */
export async function newCertificateRequest(nodeName: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const user = nodeUser(nodeName);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${user.commonName}, O=${user.organization}`, keys, signingAlgorithm: algorithm });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return { csrPem: csr.toString('pem') + '\n', keyPem: `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n` };
}
