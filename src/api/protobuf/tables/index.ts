// Every package table, in one list for the default Schema.
import type { PackageSource } from '../table.js';
import { admissionregistrationV1 } from './admissionregistration-v1.js';
import { appsV1 } from './apps-v1.js';
import { authenticationV1 } from './authentication-v1.js';
import { authenticationV1beta1 } from './authentication-v1beta1.js';
import { authorizationV1 } from './authorization-v1.js';
import { autoscalingV1 } from './autoscaling-v1.js';
import { autoscalingV2 } from './autoscaling-v2.js';
import { batchV1 } from './batch-v1.js';
import { certificatesV1 } from './certificates-v1.js';
import { coordinationV1 } from './coordination-v1.js';
import { coreV1 } from './core-v1.js';
import { discoveryV1 } from './discovery-v1.js';
import { eventsV1 } from './events-v1.js';
import { flowcontrolV1 } from './flowcontrol-v1.js';
import { metaV1 } from './meta-v1.js';
import { networkingV1 } from './networking-v1.js';
import { nodeV1 } from './node-v1.js';
import { policyV1 } from './policy-v1.js';
import { rbacV1 } from './rbac-v1.js';
import { schedulingV1 } from './scheduling-v1.js';
import { storageV1 } from './storage-v1.js';

export const allPackages: PackageSource[] = [
  metaV1, coreV1, appsV1, batchV1, autoscalingV1, autoscalingV2, coordinationV1, discoveryV1, eventsV1,
  rbacV1, schedulingV1, storageV1, networkingV1, authenticationV1, authenticationV1beta1, authorizationV1, policyV1,
  certificatesV1, nodeV1, admissionregistrationV1, flowcontrolV1,
];
