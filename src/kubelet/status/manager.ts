// Writes pod statuses to the API server as the kubelet's status manager does: only when
// the status differs from what was last written (or from the API's copy), with a merge
// patch of pods/NAME/status carrying the pod's uid, so a pod re-created under the same
// name is never given another pod's status.

import { isConflict, isNotFound, type Logger, type RestClient } from '../../client/index.js';
import type { Pod, PodStatusV1 } from '../types.js';

export function podPath(namespace: string, name: string, sub?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;
}

/** JSON equality after dropping undefined members (key order matters not). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
    }
    return x;
  });
}

export class StatusManager {
  private readonly written = new Map<string, PodStatusV1>();
  /** The canonical text of each written status: a resync compares against it without re-encoding the old one. */
  private readonly writtenText = new Map<string, string>();

  constructor(private readonly client: RestClient, private readonly log: Logger) {}

  /** The status last written for the pod (the API's copy may lag behind it). */
  last(uid: string): PodStatusV1 | undefined {
    return this.written.get(uid);
  }

  /** Patches the status if it changed; answers false when the pod is gone or was replaced. */
  async set(pod: Pod, status: PodStatusV1): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const prev = this.written.get(uid) ?? pod.status;
    const text = canonical(strip(status));
    const prevText = this.written.has(uid) ? this.writtenText.get(uid) : prev && canonical(strip(prev));
    if (prev && prevText === text) return true;
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    // A merge patch replaces lists whole, so every list is sent complete; absent members are nulled.
    const body: Record<string, unknown> = { metadata: { uid }, status: { ...status } };
    const st = body.status as Record<string, unknown>;
    for (const k of ['podIP', 'podIPs', 'initContainerStatuses', 'message', 'reason', 'nominatedNodeName']) if (st[k] === undefined && prev && (prev as Record<string, unknown>)[k] !== undefined) st[k] = null;
    try {
      await this.client.patch(podPath(ns, name, 'status'), body, 'merge');
      this.written.set(uid, status);
      this.writtenText.set(uid, text);
      return true;
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return false;
      this.log.warn(`kubelet: status of pod ${ns}/${name}: ${(e as Error).message}`);
      throw e;
    }
  }

  forget(uid: string): void {
    this.written.delete(uid);
    this.writtenText.delete(uid);
  }
}

function strip(s: PodStatusV1): PodStatusV1 {
  const out = { ...s };
  delete out.nominatedNodeName;
  delete out.resize;
  return out;
}
