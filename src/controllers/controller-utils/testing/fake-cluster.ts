// An in-memory stand-in for the API server behind the workload controllers' API seams,
// for unit tests: objects live in the same Cache the informers would fill, so a write
// is visible to the next sync at once (or, for pods, only when podsVisible says so, to
// test expectations). Writes are guarded by resourceVersion like the real server.

import { ApiStatusError } from '../../../client/errors.js';
import { Cache } from '../../../client/lister.js';
import type { Clock } from '../../../client/clock.js';
import type { KObject } from '../../../client/types.js';
import type { DeploymentApi } from '../../deployment/api.js';
import type { ReplicaSetApi } from '../../replicaset/api.js';
import type { EventSink } from '../events.js';
import { semanticEqual } from '../canonical.js';
import { rfc3339, type Deployment, type OwnerReference, type Pod, type ReplicaSet } from '../types.js';

export interface RecordedEvent {
  kind?: string;
  name?: string;
  type: string;
  reason: string;
  message: string;
}

function status(code: number, reason: string, message: string): ApiStatusError {
  return new ApiStatusError({ kind: 'Status', status: 'Failure', code, reason, message }, code);
}

export class FakeCluster {
  readonly deployments = new Cache<Deployment>();
  readonly replicaSets = new Cache<ReplicaSet>();
  readonly pods = new Cache<Pod>();
  readonly writes: string[] = [];
  readonly events: RecordedEvent[] = [];
  /** Created pods enter the pod cache (as if the informer saw them at once). */
  podsVisible = true;
  /** Told of pods entering and leaving the pod cache, as informer handlers are. */
  readonly podListeners: { onAdd(p: Pod): void; onDelete(p: Pod): void }[] = [];
  /** Makes createPod fail: answer an error for the n-th creation (1-based), or undefined. */
  failCreate?: (n: number) => Error | undefined;
  private creations = 0;
  private rv = 1000;
  private uid = 1;

  constructor(readonly clock: Clock) {}

  private stamp<T extends KObject>(obj: T, generation: boolean): T {
    const o = structuredClone(obj);
    o.metadata.uid ??= `uid-${this.uid++}`;
    o.metadata.creationTimestamp ??= rfc3339(this.clock.now());
    o.metadata.resourceVersion = String(++this.rv);
    if (generation) o.metadata.generation ??= 1;
    return o;
  }

  addDeployment(d: Deployment): Deployment {
    const o = this.stamp(d, true);
    o.metadata.namespace ??= 'default';
    this.deployments.set(o);
    return o;
  }

  addReplicaSet(rs: ReplicaSet): ReplicaSet {
    const o = this.stamp(rs, true);
    o.metadata.namespace ??= 'default';
    this.replicaSets.set(o);
    return o;
  }

  addPod(p: Pod): Pod {
    const o = this.stamp(p, false);
    o.metadata.namespace ??= 'default';
    this.pods.set(o);
    for (const l of this.podListeners) l.onAdd(o);
    return o;
  }

  /** Changes a stored deployment as a user would (spec changes bump the generation). */
  editDeployment(ns: string, name: string, edit: (d: Deployment) => void): Deployment {
    const cur = this.deployments.get(ns, name);
    if (!cur) throw new Error(`no deployment ${ns}/${name}`);
    const next = structuredClone(cur);
    edit(next);
    if (!semanticEqual(next.spec, cur.spec)) next.metadata.generation = (cur.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = String(++this.rv);
    this.deployments.set(next);
    return next;
  }

  /** Sets every ReplicaSet's status as its controller would, with `available(rs)` pods available. */
  settleReplicaSets(available: (rs: ReplicaSet) => number = (rs) => rs.spec?.replicas ?? 0): void {
    for (const rs of this.replicaSets.list()) {
      const n = rs.spec?.replicas ?? 0;
      const a = Math.min(n, available(rs));
      const next = structuredClone(rs);
      next.status = { replicas: n, readyReplicas: a, availableReplicas: a, observedGeneration: rs.metadata.generation };
      next.metadata.resourceVersion = String(++this.rv);
      this.replicaSets.set(next);
    }
  }

  private checkRv(cur: KObject | undefined, obj: KObject, what: string): KObject {
    if (!cur) throw status(404, 'NotFound', `${what} "${obj.metadata.name}" not found`);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw status(409, 'Conflict', `Operation cannot be fulfilled on ${what} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    return cur;
  }

  deploymentApi(): DeploymentApi {
    return {
      getDeployment: async (ns, name) => {
        const d = this.deployments.get(ns, name);
        if (!d) throw status(404, 'NotFound', `deployments.apps "${name}" not found`);
        return structuredClone(d);
      },
      updateDeploymentStatus: async (d) => {
        const cur = this.checkRv(this.deployments.get(d.metadata.namespace ?? '', d.metadata.name ?? ''), d, 'deployments.apps') as Deployment;
        const next = structuredClone(cur);
        next.status = structuredClone(d.status);
        next.metadata.annotations = { ...cur.metadata.annotations, ...d.metadata.annotations };
        next.metadata.resourceVersion = String(++this.rv);
        this.deployments.set(next);
        this.writes.push(`status deployment/${d.metadata.name}`);
        return structuredClone(next);
      },
      createReplicaSet: async (ns, rs) => {
        if (this.replicaSets.get(ns, rs.metadata.name ?? '')) throw status(409, 'AlreadyExists', `replicasets.apps "${rs.metadata.name}" already exists`);
        const o = this.stamp({ ...rs, metadata: { ...rs.metadata, namespace: ns } }, true);
        this.replicaSets.set(o);
        this.writes.push(`create rs/${rs.metadata.name} ${rs.spec?.replicas}`);
        return structuredClone(o);
      },
      updateReplicaSet: async (rs) => {
        const cur = this.checkRv(this.replicaSets.get(rs.metadata.namespace ?? '', rs.metadata.name ?? ''), rs, 'replicasets.apps') as ReplicaSet;
        const next = structuredClone(rs);
        next.status = cur.status;
        next.metadata.generation = (cur.metadata.generation ?? 1) + (semanticEqual(cur.spec, rs.spec) ? 0 : 1);
        next.metadata.resourceVersion = String(++this.rv);
        this.replicaSets.set(next);
        this.writes.push(`scale rs/${rs.metadata.name} ${cur.spec?.replicas}->${rs.spec?.replicas}`);
        return structuredClone(next);
      },
      deleteReplicaSet: async (ns, name) => {
        if (!this.replicaSets.delete(`${ns}/${name}`)) throw status(404, 'NotFound', `replicasets.apps "${name}" not found`);
        this.writes.push(`delete rs/${name}`);
      },
      patchReplicaSet: async (ns, name, patch) => this.patchOwners(this.replicaSets, ns, name, patch, 'rs'),
    };
  }

  replicaSetApi(): ReplicaSetApi {
    return {
      getReplicaSet: async (ns, name) => {
        const rs = this.replicaSets.get(ns, name);
        if (!rs) throw status(404, 'NotFound', `replicasets.apps "${name}" not found`);
        return structuredClone(rs);
      },
      createPod: async (ns, pod) => {
        const n = ++this.creations;
        const err = this.failCreate?.(n);
        if (err) throw err;
        const name = `${pod.metadata.generateName ?? ''}${String(n).padStart(5, 'x')}`;
        const o = this.stamp({ ...pod, metadata: { ...pod.metadata, name, namespace: ns } }, false);
        o.status = { phase: 'Pending' };
        if (this.podsVisible) {
          this.pods.set(o);
          for (const l of this.podListeners) l.onAdd(o);
        }
        this.writes.push(`create pod/${name}`);
        return structuredClone(o);
      },
      deletePod: async (ns, name) => {
        this.writes.push(`delete pod/${name}`);
        const gone = this.pods.delete(`${ns}/${name}`);
        if (!gone) throw status(404, 'NotFound', `pods "${name}" not found`);
        for (const l of this.podListeners) l.onDelete(gone);
      },
      patchPod: async (ns, name, patch) => this.patchOwners(this.pods, ns, name, patch, 'pod'),
      updateReplicaSetStatus: async (rs) => {
        const cur = this.checkRv(this.replicaSets.get(rs.metadata.namespace ?? '', rs.metadata.name ?? ''), rs, 'replicasets.apps') as ReplicaSet;
        const next = structuredClone(cur);
        next.status = structuredClone(rs.status);
        next.metadata.resourceVersion = String(++this.rv);
        this.replicaSets.set(next);
        this.writes.push(`status rs/${rs.metadata.name}`);
        return structuredClone(next);
      },
    };
  }

  eventSink(): EventSink {
    return {
      event: async (about, type, reason, message) => {
        this.events.push({ kind: about.kind, name: about.metadata.name, type, reason, message });
      },
    };
  }

  /** The adoption and release patches controllers send (ownerReferences merged by uid). */
  private async patchOwners<T extends KObject>(cache: Cache<T>, ns: string, name: string, patch: Record<string, unknown>, what: string): Promise<T> {
    const cur = cache.get(ns, name);
    if (!cur) throw status(404, 'NotFound', `${what} "${name}" not found`);
    const next = structuredClone(cur);
    const refs = ((next.metadata.ownerReferences ?? []) as unknown as OwnerReference[]).slice();
    const meta = (patch.metadata ?? {}) as { ownerReferences?: (OwnerReference & { $patch?: string })[] };
    for (const r of meta.ownerReferences ?? []) {
      const i = refs.findIndex((x) => x.uid === r.uid);
      if (r.$patch === 'delete') {
        if (i >= 0) refs.splice(i, 1);
      } else if (i >= 0) refs[i] = { ...refs[i], ...r };
      else refs.push(r);
    }
    next.metadata.ownerReferences = refs as unknown as Record<string, unknown>[];
    next.metadata.resourceVersion = String(++this.rv);
    cache.set(next);
    this.writes.push(`patch ${what}/${name}`);
    return structuredClone(next);
  }
}
