// Finds the runtime container that stands for namespace/pod/container, from the labels
// the kubelet puts on every container, for the streaming server (logs, exec, attach).

import type { RuntimeService } from '../runtime/cri.js';
import type { ContainerLocator, LocatedContainer } from './server/locator.js';
import { L_CONTAINER_NAME, L_POD_NAME, L_POD_NAMESPACE } from './labels.js';

export function runtimeContainerLocator(runtime: RuntimeService): ContainerLocator {
  return {
    async find(namespace, pod, container, opts = {}): Promise<LocatedContainer | undefined> {
      const all = await runtime.listContainers({ labelSelector: { [L_POD_NAMESPACE]: namespace, [L_POD_NAME]: pod, [L_CONTAINER_NAME]: container } });
      // Newest first: the current instance, then the one before it.
      const ordered = [...all].sort((a, b) => b.createdAt - a.createdAt);
      const chosen = ordered[opts.previous ? 1 : 0];
      if (!chosen) return undefined;
      const status = await runtime.containerStatus(chosen.id);
      return { containerId: chosen.id, logPath: status.logPath };
    },
  };
}
