// The agent's node credentials in its data dir, made once by joining and reused on
// every later start:
//   <data-dir>/agent/tls/ca.crt                          the cluster CA
//   <data-dir>/agent/tls/client-kubelet.{crt,key}        system:node:<name> for the API server
//   <data-dir>/agent/tls/serving-kubelet.{crt,key}       the streaming server's certificate
//   <data-dir>/agent/kubelet.kubeconfig                  the client certificate as a kubeconfig
// Stored credentials are reused only while they still fit: the same node name, signed
// by the stored CA, not about to expire, and naming every address the node has now.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyPairPem } from '../../apiserver/pki.js';
import { writeKubeconfig } from '../../client/kubeconfig.js';
import { fetchClusterCa, requestNodeCertificates } from './client.js';
import { newCertificateRequest, nodeUser } from './node-certs.js';

export interface NodeCredentials {
  caPem: string;
  client: KeyPairPem;
  serving: KeyPairPem;
}

/** Credentials this close to expiring are replaced by joining again. */
const renewBeforeMs = 24 * 3600 * 1000;

export function credentialsDir(dataDir: string): string {
  return join(dataDir, 'agent', 'tls');
}

export function nodeKubeconfigPath(dataDir: string): string {
  return join(dataDir, 'agent', 'kubelet.kubeconfig');
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function subjectField(cert: X509Certificate, field: string): string[] {
  return cert.subject.split('\n').filter((l) => l.startsWith(`${field}=`)).map((l) => l.slice(field.length + 1));
}

/** Why stored credentials cannot be used for this node, or undefined when they can. */
export function credentialsProblem(c: NodeCredentials, nodeName: string, addresses: string[], now = Date.now()): string | undefined {
  let ca: X509Certificate, client: X509Certificate, serving: X509Certificate;
  try {
    ca = new X509Certificate(c.caPem);
    client = new X509Certificate(c.client.certPem);
    serving = new X509Certificate(c.serving.certPem);
  } catch {
    return 'a stored certificate does not parse';
  }
  const user = nodeUser(nodeName);
  for (const [what, cert, pair] of [['client', client, c.client], ['serving', serving, c.serving]] as const) {
    if (!cert.verify(ca.publicKey)) return `the ${what} certificate is not signed by the stored CA`;
    try {
      if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return `the ${what} key does not match its certificate`;
    } catch {
      return `the ${what} key does not parse`;
    }
    if (!subjectField(cert, 'CN').includes(user.commonName)) return `the ${what} certificate is for ${subjectField(cert, 'CN').join(', ')}, not ${user.commonName}`;
    if (Date.parse(cert.validTo) - now < renewBeforeMs) return `the ${what} certificate expires ${cert.validTo}`;
  }
  const san = (serving.subjectAltName ?? '').split(', ');
  const missing = addresses.filter((a) => !san.includes(`IP Address:${a}`));
  if (missing.length > 0) return `the serving certificate does not name ${missing.join(', ')}`;
  return undefined;
}

export async function loadNodeCredentials(dataDir: string): Promise<NodeCredentials | undefined> {
  const dir = credentialsDir(dataDir);
  const [caPem, cc, ck, sc, sk] = await Promise.all(['ca.crt', 'client-kubelet.crt', 'client-kubelet.key', 'serving-kubelet.crt', 'serving-kubelet.key'].map((f) => readOptional(join(dir, f))));
  if (!caPem || !cc || !ck || !sc || !sk) return undefined;
  return { caPem, client: { certPem: cc, keyPem: ck }, serving: { certPem: sc, keyPem: sk } };
}

export async function saveNodeCredentials(dataDir: string, server: string, nodeName: string, c: NodeCredentials): Promise<void> {
  const dir = credentialsDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'ca.crt'), c.caPem);
  await writeFile(join(dir, 'client-kubelet.key'), c.client.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'client-kubelet.crt'), c.client.certPem);
  await writeFile(join(dir, 'serving-kubelet.key'), c.serving.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'serving-kubelet.crt'), c.serving.certPem);
  writeKubeconfig(nodeKubeconfigPath(dataDir), { server, caPem: c.caPem, certPem: c.client.certPem, keyPem: c.client.keyPem, user: nodeUser(nodeName).commonName, cluster: 'k8ts', context: 'k8ts' });
}

/** Joins the cluster behind server with the token: the CA checked, both certificates issued. */
export async function joinCluster(o: { server: string; token: string; nodeName: string; addresses: string[] }): Promise<NodeCredentials> {
  const caPem = await fetchClusterCa(o.server, o.token);
  const client = await newCertificateRequest(o.nodeName);
  const serving = await newCertificateRequest(o.nodeName);
  const issued = await requestNodeCertificates(o.server, o.token, caPem, { nodeName: o.nodeName, addresses: o.addresses, clientCsr: client.csrPem, servingCsr: serving.csrPem });
  return { caPem, client: { certPem: issued.clientCert, keyPem: client.keyPem }, serving: { certPem: issued.servingCert, keyPem: serving.keyPem } };
}

export class NoCredentialsError extends Error {
  override name = 'NoCredentialsError';
}

export interface EnsureCredentialsOptions {
  dataDir: string;
  server: string;
  token?: string;
  nodeName: string;
  addresses: string[];
  log: { info(msg: string): void };
}

/** The stored credentials if they still fit, else new ones by joining (which needs the token). */
export async function ensureNodeCredentials(o: EnsureCredentialsOptions): Promise<NodeCredentials> {
  const stored = await loadNodeCredentials(o.dataDir);
  const problem = stored ? credentialsProblem(stored, o.nodeName, o.addresses) : 'none stored';
  if (stored && !problem) {
    o.log.info(`using the node credentials in ${credentialsDir(o.dataDir)}`);
    // The kubeconfig follows --server, which may have moved.
    await saveNodeCredentials(o.dataDir, o.server, o.nodeName, stored);
    return stored;
  }
  if (!o.token) throw new NoCredentialsError(`no usable node credentials in ${credentialsDir(o.dataDir)} (${problem}): --token is needed to join`);
  o.log.info(`joining ${o.server} as node ${o.nodeName} (stored credentials: ${problem})`);
  const creds = await joinCluster({ server: o.server, token: o.token, nodeName: o.nodeName, addresses: o.addresses });
  await saveNodeCredentials(o.dataDir, o.server, o.nodeName, creds);
  o.log.info(`joined: node credentials written to ${credentialsDir(o.dataDir)}, kubeconfig ${nodeKubeconfigPath(o.dataDir)}`);
  return creds;
}
