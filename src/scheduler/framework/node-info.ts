// Per-node aggregate the filters and scores read: the node, the pods on it (bound or
// assumed), their summed requests and host ports. Kept current incrementally by the
// scheduler cache, so a filter costs a few comparisons, not a walk over the pods.

import { addInto, cloneResource, emptyResource, resourceFromList, type Resource } from '../resources.js';
import type { Node } from '../types.js';
import type { PodInfo } from './pod-info.js';

export class NodeInfo {
  node: Node;
  readonly pods = new Map<string, PodInfo>();
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  allocatable: Resource;
  /** "protocol/ip/port" -> count. */
  readonly usedPorts = new Map<string, number>();
  /** Pods here with any (anti-)affinity term: the only ones InterPodAffinity must read. */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Bumped on every change; lets callers notice a node changed between two looks. */
  generation = 0;

  constructor(node: Node) {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable ?? node.status?.capacity);
  }

  get name(): string {
    return this.node.metadata.name ?? '';
  }

  get labels(): Record<string, string> {
    return this.node.metadata.labels ?? {};
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable ?? node.status?.capacity);
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.uid)) this.removePod(pi.uid);
    this.pods.set(pi.uid, pi);
    addInto(this.requested, pi.requests);
    addInto(this.nonZeroRequested, pi.nonZeroRequests);
    for (const p of pi.hostPorts) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      this.usedPorts.set(k, (this.usedPorts.get(k) ?? 0) + 1);
    }
    if (pi.requiredAffinity.length || pi.requiredAntiAffinity.length || pi.preferredAffinity.length || pi.preferredAntiAffinity.length) this.podsWithAffinity.add(pi);
    if (pi.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.add(pi);
    this.generation++;
  }

  removePod(uid: string): PodInfo | undefined {
    const pi = this.pods.get(uid);
    if (!pi) return undefined;
    this.pods.delete(uid);
    addInto(this.requested, pi.requests, -1);
    addInto(this.nonZeroRequested, pi.nonZeroRequests, -1);
    for (const p of pi.hostPorts) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      const n = (this.usedPorts.get(k) ?? 1) - 1;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
    this.podsWithAffinity.delete(pi);
    this.podsWithRequiredAntiAffinity.delete(pi);
    this.generation++;
    return pi;
  }

  /** A copy whose pods can be removed without touching this one (preemption's what-if). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const pi of this.pods.values()) c.pods.set(pi.uid, pi);
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = cloneResource(this.nonZeroRequested);
    for (const [k, v] of this.usedPorts) c.usedPorts.set(k, v);
    for (const p of this.podsWithAffinity) c.podsWithAffinity.add(p);
    for (const p of this.podsWithRequiredAntiAffinity) c.podsWithRequiredAntiAffinity.add(p);
    return c;
  }
}
