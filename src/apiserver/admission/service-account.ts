// ServiceAccount admission: pods run as a service account (`default` unless named),
// and unless they opt out get its token, the cluster CA and their namespace in a
// projected volume at /var/run/secrets/kubernetes.io/serviceaccount, as in Kubernetes.

import { randomInt } from 'node:crypto';
import { isObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function tokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

export function serviceAccountAdmission(lookup: AdmissionLookup): AdmissionPlugin {
  return async (req) => {
    if (req.operation !== 'CREATE' || req.resource.group !== '' || req.resource.kind !== 'Pod' || !req.object || req.subresource) return;
    const spec = isObject(req.object.spec) ? req.object.spec : {};
    const saName = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName : 'default';
    spec.serviceAccountName = saName;
    spec.serviceAccount = saName;
    const sa = await lookup.get('', 'serviceaccounts', req.namespace, saName);
    const automount = spec.automountServiceAccountToken ?? (sa ? sa.automountServiceAccountToken : undefined) ?? true;
    if (automount === false) return;
    const volumes = Array.isArray(spec.volumes) ? (spec.volumes as Record<string, unknown>[]) : [];
    const containers = [spec.initContainers, spec.containers, spec.ephemeralContainers].flatMap((l) => (Array.isArray(l) ? (l as Record<string, unknown>[]) : []));
    const mounted = (c: Record<string, unknown>) => Array.isArray(c.volumeMounts) && (c.volumeMounts as { mountPath?: string }[]).some((m) => m.mountPath === tokenMountPath);
    if (containers.every(mounted)) return;
    let volumeName = 'kube-api-access-';
    for (let i = 0; i < 5; i++) volumeName += alphabet[randomInt(alphabet.length)];
    volumes.push(tokenVolume(volumeName));
    spec.volumes = volumes;
    for (const c of containers) {
      if (mounted(c)) continue;
      const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [];
      mounts.push({ name: volumeName, readOnly: true, mountPath: tokenMountPath });
      c.volumeMounts = mounts;
    }
    req.object.spec = spec;
  };
}
