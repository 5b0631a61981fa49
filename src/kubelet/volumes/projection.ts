// Turns configMap, secret, downwardAPI and projected volume sources into the files the
// atomic writer lays down: which keys, at which paths, with which modes; optional
// objects that are missing give no files, required ones fail with Kubernetes' reasons.

import type { Payload } from './atomic-writer.js';
import { fieldRefValue, resourceFieldRefValue, DownwardApiError } from './downward.js';
import type { ConfigMapSource, DownwardApiFile, KeyToPath, KeyedData, ObjectSource, ProjectedSource, SecretSource, DownwardApiSource } from './sources.js';
import type { Pod } from '../types.js';

/** 0644: the default mode of every projected file. */
export const defaultFileMode = 0o644;

/** A projection that cannot be made; the message is the event's reason. */
export class ProjectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProjectionError';
  }
}

type Kind = 'configmap' | 'secret';

function missingKey(kind: Kind, key: string): ProjectionError {
  return new ProjectionError(kind === 'configmap' ? `configmap references non-existent config key: ${key}` : `references non-existent secret key: ${key}`);
}

function addKeys(out: Payload, kind: Kind, data: KeyedData, items: KeyToPath[] | undefined, mode: number, optional: boolean): void {
  if (!items || items.length === 0) {
    for (const [k, v] of data) out.set(k, { data: v, mode });
    return;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw missingKey(kind, it.key);
    }
    out.set(it.path, { data: v, mode: it.mode ?? mode });
  }
}

async function fetchKeyed(src: ObjectSource, kind: Kind, ns: string, name: string, optional: boolean): Promise<KeyedData | undefined> {
  const data = kind === 'configmap' ? await src.configMap(ns, name) : await src.secret(ns, name);
  if (data === undefined && !optional) throw new ProjectionError(`${kind} "${name}" not found`);
  return data;
}

function ns(pod: Pod): string {
  return pod.metadata.namespace ?? 'default';
}

export async function configMapPayload(pod: Pod, v: ConfigMapSource, src: ObjectSource): Promise<Payload> {
  const out: Payload = new Map();
  const data = await fetchKeyed(src, 'configmap', ns(pod), v.name ?? '', v.optional === true);
  if (data) addKeys(out, 'configmap', data, v.items, v.defaultMode ?? defaultFileMode, v.optional === true);
  return out;
}

export async function secretPayload(pod: Pod, v: SecretSource, src: ObjectSource): Promise<Payload> {
  const out: Payload = new Map();
  const data = await fetchKeyed(src, 'secret', ns(pod), v.secretName ?? '', v.optional === true);
  if (data) addKeys(out, 'secret', data, v.items, v.defaultMode ?? defaultFileMode, v.optional === true);
  return out;
}

function addDownward(out: Payload, pod: Pod, items: DownwardApiFile[] | undefined, mode: number, src: ObjectSource): void {
  for (const it of items ?? []) {
    let value: string;
    try {
      if (it.fieldRef) value = fieldRefValue(pod, it.fieldRef);
      else if (it.resourceFieldRef) value = resourceFieldRefValue(pod, it.resourceFieldRef, src.nodeAllocatable);
      else throw new DownwardApiError(`downwardAPI item "${it.path}" has neither fieldRef nor resourceFieldRef`);
    } catch (e) {
      throw new ProjectionError((e as Error).message, { cause: e });
    }
    out.set(it.path, { data: Buffer.from(value), mode: it.mode ?? mode });
  }
}

export async function downwardApiPayload(pod: Pod, v: DownwardApiSource, src: ObjectSource): Promise<Payload> {
  const out: Payload = new Map();
  addDownward(out, pod, v.items, v.defaultMode ?? defaultFileMode, src);
  return out;
}

/**
 * Every source in order; a later source's file replaces an earlier one at the same path.
 * The objects and the token are fetched at once (a pod's first start waited for each
 * round trip in turn), then laid out in order; the first failing source, in order, fails it.
 */
export async function projectedPayload(pod: Pod, v: ProjectedSource, src: ObjectSource): Promise<Payload> {
  const mode = v.defaultMode ?? defaultFileMode;
  const fetched = await Promise.allSettled((v.sources ?? []).map(async (s) => {
    if (s.configMap) return fetchKeyed(src, 'configmap', ns(pod), s.configMap.name ?? '', s.configMap.optional === true);
    if (s.secret) return fetchKeyed(src, 'secret', ns(pod), s.secret.name ?? '', s.secret.optional === true);
    if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const sa = pod.spec.serviceAccountName || 'default';
      try {
        return await src.token(pod, sa, { audience: t.audience, expirationSeconds: t.expirationSeconds ?? 3600 });
      } catch (e) {
        throw new ProjectionError(`failed to fetch token: ${(e as Error).message}`, { cause: e });
      }
    }
    return undefined;
  }));
  const out: Payload = new Map();
  (v.sources ?? []).forEach((s, i) => {
    const r = fetched[i]!;
    if (r.status === 'rejected') throw r.reason;
    if (s.configMap) {
      if (r.value) addKeys(out, 'configmap', r.value as KeyedData, s.configMap.items, mode, s.configMap.optional === true);
    } else if (s.secret) {
      if (r.value) addKeys(out, 'secret', r.value as KeyedData, s.secret.items, mode, s.secret.optional === true);
    } else if (s.downwardAPI) {
      addDownward(out, pod, s.downwardAPI.items, mode, src);
    } else if (s.serviceAccountToken) {
      out.set(s.serviceAccountToken.path, { data: Buffer.from(r.value as string), mode });
    }
  });
  return out;
}
