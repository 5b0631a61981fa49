// A StatefulSet pod's identity: the name `<set>-<ordinal>`, the pod-name and pod-index
// labels, hostname and subdomain (the governing service), and its own claims
// `<template>-<set>-<ordinal>` mounted where the template's volumes were.

import type { KObject } from '../../client/types.js';
import { newControllerRef } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import { revisionHashLabel } from '../history/revision.js';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

export interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  ordinals?: { start?: number };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  volumeClaimTemplates?: ClaimTemplate[];
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas: number;
  conditions?: unknown[];
}

export interface StatefulSet extends KObject {
  spec?: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined for any other name. */
export function ordinalOf(setName: string, podName: string): number | undefined {
  if (!podName.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(template: ClaimTemplate, setName: string, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${setName}-${ordinal}`;
}

interface Volume {
  name: string;
  [k: string]: unknown;
}

/** The pod for ordinal from a template (the revision's), with the set's identity and storage. */
export function newStatefulPod(set: StatefulSet, template: StatefulSetSpec['template'], revisionName: string, ordinal: number): Pod {
  const setName = set.metadata.name ?? '';
  const name = `${setName}-${ordinal}`;
  const tpl = structuredClone(template ?? {});
  const spec = (tpl.spec ?? {}) as Record<string, unknown>;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const claims = set.spec?.volumeClaimTemplates ?? [];
  if (claims.length > 0) {
    const names = new Set(claims.map((c) => c.metadata?.name));
    const volumes = ((spec.volumes as Volume[] | undefined) ?? []).filter((v) => !names.has(v.name));
    for (const c of claims) volumes.push({ name: c.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(c, setName, ordinal) } });
    spec.volumes = volumes;
  }
  const labels = { ...(tpl.metadata?.labels ?? {}), [revisionHashLabel]: revisionName, [podNameLabel]: name, [podIndexLabel]: String(ordinal) };
  const metadata: KObject['metadata'] = { name, namespace: set.metadata.namespace, labels, ownerReferences: [{ ...newControllerRef(set, 'apps/v1', 'StatefulSet') }] };
  if (tpl.metadata?.annotations) metadata.annotations = { ...tpl.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** The claims of one ordinal; owned by the set when whenDeleted is Delete. */
export function newClaims(set: StatefulSet, ordinal: number): KObject[] {
  const setName = set.metadata.name ?? '';
  const ownByDelete = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec?.volumeClaimTemplates ?? []).map((c) => {
    const metadata: KObject['metadata'] = {
      name: claimName(c, setName, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(c.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
    };
    if (c.metadata?.annotations) metadata.annotations = { ...c.metadata.annotations };
    if (ownByDelete) metadata.ownerReferences = [{ ...newControllerRef(set, 'apps/v1', 'StatefulSet') }];
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: structuredClone(c.spec ?? {}) };
  });
}
