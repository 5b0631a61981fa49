// The pod a ReplicaSet creates from its template, as Kubernetes' GetPodFromTemplate
// builds it: the template's labels, annotations, finalizers and spec, a generated name
// `<rs-name>-<5 random>` (the API server fills in the suffix), and a controller
// reference back to the ReplicaSet.

import { newControllerRef, type Pod, type ReplicaSet } from '../controller-utils/index.js';

export function podFromTemplate(rs: ReplicaSet): Pod {
  const tpl = rs.spec?.template ?? {};
  const meta = tpl.metadata ?? {};
  const metadata: Pod['metadata'] = {
    generateName: `${rs.metadata.name ?? ''}-`,
    ownerReferences: [{ ...newControllerRef(rs, 'apps/v1', 'ReplicaSet') }],
  };
  if (meta.labels && Object.keys(meta.labels).length > 0) metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) metadata.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length > 0) metadata.finalizers = [...meta.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(tpl.spec ?? {}) };
}
