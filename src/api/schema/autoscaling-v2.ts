// Schemas of autoscaling/v2: the metric-based HorizontalPodAutoscaler (the storage version of HPAs).

import type { Definitions } from './types.js';
import { atomic, gvk, i32, i64, inPackage, list, meta, obj, qty, refIn, str, time } from './dsl.js';

const t = refIn('io.k8s.api.autoscaling.v2');

export const autoscalingV2Definitions: Definitions = inPackage('io.k8s.api.autoscaling.v2', {
  HorizontalPodAutoscaler: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('HorizontalPodAutoscalerSpec'),
    status: t('HorizontalPodAutoscalerStatus'),
  }, { required: ['spec'] }), 'autoscaling', 'v2', 'HorizontalPodAutoscaler'),
  HorizontalPodAutoscalerList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('HorizontalPodAutoscaler')),
  }, { required: ['items'] }), 'autoscaling', 'v2', 'HorizontalPodAutoscalerList'),
  HorizontalPodAutoscalerSpec: obj({
    scaleTargetRef: t('CrossVersionObjectReference'),
    minReplicas: i32(),
    maxReplicas: i32(),
    metrics: atomic(t('MetricSpec')),
    behavior: t('HorizontalPodAutoscalerBehavior'),
  }, { required: ['scaleTargetRef', 'maxReplicas'] }),
  HorizontalPodAutoscalerStatus: obj({
    observedGeneration: i64(),
    lastScaleTime: time(),
    currentReplicas: i32(),
    desiredReplicas: i32(),
    currentMetrics: atomic(t('MetricStatus')),
    conditions: list(t('HorizontalPodAutoscalerCondition'), { type: 'map', keys: ['type'], patch: 'merge', key: 'type' }),
  }, { required: ['desiredReplicas'] }),
  CrossVersionObjectReference: obj({ kind: str(), name: str(), apiVersion: str() }, { required: ['kind', 'name'] }),
  MetricSpec: obj({
    type: str(),
    object: t('ObjectMetricSource'),
    pods: t('PodsMetricSource'),
    resource: t('ResourceMetricSource'),
    containerResource: t('ContainerResourceMetricSource'),
    external: t('ExternalMetricSource'),
  }, { required: ['type'] }),
  HorizontalPodAutoscalerBehavior: obj({ scaleUp: t('HPAScalingRules'), scaleDown: t('HPAScalingRules') }),
  MetricStatus: obj({
    type: str(),
    object: t('ObjectMetricStatus'),
    pods: t('PodsMetricStatus'),
    resource: t('ResourceMetricStatus'),
    containerResource: t('ContainerResourceMetricStatus'),
    external: t('ExternalMetricStatus'),
  }, { required: ['type'] }),
  HorizontalPodAutoscalerCondition: obj({
    type: str(),
    status: str(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
    observedGeneration: i64(),
  }, { required: ['type', 'status'] }),
  ObjectMetricSource: obj({
    describedObject: t('CrossVersionObjectReference'),
    target: t('MetricTarget'),
    metric: t('MetricIdentifier'),
  }, { required: ['describedObject', 'target', 'metric'] }),
  PodsMetricSource: obj({ metric: t('MetricIdentifier'), target: t('MetricTarget') }, { required: ['metric', 'target'] }),
  ResourceMetricSource: obj({ name: str(), target: t('MetricTarget') }, { required: ['name', 'target'] }),
  ContainerResourceMetricSource: obj({ name: str(), target: t('MetricTarget'), container: str() }, { required: ['name', 'target', 'container'] }),
  ExternalMetricSource: obj({ metric: t('MetricIdentifier'), target: t('MetricTarget') }, { required: ['metric', 'target'] }),
  HPAScalingRules: obj({
    stabilizationWindowSeconds: i32(),
    selectPolicy: str(),
    policies: atomic(t('HPAScalingPolicy')),
    tolerance: qty(),
  }),
  ObjectMetricStatus: obj({
    metric: t('MetricIdentifier'),
    current: t('MetricValueStatus'),
    describedObject: t('CrossVersionObjectReference'),
  }, { required: ['metric', 'current', 'describedObject'] }),
  PodsMetricStatus: obj({ metric: t('MetricIdentifier'), current: t('MetricValueStatus') }, { required: ['metric', 'current'] }),
  ResourceMetricStatus: obj({ name: str(), current: t('MetricValueStatus') }, { required: ['name', 'current'] }),
  ContainerResourceMetricStatus: obj({ name: str(), current: t('MetricValueStatus'), container: str() }, { required: ['name', 'current', 'container'] }),
  ExternalMetricStatus: obj({ metric: t('MetricIdentifier'), current: t('MetricValueStatus') }, { required: ['metric', 'current'] }),
  MetricTarget: obj({
    type: str(),
    value: qty(),
    averageValue: qty(),
    averageUtilization: i32(),
  }, { required: ['type'] }),
  MetricIdentifier: obj({ name: str(), selector: meta('LabelSelector') }, { required: ['name'] }),
  HPAScalingPolicy: obj({ type: str(), value: i32(), periodSeconds: i32() }, { required: ['type', 'value', 'periodSeconds'] }),
  MetricValueStatus: obj({ value: qty(), averageValue: qty(), averageUtilization: i32() }),
});
