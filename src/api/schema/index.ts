// The built-in schemas: every definition of every group k8ts serves, merged into one
// table, with descriptions applied and the kind index built once at load.

import { resourceTypes } from '../resources.js';
import { describeAll } from './descriptions.js';
import { apiextensionsDefinitions } from './apiextensions.js';
import { appsDefinitions } from './apps.js';
import { autoscalingV1Definitions } from './autoscaling-v1.js';
import { autoscalingV2Definitions } from './autoscaling-v2.js';
import { batchDefinitions } from './batch.js';
import { coreContainerDefinitions } from './core-container.js';
import { coreMiscDefinitions } from './core-misc.js';
import { coreNodeDefinitions } from './core-node.js';
import { corePodDefinitions } from './core-pod.js';
import { corePvSourcesDefinitions } from './core-pv-sources.js';
import { coreSchedulingDefinitions } from './core-scheduling.js';
import { coreServiceDefinitions } from './core-service.js';
import { coreStorageDefinitions } from './core-storage.js';
import { coreVolumesDefinitions } from './core-volumes.js';
import { discoveryDefinitions } from './discovery.js';
import { META } from './dsl.js';
import { metaDefinitions } from './meta.js';
import { networkingDefinitions } from './networking.js';
import { primitiveDefinitions } from './primitives.js';
import { rbacDefinitions } from './rbac.js';
import { authenticationV1Definitions, authenticationV1beta1Definitions, authorizationV1Definitions } from './reviews.js';
import { coordinationV1Definitions, eventsV1Definitions, policyV1Definitions, schedulingV1Definitions, storageV1Definitions } from './small-groups.js';
import type { Definitions, GroupVersionKind, Schema, SchemaSource } from './types.js';

export type { Definitions, GroupVersionKind, Schema, SchemaSource } from './types.js';
export { resolveRef, UnresolvedRefError, refName } from './resolve.js';
export {
  findUnknownFields, strictDecodingMessage, unknownFieldWarning, cannotBeHandledMessage, fieldNotDeclaredMessage, warningHeaderValue, wirePath,
} from './unknown-fields.js';
export type { UnknownFieldOptions } from './unknown-fields.js';
export { findDuplicateFields, duplicateFieldMessage } from './duplicate-fields.js';

function buildDefinitions(): Definitions {
  const defs: Definitions = {
    ...primitiveDefinitions,
    ...metaDefinitions,
    ...coreContainerDefinitions,
    ...coreMiscDefinitions,
    ...coreNodeDefinitions,
    ...corePodDefinitions,
    ...corePvSourcesDefinitions,
    ...coreSchedulingDefinitions,
    ...coreServiceDefinitions,
    ...coreStorageDefinitions,
    ...coreVolumesDefinitions,
    ...appsDefinitions,
    ...batchDefinitions,
    ...autoscalingV1Definitions,
    ...autoscalingV2Definitions,
    ...coordinationV1Definitions,
    ...discoveryDefinitions,
    ...eventsV1Definitions,
    ...rbacDefinitions,
    ...schedulingV1Definitions,
    ...storageV1Definitions,
    ...networkingDefinitions,
    ...policyV1Definitions,
    ...authenticationV1Definitions,
    ...authenticationV1beta1Definitions,
    ...authorizationV1Definitions,
    ...apiextensionsDefinitions,
  };
  // Status is served by every group under its own group-version; Kubernetes tags it
  // with core v1 only, and DeleteOptions and WatchEvent with every served group-version.
  const versions = [...new Set(resourceTypes.map((r) => `${r.group}/${r.version}`))].map((gv) => gv.split('/'));
  const everyGV = (kind: string): GroupVersionKind[] => versions.map(([group, version]) => ({ group, version, kind }));
  defs[`${META}.Status`]['x-kubernetes-group-version-kind'] = [{ group: '', version: 'v1', kind: 'Status' }];
  defs[`${META}.DeleteOptions`]['x-kubernetes-group-version-kind'] = everyGV('DeleteOptions');
  defs[`${META}.WatchEvent`]['x-kubernetes-group-version-kind'] = everyGV('WatchEvent');
  defs[`${META}.Table`]['x-kubernetes-group-version-kind'] = [{ group: 'meta.k8s.io', version: 'v1', kind: 'Table' }];
  defs[`${META}.PartialObjectMetadata`]['x-kubernetes-group-version-kind'] = [{ group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadata' }];
  defs[`${META}.PartialObjectMetadataList`]['x-kubernetes-group-version-kind'] = [{ group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadataList' }];
  describeAll(defs);
  return defs;
}

/** Indexes definitions by the kinds their x-kubernetes-group-version-kind names. */
export function kindIndex(defs: Definitions): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, s] of Object.entries(defs)) {
    for (const k of s['x-kubernetes-group-version-kind'] ?? []) {
      const key = gvkKey(k);
      // The first claim wins: WatchEvent and DeleteOptions are tagged for every group,
      // but a real kind of the same name (none today) must not be shadowed.
      if (!index.has(key)) index.set(key, name);
    }
  }
  return index;
}

const gvkKey = (k: GroupVersionKind): string => `${k.group}/${k.version}/${k.kind}`;

/** Makes a SchemaSource over any definitions (tests hand in their own). */
export function schemaSource(definitions: Definitions): SchemaSource {
  const index = kindIndex(definitions);
  return { definitions, definitionFor: (gvk) => index.get(gvkKey(gvk)) };
}

/** Every built-in definition. Shared and built once: treat it as read-only. */
export const builtinSchemas: SchemaSource = schemaSource(buildDefinitions());

export function schemaForKind(source: SchemaSource, gvk: GroupVersionKind): Schema | undefined {
  const name = source.definitionFor(gvk);
  return name === undefined ? undefined : source.definitions[name];
}
