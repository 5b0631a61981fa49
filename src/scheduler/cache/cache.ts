// The scheduler's picture of the cluster: NodeInfo per node with the pods bound there,
// plus pods it has "assumed" onto a node before the binding is confirmed by the
// informer, so the next pod already sees their resources. An assumed pod is replaced by
// the informer's copy when that arrives, or forgotten when its binding fails.

import type { Handle } from '../framework/interfaces.js';
import { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { ImageIndex } from '../plugins/imagelocality/image-locality.js';
import { normalizedImageName } from '../plugins/imagelocality/image-locality.js';
import type { Node } from '../types.js';

interface PodState {
  info: PodInfo;
  node: string;
  assumed: boolean;
}

export class SchedulerCache implements Handle, ImageIndex {
  private readonly byName = new Map<string, NodeInfo>();
  private list: NodeInfo[] = [];
  private readonly podStates = new Map<string, PodState>();
  /** Pods on nodes not (yet) known: kept so they count once the node arrives. */
  private readonly orphans = new Map<string, PodInfo[]>();
  private readonly imageNodes = new Map<string, Set<string>>();
  private readonly nsLabels = new Map<string, Record<string, string>>();
  private readonly antiAffinityNodes = new Set<NodeInfo>();

  nodes(): readonly NodeInfo[] {
    return this.list;
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  nodesWithRequiredAntiAffinity(): Iterable<NodeInfo> {
    return this.antiAffinityNodes;
  }

  private noteAntiAffinity(ni: NodeInfo): void {
    if (ni.podsWithRequiredAntiAffinity.size > 0) this.antiAffinityNodes.add(ni);
    else this.antiAffinityNodes.delete(ni);
  }

  namespaceLabels(ns: string): Record<string, string> | undefined {
    return this.nsLabels.get(ns);
  }

  setNamespaceLabels(ns: string, labels: Record<string, string> | undefined): void {
    if (labels) this.nsLabels.set(ns, labels);
    else this.nsLabels.delete(ns);
  }

  nodesWithImage(image: string): number {
    return this.imageNodes.get(image)?.size ?? 0;
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let ni = this.byName.get(name);
    if (ni) {
      this.indexImages(ni.node, false);
      ni.setNode(node);
    } else {
      ni = new NodeInfo(node);
      this.byName.set(name, ni);
      this.list.push(ni);
      for (const pi of this.orphans.get(name) ?? []) ni.addPod(pi);
      this.orphans.delete(name);
      this.noteAntiAffinity(ni);
    }
    this.indexImages(node, true);
  }

  removeNode(name: string): void {
    const ni = this.byName.get(name);
    if (!ni) return;
    this.indexImages(ni.node, false);
    this.byName.delete(name);
    this.list = this.list.filter((n) => n !== ni);
    this.antiAffinityNodes.delete(ni);
    // Its pods stay known: they still exist until the pod GC removes them.
    if (ni.pods.size) this.orphans.set(name, [...ni.pods.values()]);
  }

  private indexImages(node: Node, add: boolean): void {
    const name = node.metadata.name ?? '';
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) {
        const key = normalizedImageName(n);
        let s = this.imageNodes.get(key);
        if (add) {
          if (!s) this.imageNodes.set(key, (s = new Set()));
          s.add(name);
        } else if (s) {
          s.delete(name);
          if (s.size === 0) this.imageNodes.delete(key);
        }
      }
    }
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed ?? false;
  }

  /** A pod bound (or confirmed) on a node, from the informer. */
  addOrUpdatePod(info: PodInfo, nodeName: string): void {
    const prior = this.podStates.get(info.uid);
    if (prior) this.detach(prior);
    this.podStates.set(info.uid, { info, node: nodeName, assumed: false });
    this.attach(info, nodeName);
  }

  removePod(uid: string): void {
    const prior = this.podStates.get(uid);
    if (!prior) return;
    this.detach(prior);
    this.podStates.delete(uid);
  }

  /** Counts the pod on the node at once, before the binding is written. */
  assumePod(info: PodInfo, nodeName: string): void {
    const prior = this.podStates.get(info.uid);
    if (prior) this.detach(prior);
    this.podStates.set(info.uid, { info, node: nodeName, assumed: true });
    this.attach(info, nodeName);
  }

  /** The binding failed: the pod is no longer on that node. */
  forgetPod(uid: string): void {
    const s = this.podStates.get(uid);
    if (s?.assumed) this.removePod(uid);
  }

  podCount(): number {
    return this.podStates.size;
  }

  private attach(info: PodInfo, nodeName: string): void {
    const ni = this.byName.get(nodeName);
    if (ni) {
      ni.addPod(info);
      this.noteAntiAffinity(ni);
    } else {
      const list = this.orphans.get(nodeName) ?? [];
      list.push(info);
      this.orphans.set(nodeName, list);
    }
  }

  private detach(s: PodState): void {
    const ni = this.byName.get(s.node);
    if (ni) {
      ni.removePod(s.info.uid);
      this.noteAntiAffinity(ni);
    } else {
      const list = (this.orphans.get(s.node) ?? []).filter((p) => p.uid !== s.info.uid);
      if (list.length) this.orphans.set(s.node, list);
      else this.orphans.delete(s.node);
    }
  }
}
