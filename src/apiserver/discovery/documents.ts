// Discovery documents serialized once per registry, with ETags. kubectl asks for
// /api and /apis (and, without aggregated discovery, every group-version) on almost
// every invocation; kube-apiserver answers with an ETag and a 304 to a matching
// If-None-Match, which kubectl's HTTP cache sends. Build a new instance when the
// registry changes (custom resources added or removed).

import { createHash } from 'node:crypto';
import type { ResourceRegistry } from '../../api/resources.js';
import { aggregatedDiscovery, type DiscoveryVersion } from './aggregated.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy.js';

export interface DiscoveryBody {
  json: string;
  /** A strong ETag, quoted, ready for the header. */
  etag: string;
}

export class DiscoveryDocuments {
  private readonly cache = new Map<string, DiscoveryBody | undefined>();

  constructor(private readonly registry: ResourceRegistry, private readonly serverAddress: string) {}

  private memo(key: string, build: () => unknown): DiscoveryBody | undefined {
    if (!this.cache.has(key)) {
      const doc = build();
      this.cache.set(key, doc === undefined ? undefined : body(doc));
    }
    return this.cache.get(key);
  }

  /** /api or /apis: aggregated when `version` is given, else APIVersions / APIGroupList. */
  root(which: 'core' | 'apis', version?: DiscoveryVersion): DiscoveryBody {
    const key = `root/${which}/${version ?? 'legacy'}`;
    const doc = this.memo(key, () => {
      if (version) return aggregatedDiscovery(this.registry, which, version);
      return which === 'core' ? apiVersions(this.registry, this.serverAddress) : apiGroupList(this.registry);
    });
    return doc as DiscoveryBody;
  }

  /** /apis/<group>; undefined is 404. */
  group(group: string): DiscoveryBody | undefined {
    return this.memo(`group/${group}`, () => apiGroup(this.registry, group));
  }

  /** /api/v1 or /apis/<group>/<version>; undefined is 404. */
  resources(group: string, version: string): DiscoveryBody | undefined {
    return this.memo(`resources/${group}/${version}`, () => apiResourceList(this.registry, group, version));
  }
}

/** Whether an If-None-Match header matches: answer 304 Not Modified without a body. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function body(doc: unknown): DiscoveryBody {
  const json = JSON.stringify(doc);
  return { json, etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"` };
}
