// Wire table of scheduling/v1 (proto package k8s.io.api.scheduling.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const schedulingV1: PackageSource = {
  key: 'scheduling/v1',
  messages: {
    PriorityClass: `metadata=1:meta/v1.ObjectMeta value=2:int32! globalDefault=3:bool description=4:string
    preemptionPolicy=5:string?`,
    PriorityClassList: `metadata=1:meta/v1.ListMeta items=2:[]PriorityClass!`,
  },
};
