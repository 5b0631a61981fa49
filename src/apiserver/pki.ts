// The cluster's certificates: a self-made CA, the API server's serving certificate and
// client certificates (the admin's first). ECDSA P-256 keys: quick to make (start-up
// stays fast) and understood by Go's TLS, so kubectl and client libraries accept them.

import { webcrypto, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

export interface ClusterPki {
  ca: KeyPairPem;
  serving: KeyPairPem;
  admin: KeyPairPem;
}

export interface ServingNames {
  dnsNames: string[];
  ips: string[];
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // a positive serial number
  return b.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
}

async function importKey(keyPemText: string): Promise<CryptoKey> {
  const b64 = keyPemText.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), algorithm, true, ['sign']);
}

export async function createCa(commonName: string): Promise<KeyPairPem> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys) };
}

export interface IssueOptions {
  commonName: string;
  /** Organisations: Kubernetes reads them as the user's groups. */
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
  usage: 'server' | 'client';
}

/** Issues a certificate signed by the CA. */
export async function issueCertificate(ca: KeyPairPem, opts: IssueOptions): Promise<KeyPairPem> {
  const keys = await newKeys();
  const caCert = new x509.X509Certificate(ca.certPem);
  const subject = [`CN=${opts.commonName}`, ...(opts.organizations ?? []).map((o) => `O=${o}`)].join(', ');
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([opts.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  const names = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.keyPem),
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys) };
}

async function readPair(dir: string, name: string): Promise<KeyPairPem | undefined> {
  try {
    return { certPem: await readFile(join(dir, `${name}.crt`), 'utf8'), keyPem: await readFile(join(dir, `${name}.key`), 'utf8') };
  } catch {
    return undefined;
  }
}

async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<void> {
  await writeFile(join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
  await writeFile(join(dir, `${name}.crt`), pair.certPem);
}

/** True when the certificate names every host and address the server must answer to. */
function coversNames(certPem: string, names: ServingNames): boolean {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return names.dnsNames.every((d) => san.includes(`DNS:${d}`)) && names.ips.every((ip) => san.includes(`IP Address:${ip}`));
}

/**
 * Loads the cluster's certificates from dir, making whichever are missing. A serving
 * certificate that no longer covers the server's names is issued anew from the same CA.
 */
export async function ensureClusterPki(dir: string, names: ServingNames): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await readPair(dir, 'ca');
  if (!ca) {
    ca = await createCa(`k8ts-ca@${Math.floor(Date.now() / 1000)}`);
    await writePair(dir, 'ca', ca);
  }
  let serving = await readPair(dir, 'serving');
  if (!serving || !coversNames(serving.certPem, names)) {
    serving = await issueCertificate(ca, { commonName: 'kube-apiserver', dnsNames: names.dnsNames, ips: names.ips, usage: 'server' });
    await writePair(dir, 'serving', serving);
  }
  let admin = await readPair(dir, 'admin');
  if (!admin) {
    admin = await issueCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
    await writePair(dir, 'admin', admin);
  }
  return { ca, serving, admin };
}
