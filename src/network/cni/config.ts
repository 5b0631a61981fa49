// Generates the agent's own network configuration list and the per-invocation plugin
// configurations, as libcni builds them: each plugin's object gets the list's `name` and
// `cniVersion`, `prevResult` when there is one, and `runtimeConfig` holding only the
// capabilities the plugin declares.
import type { CniBandwidth } from './bandwidth.js';
import type { CniNetworkConfList, CniPluginConf, CniPortMapping, CniResult, PodLike } from './types.js';

export const CNI_VERSION = '1.0.0';
export const DEFAULT_NETWORK_NAME = 'k8ts';
export const DEFAULT_BRIDGE = 'k8ts0';

export interface ConfListOptions {
  podCIDR: string;
  bridgeName: string;
  /** host-local's state directory (leases per network). */
  ipamDataDir: string;
  networkName?: string;
  mtu?: number;
}

export function buildConfList(opts: ConfListOptions): CniNetworkConfList {
  const bridge: CniPluginConf = {
    type: 'bridge',
    bridge: opts.bridgeName,
    isGateway: true,
    // Masquerade is our own nftables rule (masquerade.ts), so that pod-to-pod traffic
    // across nodes keeps its source address and the rule lives and dies with the node.
    ipMasq: false,
    // Hairpin lets a pod reach itself through a Service address. The bridge plugin
    // refuses promiscMode together with it, and hairpin is the one Services need.
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: opts.podCIDR }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: opts.ipamDataDir,
    },
  };
  if (opts.mtu !== undefined) bridge.mtu = opts.mtu;
  return {
    cniVersion: CNI_VERSION,
    name: opts.networkName ?? DEFAULT_NETWORK_NAME,
    // portmap 1.1.1 (Debian 12) fails CHECK whenever it has no IPv6 mappings ("could not
    // check ipv6 dnat"), so CHECK would declare every healthy pod broken.
    disableCheck: true,
    plugins: [
      bridge,
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      // Shapes only pods whose annotations ask for it; otherwise it passes the result on.
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  };
}

/** The configuration of the loopback plugin, which the runtime invokes apart for `lo`. */
export function loopbackConf(): CniNetworkConfList {
  return { cniVersion: CNI_VERSION, name: 'cni-loopback', plugins: [{ type: 'loopback' }] };
}

/** Runtime-provided capability arguments (CNI "capabilityArgs"). */
export interface CapabilityArgs {
  portMappings?: CniPortMapping[];
  bandwidth?: CniBandwidth;
}

// Chained plugins that act on nothing but their capability argument: portmap without
// port mappings and bandwidth without rates return prevResult untouched. Each is a
// process (a Go binary, several milliseconds of CPU) per ADD and per DEL, so a pod that
// uses neither does not get them in its list.
const CAPABILITY_ONLY_PLUGINS: ReadonlySet<string> = new Set(['portmap', 'bandwidth']);

function hasValue(v: unknown): boolean {
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

/**
 * The list one attachment is run with: `list` without the capability-only plugins that
 * this attachment gives nothing to act on. The caller records the list it used (the
 * result cache), so CHECK and DEL of the attachment run exactly the plugins ADD ran.
 */
export function attachmentList(list: CniNetworkConfList, capabilityArgs: CapabilityArgs): CniNetworkConfList {
  const plugins = list.plugins.filter((p) => {
    if (!CAPABILITY_ONLY_PLUGINS.has(p.type)) return true;
    return Object.entries(p.capabilities ?? {}).some(([cap, on]) => on && hasValue((capabilityArgs as Record<string, unknown>)[cap]));
  });
  return plugins.length === list.plugins.length ? list : { ...list, plugins };
}

/** Builds the stdin JSON for one plugin of a list. */
export function pluginInvocationConf(
  list: CniNetworkConfList,
  plugin: CniPluginConf,
  prevResult: CniResult | undefined,
  capabilityArgs: CapabilityArgs,
): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  if (prevResult !== undefined) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(plugin.capabilities ?? {})) {
    const value = (capabilityArgs as Record<string, unknown>)[cap];
    if (enabled && value !== undefined) runtimeConfig[cap] = value;
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}

/** hostPort mappings of every container in the pod, in portmap's runtimeConfig shape. */
export function portMappingsOf(pod: PodLike): CniPortMapping[] {
  const out: CniPortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || !p.containerPort) continue;
      const protocol = (p.protocol ?? 'TCP').toLowerCase();
      if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') continue;
      const m: CniPortMapping = { hostPort: p.hostPort, containerPort: p.containerPort, protocol };
      if (p.hostIP) m.hostIP = p.hostIP;
      out.push(m);
    }
  }
  return out;
}

/** CNI_ARGS as Kubernetes runtimes pass them (IgnoreUnknown lets plugins skip the rest). */
export function cniArgsFor(pod: PodLike, sandboxId: string): string {
  const m = pod.metadata ?? {};
  return [
    'IgnoreUnknown=1',
    `K8S_POD_NAMESPACE=${m.namespace ?? ''}`,
    `K8S_POD_NAME=${m.name ?? ''}`,
    `K8S_POD_INFRA_CONTAINER_ID=${sandboxId}`,
    `K8S_POD_UID=${m.uid ?? ''}`,
  ].join(';');
}
