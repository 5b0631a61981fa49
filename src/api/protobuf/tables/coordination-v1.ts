// Wire table of coordination/v1 (proto package k8s.io.api.coordination.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const coordinationV1: PackageSource = {
  key: 'coordination/v1',
  messages: {
    Lease: `metadata=1:meta/v1.ObjectMeta spec=2:LeaseSpec`,
    LeaseList: `metadata=1:meta/v1.ListMeta items=2:[]Lease!`,
    LeaseSpec: `holderIdentity=1:string? leaseDurationSeconds=2:int32? acquireTime=3:microtime? renewTime=4:microtime?
    leaseTransitions=5:int32? strategy=6:string? preferredHolder=7:string?`,
  },
};
