// The labels and annotations the kubelet puts on CRI sandboxes and containers, named as
// the real kubelet names them, so a restarted kubelet can find what belongs to which
// pod (and tools that know Kubernetes' labels read ours).

import type { Labels } from '../runtime/cri.js';
import type { Pod } from './types.js';

export const L_POD_UID = 'io.kubernetes.pod.uid';
export const L_POD_NAME = 'io.kubernetes.pod.name';
export const L_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const L_CONTAINER_NAME = 'io.kubernetes.container.name';
/** Marks every object this kubelet created, so foreign sandboxes are left alone. */
export const L_MANAGED = 'io.kubernetes.k8ts.managed';
export const A_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const A_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const A_CONTAINER_KIND = 'io.kubernetes.k8ts.containerKind';
export const A_GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';

/** Prefix of containerID/imageID in the pod's status, as `containerd://` is for containerd. */
export const RUNTIME_SCHEME = 'k8ts://';

export function podLabels(pod: Pod): Labels {
  return {
    [L_POD_UID]: pod.metadata.uid ?? '',
    [L_POD_NAME]: pod.metadata.name ?? '',
    [L_POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
    [L_MANAGED]: 'true',
  };
}

export function containerLabels(pod: Pod, containerName: string): Labels {
  return { ...podLabels(pod), [L_CONTAINER_NAME]: containerName };
}
