// Pods nominated to a node by preemption (status.nominatedNodeName) while they wait for
// their victims to leave. Other pods of lower or equal priority are filtered as if the
// nominated pods were already there, so they do not take the room preemption made.

import type { PodInfo } from './framework/pod-info.js';

export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  /** Sets (or with '' clears) the pod's nomination. */
  set(pod: PodInfo, nodeName: string): void {
    this.delete(pod.uid);
    if (!nodeName) return;
    let m = this.byNode.get(nodeName);
    if (!m) this.byNode.set(nodeName, (m = new Map()));
    m.set(pod.uid, pod);
    this.nodeOf.set(pod.uid, nodeName);
  }

  delete(uid: string): void {
    const node = this.nodeOf.get(uid);
    if (node === undefined) return;
    this.nodeOf.delete(uid);
    const m = this.byNode.get(node);
    m?.delete(uid);
    if (m && m.size === 0) this.byNode.delete(node);
  }

  /** Nominated pods on the node that the given pod must leave room for. */
  blocking(nodeName: string, pod: PodInfo): PodInfo[] | undefined {
    const m = this.byNode.get(nodeName);
    if (!m) return undefined;
    let out: PodInfo[] | undefined;
    for (const p of m.values()) if (p.uid !== pod.uid && p.priority >= pod.priority) (out ??= []).push(p);
    return out;
  }

  get size(): number {
    return this.nodeOf.size;
  }
}
