// How the streaming server finds a pod's container: the kubelet core knows which
// runtime container (and which log file) stands for namespace/pod/container now, and
// which stood for it before the last restart. The streaming server asks only this.

export interface LocatedContainer {
  /** The runtime's container id (what RuntimeService.exec/attach/containerStatus take). */
  containerId: string;
  /** Absolute path of the container's CRI log file. */
  logPath: string;
}

export interface ContainerLocator {
  /**
   * The container `container` of pod `namespace/pod` on this node, or undefined when
   * there is none. With `previous`, the instance before the current one (for
   * `kubectl logs --previous`), undefined when it never restarted.
   */
  find(namespace: string, pod: string, container: string, opts?: { previous?: boolean }): Promise<LocatedContainer | undefined>;
}

/**
 * Thrown by a locator when the container exists but cannot serve the request yet, with
 * the kubelet's wording, e.g. `container "app" in pod "web" is waiting to start:
 * ContainerCreating`. Answered as 400, as the kubelet does.
 */
export class ContainerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerUnavailableError';
  }
}
