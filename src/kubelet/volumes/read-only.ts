// Volumes whose content comes from the API are mounted read-only into containers
// whatever the volumeMount says, as Kubernetes does since 1.10: a container must not
// change what the kubelet will overwrite on the next refresh.

import type { Pod } from '../types.js';

const apiData = ['configMap', 'secret', 'downwardAPI', 'projected'];

/** Names of the pod's volumes the kubelet must bind-mount read-only. */
export function readOnlyVolumeNames(pod: Pod): Set<string> {
  const out = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (apiData.some((k) => v[k] !== undefined)) out.add(v.name);
    const pvc = v.persistentVolumeClaim as { readOnly?: boolean } | undefined;
    if (pvc?.readOnly === true) out.add(v.name);
  }
  return out;
}
