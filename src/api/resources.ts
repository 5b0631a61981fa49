// The scheme: every kind k8ts serves, with its group, version, resource names and
// subresources. Discovery, routing, storage keys, OpenAPI paths and kubectl's
// `api-resources` all read this one table.

export interface ScaleSubresource {
  /** JSON path (dotted) of the desired replica count in the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Has a `status` subresource: updates to the main resource ignore status and vice versa. */
  status: boolean;
  scale?: ScaleSubresource;
  /**
   * Objects of this resource live in storage under `/registry/<storageResource>/...`; two
   * versions of one kind (autoscaling v1 and v2) share it.
   */
  storageResource: string;
  /** The version objects are stored in when several versions serve one resource. */
  storageVersion: string;
  /** The apiVersion stored objects carry: the storage version in the storage resource's group. */
  storageApiVersion: string;
  /** Verbs served; most kinds serve allVerbs, review kinds only create. */
  verbs: string[];
  /** Extra subresources that are not status/scale (pods/binding, pods/eviction, pods/log, ...). */
  subresources: string[];
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Def {
  group?: string;
  version: string;
  kind: string;
  plural?: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  scale?: ScaleSubresource;
  storageResource?: string;
  storageVersion?: string;
  subresources?: string[];
  verbs?: string[];
}

function def(d: Def): ResourceType {
  const group = d.group ?? '';
  const plural = d.plural ?? pluralize(d.kind.toLowerCase());
  const storageResource = d.storageResource ?? (group === '' ? plural : `${group}/${plural}`);
  const storageGroup = storageResource.includes('/') ? storageResource.split('/')[0] : '';
  const storageVersion = d.storageVersion ?? d.version;
  return {
    group,
    version: d.version,
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced ?? true,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    status: d.status ?? false,
    scale: d.scale,
    storageResource,
    storageVersion,
    storageApiVersion: groupVersion(storageGroup, storageVersion),
    subresources: d.subresources ?? [],
    verbs: d.verbs ?? allVerbs,
  };
}

function pluralize(s: string): string {
  if (s.endsWith('s')) return `${s}es`;
  if (s.endsWith('y')) return `${s.slice(0, -1)}ies`;
  return `${s}s`;
}

const replicasScale: ScaleSubresource = {
  specReplicasPath: 'spec.replicas',
  statusReplicasPath: 'status.replicas',
  labelSelectorPath: 'status.selector',
};

export const resourceTypes: ResourceType[] = [
  // core/v1
  def({ version: 'v1', kind: 'Namespace', namespaced: false, shortNames: ['ns'], status: true }),
  def({ version: 'v1', kind: 'Pod', shortNames: ['po'], categories: ['all'], status: true, subresources: ['binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'ephemeralcontainers'] }),
  def({ version: 'v1', kind: 'Service', shortNames: ['svc'], categories: ['all'], status: true, subresources: ['proxy'] }),
  def({ version: 'v1', kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] }),
  def({ version: 'v1', kind: 'ConfigMap', shortNames: ['cm'] }),
  def({ version: 'v1', kind: 'Secret' }),
  def({ version: 'v1', kind: 'ServiceAccount', shortNames: ['sa'], subresources: ['token'] }),
  def({ version: 'v1', kind: 'Node', namespaced: false, shortNames: ['no'], status: true, subresources: ['proxy'] }),
  def({ version: 'v1', kind: 'Event', shortNames: ['ev'] }),
  def({ version: 'v1', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], status: true }),
  def({ version: 'v1', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], status: true }),
  def({ version: 'v1', kind: 'ResourceQuota', shortNames: ['quota'], status: true }),
  def({ version: 'v1', kind: 'LimitRange', shortNames: ['limits'] }),
  def({ version: 'v1', kind: 'ReplicationController', shortNames: ['rc'], categories: ['all'], status: true, scale: replicasScale }),
  // apps/v1
  def({ group: 'apps', version: 'v1', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], status: true, scale: replicasScale }),
  def({ group: 'apps', version: 'v1', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], status: true, scale: replicasScale }),
  def({ group: 'apps', version: 'v1', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], status: true, scale: replicasScale }),
  def({ group: 'apps', version: 'v1', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], status: true }),
  def({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }),
  // batch/v1
  def({ group: 'batch', version: 'v1', kind: 'Job', categories: ['all'], status: true }),
  def({ group: 'batch', version: 'v1', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], status: true }),
  // autoscaling: v2 is the storage version, v1 is converted on the way in and out.
  def({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], status: true }),
  def({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], status: true, storageVersion: 'v2' }),
  // coordination.k8s.io/v1
  def({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }),
  // discovery.k8s.io/v1
  def({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }),
  // events.k8s.io/v1 shares storage with core/v1 events, as in Kubernetes.
  def({ group: 'events.k8s.io', version: 'v1', kind: 'Event', shortNames: ['ev'], storageResource: 'events' }),
  // rbac.authorization.k8s.io/v1
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding' }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', namespaced: false }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', namespaced: false }),
  // scheduling.k8s.io/v1
  def({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }),
  // storage.k8s.io/v1
  def({ group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  // networking.k8s.io/v1
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', shortNames: ['ing'], status: true }),
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', shortNames: ['netpol'] }),
  def({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', namespaced: false }),
  // Reviews: created to ask a question, answered in the response, never stored.
  def({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] }),
  // kubectl 1.27's `auth whoami` asks for v1beta1.
  def({ group: 'authentication.k8s.io', version: 'v1beta1', kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] }),
  def({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', namespaced: false, verbs: ['create'] }),
  def({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] }),
  def({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] }),
  def({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] }),
  // policy/v1
  def({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', shortNames: ['pdb'], status: true }),
];

/** "apps/v1", or "v1" for the core group. */
export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function apiVersionOf(r: ResourceType): string {
  return groupVersion(r.group, r.version);
}

export class ResourceRegistry {
  private readonly byGVR = new Map<string, ResourceType>();
  private readonly byGVK = new Map<string, ResourceType>();

  constructor(readonly all: ResourceType[] = resourceTypes) {
    for (const r of all) {
      this.byGVR.set(`${r.group}/${r.version}/${r.plural}`, r);
      this.byGVK.set(`${r.group}/${r.version}/${r.kind}`, r);
    }
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byGVR.get(`${group}/${version}/${plural}`);
  }

  lookupKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    return this.byGVK.get(`${group}/${version}/${kind}`);
  }

  /** The type objects of r are stored as: itself, or the version sharing its storage. */
  storageType(r: ResourceType): ResourceType {
    if (apiVersionOf(r) === r.storageApiVersion) return r;
    return this.all.find((o) => o.storageResource === r.storageResource && apiVersionOf(o) === r.storageApiVersion) ?? r;
  }

  /** Groups in discovery order: core first, then as listed. */
  groups(): { group: string; versions: string[]; preferred: string }[] {
    const out = new Map<string, string[]>();
    for (const r of this.all) {
      const versions = out.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      out.set(r.group, versions);
    }
    return [...out].map(([group, versions]) => ({
      group,
      versions: sortVersions(versions),
      preferred: sortVersions(versions)[0],
    }));
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all.filter((r) => r.group === group && r.version === version);
  }
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stability = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stability, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.localeCompare(b);
  });
}
