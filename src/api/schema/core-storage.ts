// Schemas of core/v1 PersistentVolume and PersistentVolumeClaim (top level, status).

import type { Definitions } from './types.js';
import { atomic, dict, gvk, inPackage, list, meta, obj, qty, refIn, str, time } from './dsl.js';

const t = refIn('io.k8s.api.core.v1');

export const coreStorageDefinitions: Definitions = inPackage('io.k8s.api.core.v1', {
  PersistentVolume: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('PersistentVolumeSpec'),
    status: t('PersistentVolumeStatus'),
  }), '', 'v1', 'PersistentVolume'),
  PersistentVolumeClaim: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('PersistentVolumeClaimSpec'),
    status: t('PersistentVolumeClaimStatus'),
  }), '', 'v1', 'PersistentVolumeClaim'),
  PersistentVolumeList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('PersistentVolume')),
  }, { required: ['items'] }), '', 'v1', 'PersistentVolumeList'),
  PersistentVolumeClaimList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('PersistentVolumeClaim')),
  }, { required: ['items'] }), '', 'v1', 'PersistentVolumeClaimList'),
  PersistentVolumeStatus: obj({
    phase: str('Available', 'Bound', 'Failed', 'Pending', 'Released'),
    message: str(),
    reason: str(),
    lastPhaseTransitionTime: time(),
  }),
  PersistentVolumeClaimStatus: obj({
    phase: str('Bound', 'Lost', 'Pending'),
    accessModes: atomic(str('ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod')),
    capacity: dict(qty()),
    conditions: list(t('PersistentVolumeClaimCondition'), { type: 'map', keys: ['type'], patch: 'merge', key: 'type' }),
    allocatedResources: dict(qty()),
    allocatedResourceStatuses: dict(str('ControllerResizeInProgress', 'ControllerResizeInfeasible', 'NodeResizeInProgress', 'NodeResizeInfeasible', 'NodeResizePending'), 'granular'),
    currentVolumeAttributesClassName: str(),
    modifyVolumeStatus: t('ModifyVolumeStatus'),
    healthStatus: t('VolumeHealthStatus'),
  }),
  PersistentVolumeClaimCondition: obj({
    type: str(),
    status: str(),
    lastProbeTime: time(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { required: ['type', 'status'] }),
  ModifyVolumeStatus: obj({
    targetVolumeAttributesClassName: str(),
    status: str('InProgress', 'Infeasible', 'Pending'),
  }, { required: ['status'] }),
  VolumeHealthStatus: obj({
    healthConditions: list(t('VolumeHealthCondition'), { type: 'map', keys: ['status', 'reason'], patch: 'merge', key: 'status' }),
    lastTransitionTime: time(),
  }),
});
