// Builders for scheduler unit tests: nodes, pods and a handle over a list of NodeInfos.

import type { Handle } from '../framework/interfaces.js';
import { NodeInfo } from '../framework/node-info.js';
import { newPodInfo, type PodInfo } from '../framework/pod-info.js';
import type { ImageIndex } from '../plugins/imagelocality/image-locality.js';
import type { Node, Pod, PodSpec } from '../types.js';

let uid = 0;

export function node(name: string, opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; spec?: Node['spec']; images?: { names: string[]; sizeBytes: number }[] } = {}): Node {
  const alloc = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '16Gi', pods: String(opts.pods ?? 110), 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: opts.spec ?? {},
    status: { capacity: alloc, allocatable: alloc, images: opts.images },
  };
}

export function pod(name: string, opts: { cpu?: string; memory?: string; labels?: Record<string, string>; namespace?: string; priority?: number; spec?: PodSpec } = {}): Pod {
  const requests: Record<string, string> = {};
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', uid: `uid-${name}-${++uid}`, labels: opts.labels ?? {} },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests } }], priority: opts.priority, ...(opts.spec ?? {}) },
  };
}

export function info(p: Pod): PodInfo {
  return newPodInfo(p);
}

/** A NodeInfo holding the given pods. */
export function nodeInfo(n: Node, ...pods: Pod[]): NodeInfo {
  const ni = new NodeInfo(n);
  for (const p of pods) ni.addPod(newPodInfo(p));
  return ni;
}

export function handle(nodes: NodeInfo[]): Handle & ImageIndex {
  return {
    nodes: () => nodes,
    nodesWithRequiredAntiAffinity: () => nodes.filter((n) => n.podsWithRequiredAntiAffinity.size > 0),
    namespaceLabels: () => undefined,
    nodesWithImage: (img) => nodes.filter((n) => (n.node.status?.images ?? []).some((i) => (i.names ?? []).some((x) => x === img || `${x}:latest` === img || x === `${img}`))).length,
  };
}
