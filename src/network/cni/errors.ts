// Named errors of the pod network. Each says which pod and which plugin failed, since
// the kubelet surfaces the message in the pod's events as FailedCreatePodSandBox.

/** A plugin ran and reported failure (spec error output), or its output was unusable. */
export class CniPluginError extends Error {
  override readonly name = 'CniPluginError';
  constructor(
    readonly pod: string,
    readonly plugin: string,
    readonly command: string,
    /** The spec's error code (1..99 well-known, 100+ plugin-specific); 0 when the plugin gave none. */
    readonly code: number,
    readonly msg: string,
    readonly details?: string,
  ) {
    super(`CNI plugin ${plugin} ${command} for pod ${pod} failed (code ${code}): ${msg}${details ? ` (${details})` : ''}`);
  }
}

/** The plugin binary could not be started at all (missing, not executable). */
export class CniPluginNotFoundError extends Error {
  override readonly name = 'CniPluginNotFoundError';
  constructor(readonly plugin: string, readonly path: string, cause?: unknown) {
    super(`CNI plugin ${plugin} not found or not executable at ${path}`, { cause });
  }
}

/** The node-level network setup (config file, nftables, sysctls) failed. */
export class PodNetworkSetupError extends Error {
  override readonly name = 'PodNetworkSetupError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
