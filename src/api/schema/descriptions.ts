// Applies every description table to the merged definitions.

import { coreDescriptions, coreMoreDescriptions } from './descriptions-core.js';
import { coreDetailDescriptions } from './descriptions-core-more.js';
import {
  appsDescriptions, autoscalingV1Descriptions, autoscalingV2Descriptions, batchDescriptions, metaDescriptions, reviewDescriptions, smallGroupDescriptions,
} from './descriptions-groups.js';
import { CORE, META, describe } from './dsl.js';
import type { Definitions } from './types.js';

export function describeAll(defs: Definitions): void {
  describe(defs, META, metaDescriptions);
  describe(defs, CORE, coreDescriptions);
  describe(defs, CORE, coreMoreDescriptions);
  describe(defs, CORE, coreDetailDescriptions);
  describe(defs, 'io.k8s.api.apps.v1', appsDescriptions);
  describe(defs, 'io.k8s.api.batch.v1', batchDescriptions);
  describe(defs, 'io.k8s.api.autoscaling.v1', autoscalingV1Descriptions);
  describe(defs, 'io.k8s.api.autoscaling.v2', autoscalingV2Descriptions);
  for (const [pkg, table] of Object.entries({ ...smallGroupDescriptions, ...reviewDescriptions })) describe(defs, pkg, table);
  describeLists(defs);
}

/** Every XList gets a generic description unless it has its own. */
function describeLists(defs: Definitions): void {
  for (const s of Object.values(defs)) {
    const kind = s['x-kubernetes-group-version-kind']?.[0]?.kind;
    if (!kind?.endsWith('List') || s.description) continue;
    s.description = `A list of ${kind.slice(0, -4)} objects.`;
    const p = s.properties;
    if (p?.metadata && !p.metadata.description) p.metadata.description = 'List metadata: the resourceVersion the list was read at and the continue token for paging.';
    if (p?.items && !p.items.description) p.items.description = 'The objects.';
  }
}
