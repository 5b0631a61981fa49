// Schemas of networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy.

import type { Definitions } from './types.js';
import { atomic, core, gvk, i32, inPackage, intOrStr, list, meta, obj, refIn, str } from './dsl.js';

const t = refIn('io.k8s.api.networking.v1');

export const networkingDefinitions: Definitions = inPackage('io.k8s.api.networking.v1', {
  Ingress: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('IngressSpec'),
    status: t('IngressStatus'),
  }), 'networking.k8s.io', 'v1', 'Ingress'),
  NetworkPolicy: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('NetworkPolicySpec'),
  }), 'networking.k8s.io', 'v1', 'NetworkPolicy'),
  IngressClass: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: t('IngressClassSpec'),
  }), 'networking.k8s.io', 'v1', 'IngressClass'),
  IngressList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('Ingress')),
  }, { required: ['items'] }), 'networking.k8s.io', 'v1', 'IngressList'),
  NetworkPolicyList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('NetworkPolicy')),
  }, { required: ['items'] }), 'networking.k8s.io', 'v1', 'NetworkPolicyList'),
  IngressClassList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('IngressClass')),
  }, { required: ['items'] }), 'networking.k8s.io', 'v1', 'IngressClassList'),
  IngressSpec: obj({
    ingressClassName: str(),
    defaultBackend: t('IngressBackend'),
    tls: atomic(t('IngressTLS')),
    rules: atomic(t('IngressRule')),
  }),
  IngressStatus: obj({ loadBalancer: t('IngressLoadBalancerStatus') }),
  NetworkPolicySpec: obj({
    podSelector: meta('LabelSelector'),
    ingress: atomic(t('NetworkPolicyIngressRule')),
    egress: atomic(t('NetworkPolicyEgressRule')),
    policyTypes: atomic(str('Egress', 'Ingress')),
  }),
  IngressClassSpec: obj({ controller: str(), parameters: t('IngressClassParametersReference') }),
  IngressBackend: obj({
    service: t('IngressServiceBackend'),
    resource: core('TypedLocalObjectReference'),
  }),
  IngressTLS: obj({ hosts: atomic(str()), secretName: str() }),
  IngressRule: obj({ host: str(), http: t('HTTPIngressRuleValue') }),
  IngressLoadBalancerStatus: obj({ ingress: atomic(t('IngressLoadBalancerIngress')) }),
  NetworkPolicyIngressRule: obj({
    ports: atomic(t('NetworkPolicyPort')),
    from: atomic(t('NetworkPolicyPeer')),
  }),
  NetworkPolicyEgressRule: obj({
    ports: atomic(t('NetworkPolicyPort')),
    to: atomic(t('NetworkPolicyPeer')),
  }),
  IngressClassParametersReference: obj({
    apiGroup: str(),
    kind: str(),
    name: str(),
    scope: str(),
    namespace: str(),
  }, { required: ['kind', 'name'] }),
  IngressServiceBackend: obj({ name: str(), port: t('ServiceBackendPort') }, { required: ['name'] }),
  HTTPIngressRuleValue: obj({ paths: atomic(t('HTTPIngressPath')) }, { required: ['paths'] }),
  IngressLoadBalancerIngress: obj({ ip: str(), hostname: str(), ports: atomic(t('IngressPortStatus')) }),
  NetworkPolicyPort: obj({ protocol: str('SCTP', 'TCP', 'UDP'), port: intOrStr(), endPort: i32() }),
  NetworkPolicyPeer: obj({
    podSelector: meta('LabelSelector'),
    namespaceSelector: meta('LabelSelector'),
    ipBlock: t('IPBlock'),
  }),
  ServiceBackendPort: obj({ name: str(), number: i32() }, { atomic: true }),
  HTTPIngressPath: obj({ path: str(), pathType: str(), backend: t('IngressBackend') }, { required: ['pathType', 'backend'] }),
  IngressPortStatus: obj({ port: i32(), protocol: str('SCTP', 'TCP', 'UDP'), error: str() }, { required: ['port', 'protocol'] }),
  IPBlock: obj({ cidr: str(), except: atomic(str()) }, { required: ['cidr'] }),
});
