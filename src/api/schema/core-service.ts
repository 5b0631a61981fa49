// Schemas of core/v1 Service and Endpoints.

import type { Definitions } from './types.js';
import { dflt, atomic, bool, dict, gvk, i32, inPackage, intOrStr, list, meta, obj, refIn, str } from './dsl.js';

const t = refIn('io.k8s.api.core.v1');

export const coreServiceDefinitions: Definitions = inPackage('io.k8s.api.core.v1', {
  Service: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('ServiceSpec'),
    status: t('ServiceStatus'),
  }), '', 'v1', 'Service'),
  Endpoints: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    subsets: atomic(t('EndpointSubset')),
  }), '', 'v1', 'Endpoints'),
  ServiceList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('Service')),
  }, { required: ['items'] }), '', 'v1', 'ServiceList'),
  EndpointsList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('Endpoints')),
  }, { required: ['items'] }), '', 'v1', 'EndpointsList'),
  ServiceSpec: obj({
    ports: list(t('ServicePort'), { type: 'map', keys: ['port', 'protocol'], patch: 'merge', key: 'port' }),
    selector: dict(str(), 'atomic'),
    clusterIP: str(),
    clusterIPs: atomic(str()),
    type: str('ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'),
    externalIPs: atomic(str()),
    sessionAffinity: str('ClientIP', 'None'),
    loadBalancerIP: str(),
    loadBalancerSourceRanges: atomic(str()),
    externalName: str(),
    externalTrafficPolicy: str('Cluster', 'Local'),
    healthCheckNodePort: i32(),
    publishNotReadyAddresses: bool(),
    sessionAffinityConfig: t('SessionAffinityConfig'),
    ipFamilies: atomic(str('', 'IPv4', 'IPv6')),
    ipFamilyPolicy: str('PreferDualStack', 'RequireDualStack', 'SingleStack'),
    allocateLoadBalancerNodePorts: bool(),
    loadBalancerClass: str(),
    internalTrafficPolicy: str('Cluster', 'Local'),
    trafficDistribution: str(),
  }),
  ServiceStatus: obj({
    loadBalancer: t('LoadBalancerStatus'),
    conditions: list(meta('Condition'), { type: 'map', keys: ['type'], patch: 'merge', key: 'type' }),
  }),
  EndpointSubset: obj({
    addresses: atomic(t('EndpointAddress')),
    notReadyAddresses: atomic(t('EndpointAddress')),
    ports: atomic(t('EndpointPort')),
  }),
  ServicePort: obj({
    name: str(),
    protocol: dflt(str('SCTP', 'TCP', 'UDP'), 'TCP'),
    appProtocol: str(),
    port: i32(),
    targetPort: intOrStr(),
    nodePort: i32(),
  }, { required: ['port'] }),
  SessionAffinityConfig: obj({ clientIP: t('ClientIPConfig') }),
  LoadBalancerStatus: obj({ ingress: atomic(t('LoadBalancerIngress')) }),
  EndpointAddress: obj({
    ip: str(),
    hostname: str(),
    nodeName: str(),
    targetRef: t('ObjectReference'),
  }, { required: ['ip'], atomic: true }),
  EndpointPort: obj({
    name: str(),
    port: i32(),
    protocol: str('SCTP', 'TCP', 'UDP'),
    appProtocol: str(),
  }, { required: ['port'], atomic: true }),
  ClientIPConfig: obj({ timeoutSeconds: i32() }),
  LoadBalancerIngress: obj({
    ip: str(),
    hostname: str(),
    ipMode: str(),
    ports: atomic(t('PortStatus')),
  }),
  PortStatus: obj({ port: i32(), protocol: str('SCTP', 'TCP', 'UDP'), error: str() }, { required: ['port', 'protocol'] }),
});
