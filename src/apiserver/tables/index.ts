// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the
// columns of each kind and one row of cells per object, as kube-apiserver's printers
// produce them. All columns are always sent; kubectl hides priority-1 columns unless
// asked for -o wide.

import type { ResourceType } from '../../api/resources.js';
import { type JsonObject, isObj, obj } from '../../api/validation/json.js';
import type { ColumnDefinition, Printer } from './types.js';
import { podPrinter, podRowConditions } from './pods.js';
import {
  configMapPrinter, coreEventPrinter, defaultPrinter, endpointsPrinter, eventsAPIPrinter, namespacePrinter, nodePrinter,
  persistentVolumeClaimPrinter, persistentVolumePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter,
  replicationControllerPrinter, statefulSetPrinter,
} from './workloads.js';
import {
  clusterRoleBindingPrinter, endpointSlicePrinter, hpaV1Printer, hpaV2Printer, ingressClassPrinter, ingressPrinter, leasePrinter,
  networkPolicyPrinter, podDisruptionBudgetPrinter, priorityClassPrinter, roleBindingPrinter, scalePrinter, storageClassPrinter,
} from './other.js';

export type { ColumnDefinition } from './types.js';
export { humanDuration, since as translateTimestampSince } from './duration.js';
export { podStatusCells } from './pods.js';

const printers: Record<string, Printer> = {
  '/Pod': podPrinter,
  '/Namespace': namespacePrinter,
  '/Service': servicePrinter,
  '/Endpoints': endpointsPrinter,
  '/ConfigMap': configMapPrinter,
  '/Secret': secretPrinter,
  '/ServiceAccount': serviceAccountPrinter,
  '/Node': nodePrinter,
  '/Event': coreEventPrinter,
  '/PersistentVolume': persistentVolumePrinter,
  '/PersistentVolumeClaim': persistentVolumeClaimPrinter,
  '/ResourceQuota': resourceQuotaPrinter,
  '/ReplicationController': replicationControllerPrinter,
  'apps/Deployment': deploymentPrinter,
  'apps/ReplicaSet': replicaSetPrinter,
  'apps/StatefulSet': statefulSetPrinter,
  'apps/DaemonSet': daemonSetPrinter,
  'apps/ControllerRevision': controllerRevisionPrinter,
  'batch/Job': jobPrinter,
  'batch/CronJob': cronJobPrinter,
  'autoscaling/v2/HorizontalPodAutoscaler': hpaV2Printer,
  'autoscaling/v1/HorizontalPodAutoscaler': hpaV1Printer,
  'coordination.k8s.io/Lease': leasePrinter,
  'discovery.k8s.io/EndpointSlice': endpointSlicePrinter,
  'events.k8s.io/Event': eventsAPIPrinter,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingPrinter,
  'rbac.authorization.k8s.io/ClusterRoleBinding': clusterRoleBindingPrinter,
  'scheduling.k8s.io/PriorityClass': priorityClassPrinter,
  'storage.k8s.io/StorageClass': storageClassPrinter,
  'networking.k8s.io/Ingress': ingressPrinter,
  'networking.k8s.io/IngressClass': ingressClassPrinter,
  'networking.k8s.io/NetworkPolicy': networkPolicyPrinter,
  'policy/PodDisruptionBudget': podDisruptionBudgetPrinter,
  // Not a resource of its own: the scale subresource's kind, for callers that print it.
  'autoscaling/Scale': scalePrinter,
};

function printerFor(r: ResourceType): Printer {
  return printers[`${r.group}/${r.version}/${r.kind}`] ?? printers[`${r.group}/${r.kind}`] ?? defaultPrinter;
}

/** The column definitions of a kind (Role, ClusterRole, LimitRange get NAME, CREATED AT). */
export function tableColumns(r: ResourceType): ColumnDefinition[] {
  return printerFor(r).columns.map((c) => ({ ...c }));
}

/** The cells of one object, in column order, computed at `now` (for ages). */
export function tableRow(r: ResourceType, o: Record<string, unknown>, now: Date): unknown[] {
  return printerFor(r).row(o, now);
}

/** Row conditions (only finished pods carry one: Completed). */
export function tableRowConditions(r: ResourceType, o: Record<string, unknown>): { type: string; status: string; reason: string; message: string }[] {
  return r.group === '' && r.kind === 'Pod' ? podRowConditions(o) : [];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** What each row's `object` holds; Kubernetes' default is Metadata. */
  includeObject?: IncludeObject;
  /** The list's resourceVersion and continue token, copied into the Table's metadata. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** Leave out the column definitions (kubectl asks so for watch events after the first). */
  noHeaders?: boolean;
}

/** A meta.k8s.io/v1 Table of `items`, ready to serialise. */
export function buildTable(r: ResourceType, items: Record<string, unknown>[], now: Date, opts: TableOptions = {}): JsonObject {
  const include = opts.includeObject ?? 'Metadata';
  const meta: JsonObject = {};
  if (opts.resourceVersion) meta.resourceVersion = opts.resourceVersion;
  if (opts.continue) meta.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) meta.remainingItemCount = opts.remainingItemCount;
  const rows = items.map((item) => {
    const row: JsonObject = { cells: tableRow(r, item, now) };
    const conditions = tableRowConditions(r, item);
    if (conditions.length) row.conditions = conditions;
    if (include === 'Object') row.object = item;
    else if (include === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: isObj(item.metadata) ? obj(item, 'metadata') : {} };
    }
    return row;
  });
  const table: JsonObject = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta };
  if (!opts.noHeaders) table.columnDefinitions = tableColumns(r);
  table.rows = rows;
  return table;
}
