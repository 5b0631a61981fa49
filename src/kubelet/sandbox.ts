// A pod's sandbox: its CRI config (hostname, DNS, log directory, cgroup parent, labels),
// creation with the pod network attached, and the pod's IPs.

import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PodSandboxConfig, UserNamespace } from '../runtime/cri.js';
import type { SyncDeps } from './deps.js';
import { podDnsConfig, podHostname } from './etc-files.js';
import { podLabels } from './labels.js';
import { podResources, qosClass } from './resources.js';
import type { Pod } from './types.js';
import { userNamespaceRanges } from './userns-ranges.js';

export function podLogDir(d: SyncDeps, pod: Pod): string {
  return path.join(d.logRoot, `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`);
}

export async function sandboxConfig(d: SyncDeps, pod: Pod, attempt: number, cgroupParent: string): Promise<PodSandboxConfig> {
  return {
    metadata: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? 'default', attempt },
    hostname: pod.spec.hostNetwork ? os.hostname() : podHostname(pod),
    logDirectory: podLogDir(d, pod),
    dnsConfig: await podDnsConfig(pod, d.dns),
    hostAliases: (pod.spec.hostAliases ?? []).map((a) => ({ ip: a.ip, hostnames: a.hostnames ?? [] })),
    labels: podLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: { cgroupParent, hostNetwork: pod.spec.hostNetwork ?? false, ...podUserNamespace(d, pod) },
  };
}

/**
 * `hostUsers: false`: the pod's own user namespace, with the range it was given (kept
 * across kubelet restarts; see userns-ranges.ts). The API server has refused it beside
 * hostNetwork, hostPID and hostIPC.
 */
function podUserNamespace(d: SyncDeps, pod: Pod): { userNamespace?: UserNamespace } {
  if (pod.spec['hostUsers'] !== false) return {};
  return { userNamespace: userNamespaceRanges(d.rootDir).allocate(pod.metadata.uid ?? '') };
}

/** Creates the pod cgroup and a sandbox, and attaches the network; undoes the sandbox on failure. */
export async function createSandbox(d: SyncDeps, pod: Pod, attempt: number): Promise<{ id: string; config: PodSandboxConfig; ips: string[] }> {
  const uid = pod.metadata.uid ?? '';
  const cgroupParent = await d.cgroups.ensure(uid, qosClass(pod), podResources(pod));
  const config = await sandboxConfig(d, pod, attempt, cgroupParent);
  await mkdir(config.logDirectory!, { recursive: true });
  const id = await d.runtime.runPodSandbox(config);
  if (pod.spec.hostNetwork) return { id, config, ips: d.hostIPs };
  try {
    const st = await d.runtime.podSandboxStatus(id);
    const net = await d.network.setUp(pod, { id, netnsPath: st.netnsPath });
    return { id, config, ips: net.ips.length ? net.ips : net.ip ? [net.ip] : [] };
  } catch (e) {
    await d.runtime.stopPodSandbox(id).catch(() => {});
    await d.runtime.removePodSandbox(id).catch(() => {});
    throw new SandboxError(`failed to set up the network of pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`, { cause: e });
  }
}

/** The IPs of an existing sandbox (after a kubelet restart): the network's setUp is idempotent. */
export async function sandboxIPs(d: SyncDeps, pod: Pod, id: string): Promise<string[]> {
  if (pod.spec.hostNetwork) return d.hostIPs;
  const st = await d.runtime.podSandboxStatus(id);
  const net = await d.network.setUp(pod, { id, netnsPath: st.netnsPath });
  return net.ips.length ? net.ips : net.ip ? [net.ip] : [];
}

export class SandboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxError';
  }
}
