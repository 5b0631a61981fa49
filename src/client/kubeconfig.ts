// kubeconfig files as kubectl reads and writes them: clusters, users and contexts by
// name, one current-context. Only the fields k8ts uses are read; file references are
// resolved relative to the kubeconfig's own directory, as kubectl does.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { isRecord } from './types.js';

export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The connection settings of one context, ready for `new RestClient(...)`. */
export interface KubeconfigConnection {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** The context's default namespace, if set. */
  namespace?: string;
  context: string;
  cluster: string;
  user: string;
}

export interface ReadKubeconfigOptions {
  /** Context to use instead of current-context. */
  context?: string;
}

export function readKubeconfig(path: string, opts: ReadKubeconfigOptions = {}): KubeconfigConnection {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeconfigError(`kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(doc)) throw new KubeconfigError(`kubeconfig ${path}: not a mapping`);
  const base = dirname(path);
  const contextName = opts.context ?? str(doc['current-context']);
  if (!contextName) throw new KubeconfigError(`kubeconfig ${path}: no current-context`);
  const context = named(doc.contexts, 'context', contextName, path);
  const clusterName = str(context.cluster);
  const userName = str(context.user) ?? '';
  if (!clusterName) throw new KubeconfigError(`kubeconfig ${path}: context ${contextName} has no cluster`);
  const cluster = named(doc.clusters, 'cluster', clusterName, path);
  const user = userName ? named(doc.users, 'user', userName, path) : {};
  const server = str(cluster.server);
  if (!server) throw new KubeconfigError(`kubeconfig ${path}: cluster ${clusterName} has no server`);
  const tokenFile = str(user.tokenFile);
  return {
    server,
    ca: dataOrFile(cluster, 'certificate-authority', base),
    cert: dataOrFile(user, 'client-certificate', base),
    key: dataOrFile(user, 'client-key', base),
    token: str(user.token) ?? (tokenFile ? readFileSync(resolvePath(base, tokenFile), 'utf8').trim() : undefined),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true ? true : undefined,
    namespace: str(context.namespace),
    context: contextName,
    cluster: clusterName,
    user: userName,
  };
}

export interface WriteKubeconfigOptions {
  server: string;
  caPem: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Names of the user, cluster and context entries; the context becomes current. */
  user: string;
  cluster: string;
  context: string;
  namespace?: string;
}

/** Writes a one-context kubeconfig with embedded credentials, readable only by its owner. */
export function writeKubeconfig(path: string, o: WriteKubeconfigOptions): void {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const user: Record<string, string> = {};
  if (o.certPem) user['client-certificate-data'] = b64(o.certPem);
  if (o.keyPem) user['client-key-data'] = b64(o.keyPem);
  if (o.token) user.token = o.token;
  const context: Record<string, string> = { cluster: o.cluster, user: o.user };
  if (o.namespace) context.namespace = o.namespace;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: o.cluster, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.user, user }],
    contexts: [{ name: o.context, context }],
    'current-context': o.context,
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file; credentials must not stay readable.
  chmodSync(path, 0o600);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function named(list: unknown, field: string, name: string, path: string): Record<string, unknown> {
  if (Array.isArray(list)) {
    for (const e of list) if (isRecord(e) && e.name === name && isRecord(e[field])) return e[field] as Record<string, unknown>;
  }
  throw new KubeconfigError(`kubeconfig ${path}: no ${field} named ${name}`);
}

function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

function dataOrFile(entry: Record<string, unknown>, field: string, base: string): string | undefined {
  const data = str(entry[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(entry[field]);
  if (file) return readFileSync(resolvePath(base, file), 'utf8');
  return undefined;
}
