// Schemas of core/v1 scheduling constraints: affinity, tolerations, topology spread, scheduling gates.

import type { Definitions } from './types.js';
import { atomic, i32, i64, inPackage, meta, obj, refIn, str } from './dsl.js';

const t = refIn('io.k8s.api.core.v1');

export const coreSchedulingDefinitions: Definitions = inPackage('io.k8s.api.core.v1', {
  Affinity: obj({
    nodeAffinity: t('NodeAffinity'),
    podAffinity: t('PodAffinity'),
    podAntiAffinity: t('PodAntiAffinity'),
  }),
  Toleration: obj({
    key: str(),
    operator: str('Equal', 'Exists', 'Gt', 'Lt'),
    value: str(),
    effect: str('NoExecute', 'NoSchedule', 'PreferNoSchedule'),
    tolerationSeconds: i64(),
  }),
  TopologySpreadConstraint: obj({
    maxSkew: i32(),
    topologyKey: str(),
    whenUnsatisfiable: str('DoNotSchedule', 'ScheduleAnyway'),
    labelSelector: meta('LabelSelector'),
    minDomains: i32(),
    nodeAffinityPolicy: str('Honor', 'Ignore'),
    nodeTaintsPolicy: str('Honor', 'Ignore'),
    matchLabelKeys: atomic(str()),
  }, { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] }),
  PodSchedulingGate: obj({ name: str() }, { required: ['name'] }),
  PodSchedulingGroup: obj({ podGroupName: str() }),
  NodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: t('NodeSelector'),
    preferredDuringSchedulingIgnoredDuringExecution: atomic(t('PreferredSchedulingTerm')),
  }),
  PodAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: atomic(t('PodAffinityTerm')),
    preferredDuringSchedulingIgnoredDuringExecution: atomic(t('WeightedPodAffinityTerm')),
  }),
  PodAntiAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: atomic(t('PodAffinityTerm')),
    preferredDuringSchedulingIgnoredDuringExecution: atomic(t('WeightedPodAffinityTerm')),
  }),
  PreferredSchedulingTerm: obj({ weight: i32(), preference: t('NodeSelectorTerm') }, { required: ['weight', 'preference'] }),
  PodAffinityTerm: obj({
    labelSelector: meta('LabelSelector'),
    namespaces: atomic(str()),
    topologyKey: str(),
    namespaceSelector: meta('LabelSelector'),
    matchLabelKeys: atomic(str()),
    mismatchLabelKeys: atomic(str()),
  }, { required: ['topologyKey'] }),
  WeightedPodAffinityTerm: obj({ weight: i32(), podAffinityTerm: t('PodAffinityTerm') }, { required: ['weight', 'podAffinityTerm'] }),
});
