// Schemas of discovery.k8s.io/v1: EndpointSlice.

import type { Definitions } from './types.js';
import { atomic, bool, core, dict, gvk, i32, inPackage, list, meta, obj, refIn, set, str } from './dsl.js';

const t = refIn('io.k8s.api.discovery.v1');

export const discoveryDefinitions: Definitions = inPackage('io.k8s.api.discovery.v1', {
  EndpointSlice: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    addressType: str(),
    endpoints: atomic(t('Endpoint')),
    ports: atomic(t('EndpointPort')),
  }, { required: ['addressType'] }), 'discovery.k8s.io', 'v1', 'EndpointSlice'),
  EndpointSliceList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('EndpointSlice')),
  }, { required: ['items'] }), 'discovery.k8s.io', 'v1', 'EndpointSliceList'),
  Endpoint: obj({
    addresses: set(str()),
    conditions: t('EndpointConditions'),
    hostname: str(),
    targetRef: core('ObjectReference'),
    deprecatedTopology: dict(str()),
    nodeName: str(),
    zone: str(),
    hints: t('EndpointHints'),
  }, { required: ['addresses'] }),
  EndpointPort: obj({
    name: str(),
    protocol: str('SCTP', 'TCP', 'UDP'),
    port: i32(),
    appProtocol: str(),
  }, { atomic: true }),
  EndpointConditions: obj({ ready: bool(), serving: bool(), terminating: bool() }),
  EndpointHints: obj({ forZones: atomic(t('ForZone')), forNodes: atomic(t('ForNode')) }),
  ForZone: obj({ name: str() }, { required: ['name'] }),
  ForNode: obj({ name: str() }, { required: ['name'] }),
});
