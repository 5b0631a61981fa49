// autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2. v2 is what is stored; v1
// knows only a CPU utilization target, so, as in Kubernetes, the v2 metrics and
// conditions that v1 cannot express travel in annotations and come back from them.

type Obj = Record<string, unknown>;

const metricsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const currentMetricsAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function isCpuUtilization(m: Obj): boolean {
  const r = isObj(m.resource) ? m.resource : {};
  const t = isObj(r.target) ? r.target : {};
  return m.type === 'Resource' && r.name === 'cpu' && t.type === 'Utilization';
}

export function hpaV2ToV1(hpa: Obj): Obj {
  const spec = isObj(hpa.spec) ? hpa.spec : {};
  const status = isObj(hpa.status) ? hpa.status : {};
  const meta = isObj(hpa.metadata) ? { ...hpa.metadata } : {};
  const annotations: Record<string, string> = { ...(isObj(meta.annotations) ? (meta.annotations as Record<string, string>) : {}) };
  const metrics = arr(spec.metrics);
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[metricsAnnotation] = JSON.stringify(others);
  if (spec.behavior !== undefined) annotations[behaviorAnnotation] = JSON.stringify(spec.behavior);
  const current = arr(status.currentMetrics);
  const cpuNow = current.find((m) => m.type === 'Resource' && isObj(m.resource) && m.resource.name === 'cpu');
  const otherNow = current.filter((m) => m !== cpuNow);
  if (otherNow.length > 0) annotations[currentMetricsAnnotation] = JSON.stringify(otherNow);
  if (arr(status.conditions).length > 0) annotations[conditionsAnnotation] = JSON.stringify(status.conditions);
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;

  const v1Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v1Spec.minReplicas = spec.minReplicas;
  const target = cpu && isObj(cpu.resource) && isObj(cpu.resource.target) ? cpu.resource.target.averageUtilization : undefined;
  if (target !== undefined) v1Spec.targetCPUUtilizationPercentage = target;
  const v1Status: Obj = {};
  for (const f of ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']) if (status[f] !== undefined) v1Status[f] = status[f];
  const cpuCurrent = cpuNow && isObj(cpuNow.resource) && isObj(cpuNow.resource.current) ? cpuNow.resource.current.averageUtilization : undefined;
  if (cpuCurrent !== undefined) v1Status.currentCPUUtilizationPercentage = cpuCurrent;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1Spec, status: v1Status };
}

function takeJson(annotations: Record<string, string>, key: string): unknown {
  const v = annotations[key];
  delete annotations[key];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

export function hpaV1ToV2(hpa: Obj): Obj {
  const spec = isObj(hpa.spec) ? hpa.spec : {};
  const status = isObj(hpa.status) ? hpa.status : {};
  const meta = isObj(hpa.metadata) ? { ...hpa.metadata } : {};
  const annotations: Record<string, string> = { ...(isObj(meta.annotations) ? (meta.annotations as Record<string, string>) : {}) };
  const otherMetrics = arr(takeJson(annotations, metricsAnnotation));
  const behavior = takeJson(annotations, behaviorAnnotation);
  const otherCurrent = arr(takeJson(annotations, currentMetricsAnnotation));
  const conditions = takeJson(annotations, conditionsAnnotation);
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;

  const metrics: Obj[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...otherMetrics);
  const v2Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v2Spec.minReplicas = spec.minReplicas;
  if (metrics.length > 0) v2Spec.metrics = metrics;
  if (behavior !== undefined) v2Spec.behavior = behavior;
  const v2Status: Obj = {};
  for (const f of ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']) if (status[f] !== undefined) v2Status[f] = status[f];
  const current: Obj[] = [];
  if (typeof status.currentCPUUtilizationPercentage === 'number') {
    current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
  }
  current.push(...otherCurrent);
  if (current.length > 0) v2Status.currentMetrics = current;
  if (Array.isArray(conditions)) v2Status.conditions = conditions;
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2Spec, status: v2Status };
}
