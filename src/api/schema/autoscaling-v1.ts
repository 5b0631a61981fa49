// Schemas of autoscaling/v1: the CPU-only HorizontalPodAutoscaler and Scale, the body of every /scale subresource.

import type { Definitions } from './types.js';
import { gvk, i32, i64, inPackage, list, meta, obj, refIn, str, time } from './dsl.js';

const t = refIn('io.k8s.api.autoscaling.v1');

export const autoscalingV1Definitions: Definitions = inPackage('io.k8s.api.autoscaling.v1', {
  HorizontalPodAutoscaler: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('HorizontalPodAutoscalerSpec'),
    status: t('HorizontalPodAutoscalerStatus'),
  }, { required: ['spec'] }), 'autoscaling', 'v1', 'HorizontalPodAutoscaler'),
  Scale: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('ScaleSpec'),
    status: t('ScaleStatus'),
  }), 'autoscaling', 'v1', 'Scale'),
  HorizontalPodAutoscalerList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('HorizontalPodAutoscaler')),
  }, { required: ['items'] }), 'autoscaling', 'v1', 'HorizontalPodAutoscalerList'),
  HorizontalPodAutoscalerSpec: obj({
    scaleTargetRef: t('CrossVersionObjectReference'),
    minReplicas: i32(),
    maxReplicas: i32(),
    targetCPUUtilizationPercentage: i32(),
  }, { required: ['scaleTargetRef', 'maxReplicas'] }),
  HorizontalPodAutoscalerStatus: obj({
    observedGeneration: i64(),
    lastScaleTime: time(),
    currentReplicas: i32(),
    desiredReplicas: i32(),
    currentCPUUtilizationPercentage: i32(),
  }, { required: ['currentReplicas', 'desiredReplicas'] }),
  ScaleSpec: obj({ replicas: i32() }),
  ScaleStatus: obj({ replicas: i32(), selector: str() }, { required: ['replicas'] }),
  CrossVersionObjectReference: obj({ kind: str(), name: str(), apiVersion: str() }, { required: ['kind', 'name'], atomic: true }),
});
