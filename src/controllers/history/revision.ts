// ControllerRevisions: immutable snapshots of a DaemonSet's or StatefulSet's pod
// template, so the controller can tell which pods run which template and roll back.
// The name is `<owner>-<hash>`, the hash (fnv-32a of the template and the collision
// count, spelled in the safe alphabet) is the pods' `controller-revision-hash` label, and
// `revision` numbers grow with each change. A template seen before gets its old
// revision renumbered as the newest, as Kubernetes does on rollback.

import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { safeAlphabet } from './names.js';
import { controllerRef, newControllerRef } from './owner.js';

export const revisionHashLabel = 'controller-revision-hash';

export interface ControllerRevision extends KObject {
  data?: unknown;
  revision?: number;
}

/** JSON with object keys sorted, so equal values always print the same. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The revision hash of a template: each decimal digit of the hash mapped into the safe alphabet. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const digits = String(fnv32a(stableStringify(template) + (collisionCount ? `#${collisionCount}` : '')));
  let out = '';
  for (const ch of digits) out += safeAlphabet[ch.charCodeAt(0) % safeAlphabet.length];
  return out;
}

/** What a revision stores: a patch replacing the whole template. */
export function revisionData(template: unknown): unknown {
  return { spec: { template: { ...(template as Record<string, unknown>), $patch: 'replace' } } };
}

/** The template a revision stores. */
export function templateOf(rev: ControllerRevision): Record<string, unknown> | undefined {
  const t = (rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _p, ...rest } = t;
  return rest;
}

export function sameData(a: ControllerRevision, b: unknown): boolean {
  return stableStringify(a.data) === stableStringify(b);
}

export interface EnsureRevisionOptions {
  client: RestClient;
  owner: KObject;
  ownerApiVersion: string;
  ownerKind: string;
  template: Record<string, unknown>;
  /** The owner's revisions as the cache has them. */
  revisions: ControllerRevision[];
  collisionCount: number;
}

export interface EnsuredRevision {
  revision: ControllerRevision;
  /** The revision's hash (the label value on pods). */
  hash: string;
  collisionCount: number;
}

function revisionsPath(ns: string, name?: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export function maxRevision(revs: ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/** Finds or creates the revision of the owner's current template. */
export async function ensureRevision(o: EnsureRevisionOptions): Promise<EnsuredRevision> {
  const ns = o.owner.metadata.namespace ?? '';
  const data = revisionData(o.template);
  const max = maxRevision(o.revisions);
  const equal = o.revisions.filter((r) => sameData(r, data)).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
  if (equal) {
    const hash = equal.metadata.labels?.[revisionHashLabel] ?? equal.metadata.name!.slice(o.owner.metadata.name!.length + 1);
    if ((equal.revision ?? 0) === max) return { revision: equal, hash, collisionCount: o.collisionCount };
    const updated = await o.client.patch<ControllerRevision>(revisionsPath(ns, equal.metadata.name), { revision: max + 1 });
    return { revision: updated, hash, collisionCount: o.collisionCount };
  }
  let collisionCount = o.collisionCount;
  for (let attempt = 0; attempt < 10; attempt++) {
    const hash = templateHash(o.template, collisionCount);
    const name = `${o.owner.metadata.name}-${hash}`;
    const templateLabels = ((o.template.metadata as { labels?: Record<string, string> } | undefined)?.labels) ?? {};
    const body: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: ns, labels: { ...templateLabels, [revisionHashLabel]: hash }, ownerReferences: [{ ...newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind) }] },
      data,
      revision: max + 1,
    };
    try {
      return { revision: await o.client.create<ControllerRevision>(revisionsPath(ns), body), hash, collisionCount };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await o.client.get<ControllerRevision>(revisionsPath(ns, name));
      if (controllerRef(existing)?.uid === o.owner.metadata.uid && sameData(existing, data)) return { revision: existing, hash, collisionCount };
      // Someone else's revision (or a true hash collision) holds the name: try the next hash.
      collisionCount++;
    }
  }
  throw new RevisionCollisionError(`${ns}/${o.owner.metadata.name}: could not find a free revision name`);
}

export class RevisionCollisionError extends Error {
  override name = 'RevisionCollisionError';
}

/**
 * Deletes the oldest revisions beyond limit, never one in use (live is the set of
 * revision names the owner's pods or status still refer to).
 */
export async function truncateHistory(client: RestClient, revisions: ControllerRevision[], live: Set<string>, limit: number): Promise<void> {
  const old = revisions.filter((r) => !live.has(r.metadata.name!)).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const excess = old.length - Math.max(0, limit);
  for (const r of old.slice(0, Math.max(0, excess))) {
    try {
      await client.delete(revisionsPath(r.metadata.namespace ?? '', r.metadata.name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
