// A container's environment as the kubelet builds it: envFrom first (config maps and
// secrets, with prefix), then env in order (value with $(VAR) expansion against what is
// already defined, or valueFrom field, resource, config map or secret keys). Missing
// non-optional sources are errors (CreateContainerConfigError in the pod's status).

import { parseQuantity } from '../api/validation/quantity.js';
import type { KeyValue } from '../runtime/cri.js';
import type { ContainerSpec, EnvVar, Pod } from './types.js';

/** Reads config maps and secrets (data decoded); null when the object does not exist. */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<Record<string, string> | null>;
  secret(namespace: string, name: string): Promise<Record<string, string> | null>;
  /** The pod's service link variables (see service-env.ts); absent for none. */
  serviceEnv?(pod: Pod): Promise<Record<string, string>>;
}

export interface EnvContext {
  pod: Pod;
  podIPs: string[];
  hostIPs: string[];
  /** Node allocatable, the default for resourceFieldRef limits a container does not set. */
  nodeAllocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
  sources: EnvSources;
  /**
   * Fixed service variables (KUBERNETES_SERVICE_HOST, ...), lowest precedence; those of
   * sources.serviceEnv come on top (they describe the same `kubernetes` service, read live).
   */
  serviceEnv?: Record<string, string>;
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** Kubernetes' $(VAR) expansion: `$$` escapes, unknown references stay as written. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const nx = input[i + 1];
    if (nx === '$') {
      out += '$';
      i++;
    } else if (nx === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const v = lookup(name);
      out += v ?? `$(${name})`;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

export function fieldPathValue(ctx: EnvContext, fieldPath: string): string {
  const { pod } = ctx;
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return ctx.hostIPs[0] ?? '';
    case 'status.hostIPs': return ctx.hostIPs.join(',');
    case 'status.podIP': return ctx.podIPs[0] ?? '';
    case 'status.podIPs': return ctx.podIPs.join(',');
    default: throw new EnvError(`unsupported fieldPath "${fieldPath}"`);
  }
}

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}="${m![k]}"`).join('\n');
}

/** resourceFieldRef: a container's request or limit in units of divisor, rounded up. */
export function resourceValue(ctx: EnvContext, own: ContainerSpec, ref: { containerName?: string; resource: string; divisor?: string | number }): string {
  const c = ref.containerName ? [...ctx.pod.spec.containers, ...(ctx.pod.spec.initContainers ?? [])].find((x) => x.name === ref.containerName) : own;
  if (!c) throw new EnvError(`resourceFieldRef: no container "${ref.containerName}"`);
  const [kind, res] = ref.resource.split('.', 2) as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(res)) {
    throw new EnvError(`unsupported resource "${ref.resource}"`);
  }
  const key = res as 'cpu' | 'memory' | 'ephemeral-storage';
  const set = kind === 'limits' ? c.resources?.limits?.[key] : (c.resources?.requests?.[key] ?? c.resources?.limits?.[key]);
  // Unset limits read as node allocatable, unset requests as zero; values round up.
  const value = set !== undefined ? parseQuantity(set) : kind === 'limits' ? ctx.nodeAllocatable[key] : 0;
  const divisor = ref.divisor !== undefined ? parseQuantity(ref.divisor) : 1;
  if (divisor <= 0) throw new EnvError(`invalid divisor for ${ref.resource}`);
  return String(Math.ceil(value / divisor - 1e-9));
}

async function lookupKey(ctx: EnvContext, kind: 'configMap' | 'secret', ref: { name: string; key: string; optional?: boolean }): Promise<string | undefined> {
  const ns = ctx.pod.metadata.namespace ?? 'default';
  const data = await ctx.sources[kind](ns, ref.name);
  const what = kind === 'configMap' ? 'configmap' : 'secret';
  if (!data) {
    if (ref.optional) return undefined;
    throw new EnvError(`${what} "${ref.name}" not found`);
  }
  if (!(ref.key in data)) {
    if (ref.optional) return undefined;
    throw new EnvError(`couldn't find key ${ref.key} in ${kind === 'configMap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
  }
  return data[ref.key];
}

async function valueOf(ctx: EnvContext, c: ContainerSpec, v: EnvVar, defined: Map<string, string>): Promise<string | undefined> {
  if (!v.valueFrom) return expand(v.value ?? '', (n) => defined.get(n));
  const f = v.valueFrom;
  if (f.fieldRef) return fieldPathValue(ctx, f.fieldRef.fieldPath);
  if (f.resourceFieldRef) return resourceValue(ctx, c, f.resourceFieldRef);
  if (f.configMapKeyRef) return lookupKey(ctx, 'configMap', f.configMapKeyRef);
  if (f.secretKeyRef) return lookupKey(ctx, 'secret', f.secretKeyRef);
  return '';
}

/** The container's environment in Kubernetes' order; later definitions of a name win. */
export async function containerEnv(ctx: EnvContext, c: ContainerSpec): Promise<KeyValue[]> {
  // Service variables first: everything the container defines itself overrides them, and
  // its $(VAR) references can name them.
  const linked = ctx.sources.serviceEnv ? await ctx.sources.serviceEnv(ctx.pod) : {};
  const defined = new Map<string, string>(Object.entries({ ...ctx.serviceEnv, ...linked }));
  const ns = ctx.pod.metadata.namespace ?? 'default';
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const data = await ctx.sources[kind](ns, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new EnvError(`${kind === 'configMap' ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) defined.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const v of c.env ?? []) {
    const value = await valueOf(ctx, c, v, defined);
    if (value !== undefined) defined.set(v.name, value);
  }
  return [...defined].map(([key, value]) => ({ key, value }));
}

/** command and args with $(VAR) expanded against the container's environment. */
export function expandCommand(words: string[] | undefined, env: KeyValue[]): string[] | undefined {
  if (!words) return undefined;
  const m = new Map(env.map((e) => [e.key, e.value]));
  return words.map((w) => expand(w, (n) => m.get(n)));
}

/** The service variables every pod sees for the cluster's API service. */
export function kubernetesServiceEnv(host: string, port: number): Record<string, string> {
  return {
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: `tcp://${host}:${port}`,
    [`KUBERNETES_PORT_${port}_TCP`]: `tcp://${host}:${port}`,
    [`KUBERNETES_PORT_${port}_TCP_PROTO`]: 'tcp',
    [`KUBERNETES_PORT_${port}_TCP_PORT`]: String(port),
    [`KUBERNETES_PORT_${port}_TCP_ADDR`]: host,
  };
}
