// Reads the objects volumes refer to through the API server: ConfigMaps (data and
// binaryData), Secrets (base64 data), PersistentVolumeClaims and their bound
// PersistentVolumes. A 404 means "does not exist" (undefined); other errors propagate.

import { isNotFound } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import type { KeyedData } from './sources.js';

interface ConfigMapObj extends KObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

interface SecretObj extends KObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface PvcObj extends KObject {
  spec?: { volumeName?: string };
  status?: { phase?: string };
}

export interface PvObj extends KObject {
  spec?: { hostPath?: { path: string; type?: string }; local?: { path: string } };
}

async function getOrUndefined<T extends KObject>(client: RestClient, path: string): Promise<T | undefined> {
  try {
    return await client.get<T>(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function nsPath(ns: string, resource: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}/${encodeURIComponent(name)}`;
}

export async function getConfigMapData(client: RestClient, ns: string, name: string): Promise<KeyedData | undefined> {
  const cm = await getOrUndefined<ConfigMapObj>(client, nsPath(ns, 'configmaps', name));
  if (!cm) return undefined;
  const out: KeyedData = new Map();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export async function getSecretData(client: RestClient, ns: string, name: string): Promise<KeyedData | undefined> {
  const s = await getOrUndefined<SecretObj>(client, nsPath(ns, 'secrets', name));
  if (!s) return undefined;
  const out: KeyedData = new Map();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export function getPvc(client: RestClient, ns: string, name: string): Promise<PvcObj | undefined> {
  return getOrUndefined<PvcObj>(client, nsPath(ns, 'persistentvolumeclaims', name));
}

export function getPv(client: RestClient, name: string): Promise<PvObj | undefined> {
  return getOrUndefined<PvObj>(client, `/api/v1/persistentvolumes/${encodeURIComponent(name)}`);
}
