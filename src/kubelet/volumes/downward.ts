// The downward API's values: pod fields (fieldRef) and container resources
// (resourceFieldRef) rendered the way the kubelet writes them into files. Labels and
// annotations are one `key="value"` line per entry, sorted by key, with the value quoted
// as Go's %q quotes it.

import { parseQuantityExact } from '../../api/validation/quantity.js';
import type { Pod } from '../types.js';

export class DownwardApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownwardApiError';
  }
}

export interface FieldRef {
  apiVersion?: string;
  fieldPath: string;
}

export interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/** Node capacity used when a container sets no limit (Kubernetes uses node allocatable). */
export type NodeAllocatable = Partial<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>;

/** Go's strconv.Quote for the characters labels and annotations can hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** `k1="v1"\nk2="v2"`, keys sorted, no trailing newline (as the kubelet writes it). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/;

export function fieldRefValue(pod: Pod, ref: FieldRef): string {
  const md = pod.metadata as { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const m = subscript.exec(ref.fieldPath);
  if (m) return (m[1] === 'labels' ? md.labels : md.annotations)?.[m[2]!] ?? '';
  switch (ref.fieldPath) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'metadata.labels':
      return formatMap(md.labels);
    case 'metadata.annotations':
      return formatMap(md.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    default:
      throw new DownwardApiError(`unsupported fieldPath: ${ref.fieldPath}`);
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a / b + (a % b !== 0n && a > 0n === b > 0n ? 1n : 0n);
}

export function resourceFieldRefValue(pod: Pod, ref: ResourceFieldRef, node: NodeAllocatable = {}): string {
  const [kind, name] = ref.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage')) {
    throw new DownwardApiError(`unsupported container resource: ${ref.resource}`);
  }
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const c = ref.containerName ? containers.find((x) => x.name === ref.containerName) : containers[0];
  if (!c) throw new DownwardApiError(`container "${ref.containerName ?? ''}" not found in pod`);
  const limits = (c.resources?.limits ?? {}) as Record<string, string | undefined>;
  const requests = (c.resources?.requests ?? {}) as Record<string, string | undefined>;
  // Unset limits mean "the whole node"; unset requests default to the limit, else 0.
  const raw = kind === 'limits' ? limits[name] ?? node[name] : requests[name] ?? limits[name];
  if (raw === undefined) return '0';
  const divisor = parseQuantityExact(ref.divisor ?? 1).nanos;
  if (divisor <= 0n) throw new DownwardApiError(`invalid divisor for ${ref.resource}`);
  let value = parseQuantityExact(raw).nanos;
  if (name === 'cpu') {
    // MilliValue of both, as the kubelet divides millicores.
    value = ceilDiv(value, 1_000_000n) * 1_000_000n;
  }
  return ceilDiv(value, divisor).toString();
}
