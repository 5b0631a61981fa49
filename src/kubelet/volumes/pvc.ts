// persistentVolumeClaim volumes: claim -> bound PersistentVolume -> a path on this
// host. Only PVs of type hostPath and local are usable by this node (no attach/detach,
// no CSI); an unbound claim is an error, so the pod waits in ContainerCreating.

import type { RestClient } from '../../client/rest-client.js';
import { getPv, getPvc } from './api-source.js';
import { prepareHostPath } from './host-path.js';
import { ProjectionError } from './projection.js';

export async function resolveClaimPath(client: RestClient, namespace: string, claimName: string): Promise<string> {
  const pvc = await getPvc(client, namespace, claimName);
  if (!pvc) throw new ProjectionError(`persistentvolumeclaim "${claimName}" not found`);
  const pvName = pvc.spec?.volumeName;
  if (!pvName || pvc.status?.phase !== 'Bound') throw new ProjectionError(`persistentvolumeclaim "${claimName}" is not bound`);
  const pv = await getPv(client, pvName);
  if (!pv) throw new ProjectionError(`persistentvolume "${pvName}" not found`);
  if (pv.spec?.hostPath) return prepareHostPath(pv.spec.hostPath.path, pv.spec.hostPath.type ?? '');
  if (pv.spec?.local) return prepareHostPath(pv.spec.local.path, 'Directory');
  throw new ProjectionError(`persistentvolume "${pvName}" has a volume type this node cannot mount (only hostPath and local are supported)`);
}
