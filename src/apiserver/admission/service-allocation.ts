// Cluster IPs and node ports for Services, as kube-apiserver's service registry gives
// them: a free address of the service CIDR (the `kubernetes` and DNS services hold
// theirs), a free port of the NodePort range for each port of NodePort and
// LoadBalancer services; a requested one must be in range and free. What is in use is
// read from the live Services, plus what was handed out moments ago and is not yet
// visible, so two creates racing each other never get the same address.

import { randomInt } from 'node:crypto';
import { ApiError } from '../errors.js';
import { isObject, type KObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

export interface ServiceAllocationOptions {
  /** Default 10.43.0.0/16. */
  serviceCIDR?: string;
  /** Default 30000-32767. */
  nodePortRange?: { min: number; max: number };
  /** Addresses never handed out at random (the kubernetes and DNS services' own). Default .1 and .10. */
  reservedIPs?: string[];
}

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

function parseCidr(cidr: string): { first: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return { first: ipToInt(ip) - (ipToInt(ip) % size), size };
}

function invalid(name: string, field: string, value: unknown, message: string): ApiError {
  const detail = `${field}: Invalid value: ${JSON.stringify(value)}: ${message}`;
  return new ApiError(422, 'Invalid', `Service "${name}" is invalid: ${detail}`, { name, kind: 'Service', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${message}`, field }] });
}

/** Entries handed out but maybe not yet visible in the store, kept for a while. */
class Recent {
  private readonly items = new Map<string, number>();
  add(k: string): void { this.items.set(k, Date.now()); }
  has(k: string): boolean {
    const t = this.items.get(k);
    if (t === undefined) return false;
    if (Date.now() - t > 60_000) {
      this.items.delete(k);
      return false;
    }
    return true;
  }
}

export function serviceAllocation(lookup: AdmissionLookup, opts: ServiceAllocationOptions = {}): AdmissionPlugin {
  const cidr = parseCidr(opts.serviceCIDR ?? '10.43.0.0/16');
  const ports = opts.nodePortRange ?? { min: 30000, max: 32767 };
  const reserved = new Set(opts.reservedIPs ?? [intToIp(cidr.first + 1), intToIp(cidr.first + 10)]);
  const recentIPs = new Recent();
  const recentPorts = new Recent();
  let queue: Promise<void> = Promise.resolve();

  async function inUse(self: KObject): Promise<{ ips: Set<string>; ports: Set<number> }> {
    const ips = new Set<string>();
    const used = new Set<number>();
    for (const svc of await lookup.list('', 'services', undefined)) {
      // The service itself (an update, or a create that will fail as AlreadyExists) holds nothing against itself.
      if (svc.metadata.name === self.metadata.name && svc.metadata.namespace === self.metadata.namespace) continue;
      const spec = isObject(svc.spec) ? svc.spec : {};
      if (typeof spec.clusterIP === 'string') ips.add(spec.clusterIP);
      for (const p of Array.isArray(spec.ports) ? spec.ports : []) if (isObject(p) && typeof p.nodePort === 'number') used.add(p.nodePort);
    }
    return { ips, ports: used };
  }

  async function allocate(svc: KObject, creating: boolean): Promise<void> {
    const name = String(svc.metadata.name ?? '');
    const spec = isObject(svc.spec) ? svc.spec : {};
    const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
    const used = await inUse(svc);
    if (creating && type !== 'ExternalName') {
      const wanted = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
      if (wanted === 'None') {
        spec.clusterIPs = ['None'];
      } else if (wanted) {
        const n = ipToInt(wanted);
        if (!/^\d+\.\d+\.\d+\.\d+$/.test(wanted) || n < cidr.first || n >= cidr.first + cidr.size) {
          throw invalid(name, 'spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${opts.serviceCIDR ?? '10.43.0.0/16'}`);
        }
        if (used.ips.has(wanted) || recentIPs.has(wanted)) throw invalid(name, 'spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: provided IP is already allocated`);
        spec.clusterIPs = [wanted];
        recentIPs.add(wanted);
      } else {
        let ip = '';
        for (let tries = 0; tries < 1000 && !ip; tries++) {
          const candidate = intToIp(cidr.first + 1 + randomInt(cidr.size - 2));
          if (!reserved.has(candidate) && !used.ips.has(candidate) && !recentIPs.has(candidate)) ip = candidate;
        }
        if (!ip) throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        recentIPs.add(ip);
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const list = Array.isArray(spec.ports) ? (spec.ports as Record<string, unknown>[]) : [];
      for (const [i, p] of list.entries()) {
        if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
          if (p.nodePort < ports.min || p.nodePort > ports.max) {
            throw invalid(name, `spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${ports.min}-${ports.max}`);
          }
          if (used.ports.has(p.nodePort) || (creating && recentPorts.has(String(p.nodePort)))) {
            throw invalid(name, `spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated');
          }
          recentPorts.add(String(p.nodePort));
          continue;
        }
        let port = 0;
        for (let tries = 0; tries < 10_000 && !port; tries++) {
          const candidate = ports.min + randomInt(ports.max - ports.min + 1);
          if (!used.ports.has(candidate) && !recentPorts.has(String(candidate))) port = candidate;
        }
        if (!port) throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
        p.nodePort = port;
        used.ports.add(port);
        recentPorts.add(String(port));
      }
    }
    svc.spec = spec;
  }

  return (req) => {
    if (req.resource.group !== '' || req.resource.kind !== 'Service' || !req.object || req.subresource) return;
    if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return;
    // One allocation at a time, so the in-use picture each sees includes the others'.
    const run = queue.then(() => allocate(req.object!, req.operation === 'CREATE'));
    queue = run.catch(() => {});
    return run;
  };
}
