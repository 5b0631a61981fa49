// Builders for Services and EndpointSlices in the proxy's tests and benchmark.
import type { EndpointSlice, Service, SliceEndpoint } from '../types.js';

export function service(name: string, ip: string, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return {
    metadata: { namespace: 'default', name },
    spec: { type: 'ClusterIP', clusterIP: ip, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], ...extra },
  };
}

export function endpoint(ip: string, opts: { ready?: boolean; serving?: boolean; terminating?: boolean; node?: string } = {}): SliceEndpoint {
  return {
    addresses: [ip],
    conditions: { ready: opts.ready ?? true, serving: opts.serving ?? opts.ready ?? true, terminating: opts.terminating ?? false },
    nodeName: opts.node ?? 'node-a',
  };
}

export function slice(svcName: string, endpoints: SliceEndpoint[], port = 8080, sliceName = `${svcName}-abc`): EndpointSlice {
  return {
    metadata: { namespace: 'default', name: sliceName, labels: { 'kubernetes.io/service-name': svcName } },
    addressType: 'IPv4',
    ports: [{ port, protocol: 'TCP' }],
    endpoints,
  };
}
