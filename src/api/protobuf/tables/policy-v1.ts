// Wire table of policy/v1 (proto package k8s.io.api.policy.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const policyV1: PackageSource = {
  key: 'policy/v1',
  messages: {
    Eviction: `metadata=1:meta/v1.ObjectMeta deleteOptions=2:meta/v1.DeleteOptions?`,
    PodDisruptionBudget: `metadata=1:meta/v1.ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus`,
    PodDisruptionBudgetList: `metadata=1:meta/v1.ListMeta items=2:[]PodDisruptionBudget!`,
    PodDisruptionBudgetSpec: `minAvailable=1:intorstr? selector=2:meta/v1.LabelSelector? maxUnavailable=3:intorstr?
    unhealthyPodEvictionPolicy=4:string?`,
    PodDisruptionBudgetStatus: `observedGeneration=1:int64 disruptedPods=2:{time} disruptionsAllowed=3:int32! currentHealthy=4:int32!
    desiredHealthy=5:int32! expectedPods=6:int32! conditions=7:[]meta/v1.Condition`,
  },
};
