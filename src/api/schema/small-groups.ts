// Schemas of the groups with one or two kinds: coordination (Lease), events.k8s.io (Event), scheduling (PriorityClass), storage (StorageClass), policy (PodDisruptionBudget, Eviction).

import type { Definitions } from './types.js';
import { refIn, atomic, bool, core, dict, gvk, i32, i64, inPackage, intOrStr, list, meta, microTime, obj, str, time } from './dsl.js';

const coordination = refIn('io.k8s.api.coordination.v1');
const events = refIn('io.k8s.api.events.v1');
const scheduling = refIn('io.k8s.api.scheduling.v1');
const storage = refIn('io.k8s.api.storage.v1');
const policy = refIn('io.k8s.api.policy.v1');

export const coordinationV1Definitions: Definitions = inPackage('io.k8s.api.coordination.v1', {
  Lease: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: coordination('LeaseSpec'),
  }), 'coordination.k8s.io', 'v1', 'Lease'),
  LeaseList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(coordination('Lease')),
  }, { required: ['items'] }), 'coordination.k8s.io', 'v1', 'LeaseList'),
  LeaseSpec: obj({
    holderIdentity: str(),
    leaseDurationSeconds: i32(),
    acquireTime: microTime(),
    renewTime: microTime(),
    leaseTransitions: i32(),
    strategy: str(),
    preferredHolder: str(),
  }),
});

export const eventsV1Definitions: Definitions = inPackage('io.k8s.api.events.v1', {
  Event: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    eventTime: microTime(),
    series: events('EventSeries'),
    reportingController: str(),
    reportingInstance: str(),
    action: str(),
    reason: str(),
    regarding: core('ObjectReference'),
    related: core('ObjectReference'),
    note: str(),
    type: str(),
    deprecatedSource: core('EventSource'),
    deprecatedFirstTimestamp: time(),
    deprecatedLastTimestamp: time(),
    deprecatedCount: i32(),
  }, { required: ['eventTime'] }), 'events.k8s.io', 'v1', 'Event'),
  EventList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(events('Event')),
  }, { required: ['items'] }), 'events.k8s.io', 'v1', 'EventList'),
  EventSeries: obj({ count: i32(), lastObservedTime: microTime() }, { required: ['count', 'lastObservedTime'] }),
});

export const schedulingV1Definitions: Definitions = inPackage('io.k8s.api.scheduling.v1', {
  PriorityClass: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    value: i32(),
    globalDefault: bool(),
    description: str(),
    preemptionPolicy: str('Never', 'PreemptLowerPriority'),
  }), 'scheduling.k8s.io', 'v1', 'PriorityClass'),
  PriorityClassList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(scheduling('PriorityClass')),
  }, { required: ['items'] }), 'scheduling.k8s.io', 'v1', 'PriorityClassList'),
});

export const storageV1Definitions: Definitions = inPackage('io.k8s.api.storage.v1', {
  StorageClass: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    provisioner: str(),
    parameters: dict(str()),
    reclaimPolicy: str('Delete', 'Recycle', 'Retain'),
    mountOptions: atomic(str()),
    allowVolumeExpansion: bool(),
    volumeBindingMode: str('Immediate', 'WaitForFirstConsumer'),
    allowedTopologies: atomic(core('TopologySelectorTerm')),
  }, { required: ['provisioner'] }), 'storage.k8s.io', 'v1', 'StorageClass'),
  StorageClassList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(storage('StorageClass')),
  }, { required: ['items'] }), 'storage.k8s.io', 'v1', 'StorageClassList'),
});

export const policyV1Definitions: Definitions = inPackage('io.k8s.api.policy.v1', {
  PodDisruptionBudget: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: policy('PodDisruptionBudgetSpec'),
    status: policy('PodDisruptionBudgetStatus'),
  }), 'policy', 'v1', 'PodDisruptionBudget'),
  Eviction: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    deleteOptions: meta('DeleteOptions'),
  }), 'policy', 'v1', 'Eviction'),
  PodDisruptionBudgetList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(policy('PodDisruptionBudget')),
  }, { required: ['items'] }), 'policy', 'v1', 'PodDisruptionBudgetList'),
  PodDisruptionBudgetSpec: obj({
    minAvailable: intOrStr(),
    selector: meta('LabelSelector'),
    maxUnavailable: intOrStr(),
    unhealthyPodEvictionPolicy: str('AlwaysAllow', 'IfHealthyBudget'),
  }),
  PodDisruptionBudgetStatus: obj({
    observedGeneration: i64(),
    disruptedPods: dict(time()),
    disruptionsAllowed: i32(),
    currentHealthy: i32(),
    desiredHealthy: i32(),
    expectedPods: i32(),
    conditions: list(meta('Condition'), { type: 'map', keys: ['type'], patch: 'merge', key: 'type' }),
  }),
});
