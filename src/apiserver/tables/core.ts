// Printers of the core kinds other than pods.

import { type JsonObject, arr, bool, num, obj, objs, str, strMap } from '../../api/validation/json.js';
import { canonicalQuantity, isValidQuantity } from '../../api/validation/quantity.js';
import { since } from './duration.js';
import { formatLabels, joinHostPort } from './format.js';
import { type Printer, ageCol, col, nameCol } from './types.js';

const name = (o: JsonObject): string => str(obj(o, 'metadata'), 'name');
const age = (o: JsonObject, now: Date): string => since(str(obj(o, 'metadata'), 'creationTimestamp'), now);
const deleting = (o: JsonObject): boolean => !!str(obj(o, 'metadata'), 'deletionTimestamp');

/** Quantity.String(): canonical, "0" when absent. */
export function quantityCell(v: unknown): string {
  return isValidQuantity(v) ? canonicalQuantity(v as string) : '0';
}

export const namespacePrinter: Printer = {
  columns: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
  row: (o, now) => [name(o), str(obj(o, 'status'), 'phase'), age(o, now)],
};

function serviceExternalIP(spec: JsonObject, status: JsonObject): string {
  const external = arr(spec, 'externalIPs').map(String);
  switch (str(spec, 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set(objs(obj(status, 'loadBalancer'), 'ingress').map((i) => str(i, 'ip') || str(i, 'hostname')).filter((x) => x))].sort();
      if (external.length) return [...lb, ...external].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec, 'externalName');
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  columns: [
    nameCol,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The IP address of the service inside the cluster.'),
    col('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes.'),
    ageCol,
    col('Selector', 'string', 'Labels of the pods traffic is routed to.', 1),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const ips = arr(spec, 'clusterIPs');
    const clusterIP = ips.length ? String(ips[0]) : str(spec, 'clusterIP') || '<none>';
    const ports = objs(spec, 'ports').map((p) => {
      const np = num(p, 'nodePort') ?? 0;
      return np > 0 ? `${num(p, 'port') ?? 0}:${np}/${str(p, 'protocol')}` : `${num(p, 'port') ?? 0}/${str(p, 'protocol')}`;
    }).join(',');
    return [name(o), str(spec, 'type'), clusterIP, serviceExternalIP(spec, obj(o, 'status') ?? {}), ports || '<none>', age(o, now), formatLabels(strMap(spec, 'selector'))];
  },
};

export function formatEndpoints(ep: JsonObject): string {
  const subsets = objs(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = objs(ss, 'addresses');
    const ports = objs(ss, 'ports');
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(str(a, 'ip'));
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < max) list.push(joinHostPort(str(a, 'ip'), num(p, 'port') ?? 0));
    }
  }
  const ret = list.join(',');
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer = {
  columns: [nameCol, col('Endpoints', 'string', 'The addresses and ports behind the service.'), ageCol],
  row: (o, now) => [name(o), formatEndpoints(o), age(o, now)],
};

export const configMapPrinter: Printer = {
  columns: [nameCol, col('Data', 'string', 'Number of data entries.'), ageCol],
  row: (o, now) => [name(o), Object.keys(obj(o, 'data') ?? {}).length + Object.keys(obj(o, 'binaryData') ?? {}).length, age(o, now)],
};

export const secretPrinter: Printer = {
  columns: [nameCol, col('Type', 'string', 'The type of the secret.'), col('Data', 'string', 'Number of data entries.'), ageCol],
  row: (o, now) => [name(o), str(o, 'type'), Object.keys(obj(o, 'data') ?? {}).length, age(o, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [nameCol, col('Secrets', 'string', 'Number of secrets listed by the service account.'), ageCol],
  row: (o, now) => [name(o), objs(o, 'secrets').length, age(o, now)],
};

function nodeRoles(node: JsonObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(obj(node, 'metadata'), 'labels'))) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    nameCol,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol,
    col('Version', 'string', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'string', 'The internal address of the node.', 1),
    col('External-IP', 'string', 'The external address of the node.', 1),
    col('OS-Image', 'string', 'OS image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime version reported by the node.', 1),
  ],
  row(o, now) {
    const status = obj(o, 'status') ?? {};
    const ready = objs(status, 'conditions').find((c) => str(c, 'type') === 'Ready');
    const parts = ready ? [str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
    if (bool(obj(o, 'spec'), 'unschedulable') === true) parts.push('SchedulingDisabled');
    const info = obj(status, 'nodeInfo') ?? {};
    const addr = (type: string): string => str(objs(status, 'addresses').find((a) => str(a, 'type') === type), 'address') || '<none>';
    return [
      name(o), parts.join(','), nodeRoles(o), age(o, now), str(info, 'kubeletVersion'),
      addr('InternalIP'), addr('ExternalIP'), str(info, 'osImage') || '<unknown>', str(info, 'kernelVersion') || '<unknown>', str(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};

/** core/v1 and events.k8s.io/v1 events print alike; the newer API renames the fields. */
function eventPrinter(newAPI: boolean): Printer {
  return {
    columns: [
      col('Last Seen', 'string', 'Time the event was last observed.'),
      col('Type', 'string', 'Normal or Warning.'),
      col('Reason', 'string', 'Why the event was recorded, in CamelCase.'),
      col('Object', 'string', 'The object the event is about.'),
      col('Subobject', 'string', 'The part of the object the event is about.', 1),
      col('Source', 'string', 'The component that reported the event.', 1),
      col('Message', 'string', 'What happened.'),
      col('First Seen', 'string', 'Time the event was first observed.', 1),
      col('Count', 'string', 'Number of times the event occurred.', 1),
      { ...nameCol, priority: 1 },
    ],
    row(o, now) {
      // An events.k8s.io request may be handed the stored core/v1 shape: print whichever it is.
      const f = newAPI && (o.regarding !== undefined || o.involvedObject === undefined)
        ? { first: 'deprecatedFirstTimestamp', last: 'deprecatedLastTimestamp', count: 'deprecatedCount', ref: 'regarding', message: 'note', source: 'deprecatedSource', controller: 'reportingController' }
        : { first: 'firstTimestamp', last: 'lastTimestamp', count: 'count', ref: 'involvedObject', message: 'message', source: 'source', controller: 'reportingComponent' };
      const first = str(o, f.first) ? since(str(o, f.first), now) : since(str(o, 'eventTime'), now);
      let last = str(o, f.last) ? since(str(o, f.last), now) : first;
      let count = num(o, f.count) ?? 0;
      const series = obj(o, 'series');
      if (series) {
        last = since(str(series, 'lastObservedTime'), now);
        count = num(series, 'count') ?? 0;
      } else if (count === 0) {
        count = 1;
      }
      const ref = obj(o, f.ref) ?? {};
      const kind = str(ref, 'kind').toLowerCase();
      const target = str(ref, 'name') ? `${kind}/${str(ref, 'name')}` : kind;
      const src = obj(o, f.source) ?? {};
      const component = str(src, 'component') || str(o, f.controller);
      const host = str(src, 'host') || str(o, 'reportingInstance');
      return [last, str(o, 'type'), str(o, 'reason'), target, str(ref, 'fieldPath'), host ? `${component}, ${host}` : component, str(o, f.message).trim(), first, count, name(o)];
    },
  };
}

export const coreEventPrinter = eventPrinter(false);
export const eventsAPIPrinter = eventPrinter(true);

export function accessModesString(modes: unknown[]): string {
  const out: string[] = [];
  for (const [mode, short] of [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]) {
    if (modes.includes(mode)) out.push(short);
  }
  return out.join(',');
}

const storageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

function storageClassOf(o: JsonObject): string {
  const ann = strMap(obj(o, 'metadata'), 'annotations')[storageClassAnnotation];
  return ann ?? str(obj(o, 'spec'), 'storageClassName');
}

export const persistentVolumePrinter: Printer = {
  columns: [
    nameCol,
    col('Capacity', 'string', 'The size of the volume.'),
    col('Access Modes', 'string', 'How the volume may be mounted.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageCol,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const claim = obj(spec, 'claimRef');
    return [
      name(o), quantityCell(obj(spec, 'capacity')?.storage), accessModesString(arr(spec, 'accessModes')), str(spec, 'persistentVolumeReclaimPolicy'),
      deleting(o) ? 'Terminating' : str(status, 'phase'), claim ? `${str(claim, 'namespace')}/${str(claim, 'name')}` : '', storageClassOf(o),
      str(spec, 'volumeAttributesClassName') || '<unset>', str(status, 'reason'), age(o, now), str(spec, 'volumeMode') || '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameCol,
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The size of the bound volume.'),
    col('Access Modes', 'string', 'How the bound volume may be mounted.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageCol,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const status = obj(o, 'status') ?? {};
    const bound = str(spec, 'volumeName') !== '';
    return [
      name(o), deleting(o) ? 'Terminating' : str(status, 'phase'), str(spec, 'volumeName'),
      bound ? quantityCell(obj(status, 'capacity')?.storage) : '', bound ? accessModesString(arr(status, 'accessModes')) : '',
      storageClassOf(o), str(spec, 'volumeAttributesClassName') || '<unset>', age(o, now), str(spec, 'volumeMode') || '<unset>',
    ];
  },
};

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameCol,
    ageCol,
    col('Request', 'string', 'Used and hard quota of requests and object counts.'),
    col('Limit', 'string', 'Used and hard quota of limits.'),
  ],
  row(o, now) {
    const status = obj(o, 'status') ?? {};
    const hard = obj(status, 'hard') ?? {};
    const used = obj(status, 'used') ?? {};
    const req: string[] = [];
    const lim: string[] = [];
    for (const k of Object.keys(hard).sort()) {
      const cell = `${k}: ${quantityCell(used[k])}/${quantityCell(hard[k])}`;
      (k.split('.')[0] === 'limits' && k.includes('.') ? lim : req).push(cell);
    }
    return [name(o), age(o, now), req.join(', '), lim.join(', ')];
  },
};

/** Kinds without a printer get Kubernetes' default table: name and creation time. */
export const defaultPrinter: Printer = {
  columns: [nameCol, col('Created At', 'date', 'Time the object was created.')],
  row(o) {
    const t = Date.parse(str(obj(o, 'metadata'), 'creationTimestamp'));
    return [name(o), Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')];
  },
};

