// Small hand-made schemas shaped like Kubernetes' own (Deployment, Pod template,
// containers, ports), for the patch and apply tests. Not used outside tests.
import type { Definitions, SchemaSource } from '../schema/types.js';
import type { SchemaContext } from './schema-walk.js';

const ref = (name: string) => ({ $ref: `#/definitions/t.${name}` });

export const testDefinitions: Definitions = {
  't.Deployment': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref('ObjectMeta'),
      spec: ref('DeploymentSpec'),
      status: { type: 'object', properties: { replicas: { type: 'integer' } } },
    },
  },
  't.ObjectMeta': {
    type: 'object',
    properties: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer' },
      creationTimestamp: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
      finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: {
        type: 'array',
        items: ref('OwnerReference'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'uid',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['uid'],
      },
      managedFields: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
    },
  },
  't.OwnerReference': {
    type: 'object',
    properties: { uid: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } },
    'x-kubernetes-map-type': 'atomic',
  },
  't.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      selector: { type: 'object', properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } }, 'x-kubernetes-map-type': 'atomic' },
      strategy: { ...ref('DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      template: ref('PodTemplateSpec'),
    },
  },
  't.DeploymentStrategy': {
    type: 'object',
    properties: {
      type: { type: 'string' },
      rollingUpdate: { type: 'object', properties: { maxSurge: { type: 'string' }, maxUnavailable: { type: 'string' } } },
    },
  },
  't.PodTemplateSpec': {
    type: 'object',
    properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') },
  },
  't.PodSpec': {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: {
        type: 'array',
        items: ref('Container'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
      volumes: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' }, emptyDir: { type: 'object' }, hostPath: { type: 'object', properties: { path: { type: 'string' } } } } },
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
        'x-kubernetes-patch-merge-key': 'name',
      },
      tolerations: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' } } }, 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
      nodeName: { type: 'string' },
    },
  },
  't.Container': {
    type: 'object',
    properties: {
      name: { type: 'string' },
      image: { type: 'string' },
      args: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: ref('ContainerPort'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      },
      env: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
      resources: { type: 'object', properties: { limits: { type: 'object', additionalProperties: { type: 'string' } } } },
      terminationMessagePath: { type: 'string' },
    },
  },
  't.ContainerPort': {
    type: 'object',
    properties: { containerPort: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' }, name: { type: 'string' } },
  },
};

export const testSource: SchemaSource = {
  definitions: testDefinitions,
  definitionFor: (gvk) => (gvk.kind === 'Deployment' ? 't.Deployment' : undefined),
};

export const deploymentCtx: SchemaContext = { source: testSource, definition: 't.Deployment' };
