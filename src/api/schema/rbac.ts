// Schemas of rbac.authorization.k8s.io/v1: Role, ClusterRole and their bindings.

import type { Definitions } from './types.js';
import { atomic, gvk, inPackage, list, meta, obj, refIn, str } from './dsl.js';

const t = refIn('io.k8s.api.rbac.v1');

export const rbacDefinitions: Definitions = inPackage('io.k8s.api.rbac.v1', {
  Role: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    rules: atomic(t('PolicyRule')),
  }), 'rbac.authorization.k8s.io', 'v1', 'Role'),
  RoleBinding: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    subjects: atomic(t('Subject')),
    roleRef: t('RoleRef'),
  }, { required: ['roleRef'] }), 'rbac.authorization.k8s.io', 'v1', 'RoleBinding'),
  ClusterRole: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    rules: atomic(t('PolicyRule')),
    aggregationRule: t('AggregationRule'),
  }), 'rbac.authorization.k8s.io', 'v1', 'ClusterRole'),
  ClusterRoleBinding: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    subjects: atomic(t('Subject')),
    roleRef: t('RoleRef'),
  }, { required: ['roleRef'] }), 'rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'),
  RoleList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('Role')),
  }, { required: ['items'] }), 'rbac.authorization.k8s.io', 'v1', 'RoleList'),
  RoleBindingList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('RoleBinding')),
  }, { required: ['items'] }), 'rbac.authorization.k8s.io', 'v1', 'RoleBindingList'),
  ClusterRoleList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('ClusterRole')),
  }, { required: ['items'] }), 'rbac.authorization.k8s.io', 'v1', 'ClusterRoleList'),
  ClusterRoleBindingList: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ListMeta'),
    items: list(t('ClusterRoleBinding')),
  }, { required: ['items'] }), 'rbac.authorization.k8s.io', 'v1', 'ClusterRoleBindingList'),
  PolicyRule: obj({
    verbs: atomic(str()),
    apiGroups: atomic(str()),
    resources: atomic(str()),
    resourceNames: atomic(str()),
    nonResourceURLs: atomic(str()),
  }, { required: ['verbs'] }),
  Subject: obj({
    kind: str(),
    apiGroup: str(),
    name: str(),
    namespace: str(),
  }, { required: ['kind', 'name'], atomic: true }),
  RoleRef: obj({ apiGroup: str(), kind: str(), name: str() }, { required: ['kind', 'name'], atomic: true }),
  AggregationRule: obj({ clusterRoleSelectors: atomic(meta('LabelSelector')) }),
});
