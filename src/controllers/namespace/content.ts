// Empties one namespace: a DELETE of each resource's whole collection, then a list to
// see what is left. Objects still present are usually on their way out (pods in graceful
// termination, objects held by finalizers); the caller looks again later.

import { ApiStatusError } from '../../client/errors.js';
import { groupVersionPath } from '../../client/resource-path.js';
import type { KList, KObject } from '../../client/types.js';
import type { DeletableResource } from './discovery.js';

export interface ContentClient {
  list<T extends KObject>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<KList<T>>;
  delete<T>(path: string, options?: { propagationPolicy?: 'Background' }): Promise<T>;
}

export interface ContentReport {
  /** 'pods' or 'deployments.apps' -> objects left. */
  remaining: Map<string, number>;
  /** finalizer -> objects still carrying it. */
  finalizers: Map<string, number>;
  /** resource -> error message for deletes or lists that failed. */
  failures: Map<string, string>;
  /** Seconds until the slowest pod's graceful termination should be over (0 if none). */
  podGraceSeconds: number;
}

export function resourceLabel(r: DeletableResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export async function deleteNamespaceContent(client: ContentClient, namespace: string, resources: DeletableResource[], nowMs: number): Promise<ContentReport> {
  const report: ContentReport = { remaining: new Map(), finalizers: new Map(), failures: new Map(), podGraceSeconds: 0 };
  await Promise.all(
    resources.map(async (r) => {
      const path = `${groupVersionPath(r.group, r.version)}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
      const label = resourceLabel(r);
      try {
        // Background propagation, as Kubernetes does: dependents are collected later by the GC.
        if (r.deleteCollection) await client.delete(path, { propagationPolicy: 'Background' });
        else await deleteEach(client, path);
      } catch (err) {
        report.failures.set(label, (err as Error).message);
      }
      let items: KObject[];
      try {
        items = (await client.list(path)).items;
      } catch (err) {
        report.failures.set(label, (err as Error).message);
        return;
      }
      if (items.length === 0) return;
      report.remaining.set(label, items.length);
      for (const o of items) {
        for (const f of o.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        if (r.group === '' && r.resource === 'pods') report.podGraceSeconds = Math.max(report.podGraceSeconds, graceLeft(o, nowMs));
      }
    }),
  );
  return report;
}

/** For resources without deletecollection: list, then delete every object not already going. */
async function deleteEach(client: ContentClient, path: string): Promise<void> {
  const { items } = await client.list(path);
  for (const o of items) {
    if (o.metadata.deletionTimestamp || !o.metadata.name) continue;
    try {
      await client.delete(`${path}/${encodeURIComponent(o.metadata.name)}`, { propagationPolicy: 'Background' });
    } catch (err) {
      // Gone already is what we wanted.
      if (!(err instanceof ApiStatusError && err.code === 404)) throw err;
    }
  }
}

/** How long until a terminating pod's grace period runs out. */
function graceLeft(pod: KObject, nowMs: number): number {
  const ts = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (!ts || typeof grace !== 'number') return 0;
  const end = Date.parse(ts) + grace * 1000;
  return Math.max(0, Math.ceil((end - nowMs) / 1000));
}
