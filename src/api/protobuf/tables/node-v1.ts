// Wire table of node/v1 (proto package k8s.io.api.node.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const nodeV1: PackageSource = {
  key: 'node/v1',
  messages: {
    Overhead: `podFixed=1:{quantity}`,
    RuntimeClass: `metadata=1:meta/v1.ObjectMeta handler=2:string! overhead=3:Overhead? scheduling=4:Scheduling?`,
    RuntimeClassList: `metadata=1:meta/v1.ListMeta items=2:[]RuntimeClass!`,
    Scheduling: `nodeSelector=1:{string} tolerations=2:[]core/v1.Toleration`,
  },
};
