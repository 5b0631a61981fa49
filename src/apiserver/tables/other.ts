// Printers of autoscalers, leases, endpoint slices, RBAC bindings, priority and storage
// classes, ingresses, network policies and disruption budgets.

import { type JsonObject, arr, bool, num, obj, objs, str, strMap } from '../../api/validation/json.js';
import { since } from './duration.js';
import { formatLabelSelector, listWithMore } from './format.js';
import { quantityCell } from './core.js';
import { type Printer, ageCol, col, nameCol } from './types.js';

const name = (o: JsonObject): string => str(obj(o, 'metadata'), 'name');
const age = (o: JsonObject, now: Date): string => since(str(obj(o, 'metadata'), 'creationTimestamp'), now);

function metricCell(spec: JsonObject, status: JsonObject | undefined): string {
  const type = str(spec, 'type');
  const key = type.charAt(0).toLowerCase() + type.slice(1);
  const s = obj(spec, key);
  const target = obj(s, 'target') ?? {};
  const current = obj(obj(status, key), 'current');
  const q = (v: unknown): string => quantityCell(v);
  switch (type) {
    case 'External':
    case 'Object':
      if (target.averageValue !== undefined) return `${current?.averageValue !== undefined ? q(current.averageValue) : '<unknown>'}/${q(target.averageValue)} (avg)`;
      return `${current ? q(current.value) : '<unknown>'}/${q(target.value)}`;
    case 'Pods':
      return `${current ? q(current.averageValue) : '<unknown>'}/${q(target.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const res = str(s, 'name');
      if (target.averageValue !== undefined) return `${res}: ${current ? q(current.averageValue) : '<unknown>'}/${q(target.averageValue)}`;
      const cur = num(current, 'averageUtilization');
      const tgt = num(target, 'averageUtilization');
      return `${res}: ${cur !== undefined ? `${cur}%` : '<unknown>'}/${tgt !== undefined ? `${tgt}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatHPAMetrics(specs: JsonObject[], statuses: JsonObject[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((s, i) => metricCell(s, statuses[i]));
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

function hpaPrinter(v1: boolean): Printer {
  return {
    columns: [
      nameCol,
      col('Reference', 'string', 'The object whose scale is controlled.'),
      col('Targets', 'string', 'Current and target values of the metrics.'),
      col('MinPods', 'string', 'The lower limit of replicas.'),
      col('MaxPods', 'string', 'The upper limit of replicas.'),
      col('Replicas', 'string', 'The current number of replicas.'),
      ageCol,
    ],
    row(o, now) {
      const spec = obj(o, 'spec') ?? {};
      const status = obj(o, 'status') ?? {};
      const ref = obj(spec, 'scaleTargetRef') ?? {};
      let targets: string;
      if (v1) {
        const t = num(spec, 'targetCPUUtilizationPercentage');
        const c = num(status, 'currentCPUUtilizationPercentage');
        targets = t === undefined ? '<none>' : `cpu: ${c !== undefined ? `${c}%` : '<unknown>'}/${t}%`;
      } else {
        targets = formatHPAMetrics(objs(spec, 'metrics'), objs(status, 'currentMetrics'));
      }
      const min = num(spec, 'minReplicas');
      return [name(o), `${str(ref, 'kind')}/${str(ref, 'name')}`, targets, min === undefined ? '<unset>' : String(min), num(spec, 'maxReplicas') ?? 0, num(status, 'currentReplicas') ?? 0, age(o, now)];
    },
  };
}

export const hpaV2Printer = hpaPrinter(false);
export const hpaV1Printer = hpaPrinter(true);

export const leasePrinter: Printer = {
  columns: [nameCol, col('Holder', 'string', 'The current holder of the lease.'), ageCol],
  row: (o, now) => [name(o), str(obj(o, 'spec'), 'holderIdentity'), age(o, now)],
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameCol,
    col('AddressType', 'string', 'IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'The ports of the endpoints.'),
    col('Endpoints', 'string', 'The addresses of the endpoints.'),
    ageCol,
  ],
  row(o, now) {
    const ports = objs(o, 'ports').map((p) => (num(p, 'port') !== undefined ? String(num(p, 'port')) : str(p, 'name') || '*'));
    const addrs = objs(o, 'endpoints').flatMap((e) => arr(e, 'addresses').map(String));
    return [name(o), str(o, 'addressType'), listWithMore(ports, 3), listWithMore(addrs, 3), age(o, now)];
  },
};

function subjectsCells(o: JsonObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of objs(o, 'subjects')) {
    const kind = str(s, 'kind');
    if (kind === 'User') users.push(str(s, 'name'));
    else if (kind === 'Group') groups.push(str(s, 'name'));
    else if (kind === 'ServiceAccount') sas.push(str(s, 'namespace') ? `${str(s, 'namespace')}/${str(s, 'name')}` : str(s, 'name'));
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

export const roleBindingPrinter: Printer = {
  columns: [
    nameCol,
    col('Role', 'string', 'The role the binding grants.'),
    ageCol,
    col('Users', 'string', 'Users in the roleBinding', 1),
    col('Groups', 'string', 'Groups in the roleBinding', 1),
    col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  row(o, now) {
    const ref = obj(o, 'roleRef') ?? {};
    return [name(o), `${str(ref, 'kind')}/${str(ref, 'name')}`, age(o, now), ...subjectsCells(o)];
  },
};

export const clusterRoleBindingPrinter: Printer = {
  columns: roleBindingPrinter.columns.map((c) => ({ ...c, description: c.description.replace('roleBinding', 'clusterRoleBinding') })),
  row: roleBindingPrinter.row,
};

export const priorityClassPrinter: Printer = {
  columns: [
    nameCol,
    col('Value', 'integer', 'The priority pods of this class get.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageCol,
    col('PreemptionPolicy', 'string', 'Whether pods of this class may preempt others.', 1),
  ],
  row: (o, now) => [name(o), num(o, 'value') ?? 0, bool(o, 'globalDefault') ?? false, age(o, now), str(o, 'preemptionPolicy')],
};

const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClassPrinter: Printer = {
  columns: [
    nameCol,
    col('Provisioner', 'string', 'The provisioner of volumes of this class.'),
    col('ReclaimPolicy', 'string', 'What happens to released volumes.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound to claims.'),
    col('AllowVolumeExpansion', 'string', 'Whether claims may grow.'),
    ageCol,
  ],
  row(o, now) {
    const ann = strMap(obj(o, 'metadata'), 'annotations');
    const isDefault = defaultClassAnnotations.some((k) => ann[k] === 'true');
    return [
      isDefault ? `${name(o)} (default)` : name(o), str(o, 'provisioner'), str(o, 'reclaimPolicy') || 'Delete', str(o, 'volumeBindingMode') || 'Immediate',
      bool(o, 'allowVolumeExpansion') ?? false, age(o, now),
    ];
  },
};

function formatHosts(rules: JsonObject[]): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const r of rules) {
    if (hosts.length === max) more = true;
    if (!more && str(r, 'host')) hosts.push(str(r, 'host'));
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameCol,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    ageCol,
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const lb = [...new Set(objs(obj(obj(o, 'status'), 'loadBalancer'), 'ingress').map((i) => str(i, 'ip') || str(i, 'hostname')).filter((x) => x))].sort();
    return [name(o), str(spec, 'ingressClassName') || '<none>', formatHosts(objs(spec, 'rules')), lb.join(','), objs(spec, 'tls').length ? '80, 443' : '80', age(o, now)];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameCol,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageCol,
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const p = obj(spec, 'parameters');
    let params = '<none>';
    if (p) params = `${str(p, 'kind')}${str(p, 'apiGroup') ? `.${str(p, 'apiGroup')}` : ''}/${str(p, 'name')}`;
    return [name(o), str(spec, 'controller'), params, age(o, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameCol, col('Pod-Selector', 'string', 'The pods the policy applies to.'), ageCol],
  row: (o, now) => [name(o), formatLabelSelector(obj(obj(o, 'spec'), 'podSelector') ?? {}), age(o, now)],
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameCol,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageCol,
  ],
  row(o, now) {
    const spec = obj(o, 'spec') ?? {};
    const v = (k: string): string => (spec[k] === undefined || spec[k] === null ? 'N/A' : String(spec[k]));
    return [name(o), v('minAvailable'), v('maxUnavailable'), num(obj(o, 'status'), 'disruptionsAllowed') ?? 0, age(o, now)];
  },
};

/** autoscaling/v1 Scale, for `kubectl get --subresource=scale` (its Name column has no name format, as in Kubernetes). */
export const scalePrinter: Printer = {
  columns: [
    { ...nameCol, format: '' },
    col('Desired', 'integer', 'The desired number of replicas.'),
    col('Available', 'integer', 'The current number of replicas.'),
    ageCol,
  ],
  row: (o, now) => [name(o), num(obj(o, 'spec'), 'replicas') ?? 0, num(obj(o, 'status'), 'replicas') ?? 0, age(o, now)],
};
