// Resource arithmetic in plain numbers: CPU in millicores, memory and ephemeral storage
// in bytes, extended resources (nvidia.com/gpu, hugepages-*) as integer counts. Numbers
// rather than BigInt because the scheduler adds these up for every node it looks at.

import { parseMilliQuantity, parseQuantity } from '../api/validation/quantity.js';
import type { Container, Pod, ResourceList } from './types.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Pods count: allowed pods on a node's allocatable, 1 for a pod's request. */
  pods: number;
  scalar: Map<string, number>;
}

/** Used in scoring for containers that request nothing, as Kubernetes does (100m, 200Mi). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

function num(v: string | number | undefined, milli: boolean): number {
  if (v === undefined) return 0;
  try {
    return milli ? parseMilliQuantity(v) : parseQuantity(v);
  } catch {
    return 0;
  }
}

/** A ResourceList (requests, allocatable) as a Resource. */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  for (const [name, v] of Object.entries(list ?? {})) {
    if (name === 'cpu') r.milliCPU = num(v, true);
    else if (name === 'memory') r.memory = num(v, false);
    else if (name === 'ephemeral-storage') r.ephemeralStorage = num(v, false);
    else if (name === 'pods') r.pods = num(v, false);
    else if (isScalarResource(name)) r.scalar.set(name, num(v, false));
  }
  return r;
}

/** Extended resources (domain-prefixed names), hugepages and attachable volumes. */
export function isScalarResource(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-');
}

export function addInto(into: Resource, r: Resource, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = resourceFromList(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests ?? {};
    if (req.cpu === undefined) r.milliCPU = defaultMilliCPURequest;
    if (req.memory === undefined) r.memory = defaultMemoryRequest;
  }
  return r;
}

/**
 * The pod's effective request, as Kubernetes computes it: the sum of its containers
 * (plus restartable "sidecar" init containers, which keep running), or the largest
 * regular init container plus the sidecars started before it, whichever is more; then
 * the pod overhead. With nonZero, containers without cpu/memory requests count as the
 * scoring defaults (100m, 200Mi) so that empty pods still spread.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const spec = pod.spec ?? {};
  const sum = emptyResource();
  for (const c of spec.containers ?? []) addInto(sum, containerRequests(c, nonZero));
  const initMax = emptyResource();
  const sidecars = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c, false);
    if (c.restartPolicy === 'Always') {
      addInto(sidecars, r);
      addInto(sum, r);
    } else {
      const during = cloneResource(sidecars);
      addInto(during, r);
      maxInto(initMax, during);
    }
  }
  maxInto(sum, initMax);
  if (spec.overhead) addInto(sum, resourceFromList(spec.overhead));
  sum.pods = 1;
  return sum;
}
