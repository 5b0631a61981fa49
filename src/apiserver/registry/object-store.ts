// The generic object store: create, read, update and delete of any kind over the
// datastore, with Kubernetes' object semantics (uid, resourceVersion, generation,
// generateName, optimistic concurrency, finalizers and graceful deletion). Reads come
// from the watch cache; writes go to the datastore, guarded by mod revision.

import { randomUUID, randomInt } from 'node:crypto';
import type { ResourceType } from '../../api/resources.js';
import { KeyExistsError, KeyNotFoundError, RevisionMismatchError, CompactedError, type Store, type KeyValue } from '../../storage/store.js';
import { ApiError, errors } from '../errors.js';
import { clone, type KObject } from '../kobject.js';
import type { ObjectFilter, WatchCache } from '../watch-cache.js';
import { CacheEntry, CacheNotReadyError, lowerBound } from '../watch-cache.js';
import { spliceResourceVersion } from '../watch-events.js';
import type { AdmissionRequest, FieldError, ObjectHooks, UserInfo } from './hooks.js';
import { listPrefix, objectKey } from './keys.js';
import { gracePeriodFor, prepareForCreate, specFinalizers, specOf, tracksGeneration } from './strategy.js';

export interface WriteContext {
  user?: UserInfo;
  dryRun?: boolean;
}

export interface ListOptions {
  filter?: ObjectFilter;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: CacheEntry[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ObjectStoreOptions {
  store: Store;
  cache: WatchCache;
  hooks: ObjectHooks;
  /** Default: the system clock. */
  now?: () => Date;
  /** The type a resource's objects are stored as (hooks see stored objects). Default: the resource itself. */
  storageTypeOf?: (r: ResourceType) => ResourceType;
  /** When a garbage collector runs, Foreground and Orphan deletes add its finalizers. Default false. */
  garbageCollector?: boolean;
}

const nameSuffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const maxRetries = 16;

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decode(kv: KeyValue): KObject {
  const obj = JSON.parse(kv.value) as KObject;
  obj.metadata = obj.metadata ?? {};
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

function encode(obj: KObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export class ObjectStore {
  /** The JSON of objects this store just wrote, as stored plus their resourceVersion: the response need not serialise them again. */
  private readonly written = new WeakMap<KObject, Buffer>();
  private readonly now: () => Date;
  private readonly storageTypeOf: (r: ResourceType) => ResourceType;

  constructor(private readonly opts: ObjectStoreOptions) {
    this.now = opts.now ?? (() => new Date());
    this.storageTypeOf = opts.storageTypeOf ?? ((r) => r);
  }

  /** A consistent read: waits until the cache holds every acknowledged write. */
  async get(r: ResourceType, namespace: string | undefined, name: string): Promise<CacheEntry> {
    await this.syncCache();
    const entry = this.opts.cache.get(r.storageResource, objectKey(r, namespace, name));
    if (!entry) throw errors.notFound(r.group, r.plural, name);
    return entry;
  }

  /**
   * The JSON of an object create or update just returned, if it is still exactly what was
   * stored (callers that change the object afterwards must not use it).
   */
  serialized(obj: KObject): Buffer | undefined {
    return this.written.get(obj);
  }

  private remember(obj: KObject, text: string): void {
    const bytes = spliceResourceVersion(obj.apiVersion, obj.kind, text, obj.metadata.resourceVersion as string);
    if (bytes) this.written.set(obj, bytes);
  }

  /** Like get, but undefined for an absent object (admission's lookups: no error built for the usual miss). */
  async find(r: ResourceType, namespace: string | undefined, name: string): Promise<CacheEntry | undefined> {
    await this.syncCache();
    return this.opts.cache.get(r.storageResource, objectKey(r, namespace, name));
  }

  private async syncCache(minRev?: number): Promise<void> {
    try {
      if (minRev !== undefined) await this.opts.cache.waitFor(minRev);
      else await this.opts.cache.sync();
    } catch (err) {
      if (err instanceof CacheNotReadyError) throw errors.timeout(err.message);
      throw err;
    }
  }

  async list(r: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    const filter = opts.filter ?? (() => true);
    if (opts.resourceVersionMatch === 'Exact') return this.listFromStore(r, namespace, filter, opts);
    const prefix = listPrefix(r, namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (opts.continueToken) {
      // Later pages read the first page's snapshot while the cache keeps it, else the datastore at its revision.
      const token = decodeContinue(opts.continueToken);
      const snap = this.opts.cache.snapshotAt(r.storageResource, token.rv);
      if (!snap) return this.listFromStore(r, namespace, filter, opts);
      return page(snap, token.rv, prefix, prefix + token.start, filter, limit, !opts.filter);
    }
    const rv = opts.resourceVersion;
    if (rv === undefined || rv === '') await this.syncCache();
    else if (rv !== '0') await this.syncCache(parseResourceVersion(rv));
    if (limit) {
      const snap = this.opts.cache.snapshot(r.storageResource);
      return page(snap.entries, snap.rev, prefix, prefix, filter, limit, !opts.filter);
    }
    const items = this.opts.cache.list(r.storageResource, namespace && r.namespaced ? prefix : undefined).filter((e) => filter(e.obj));
    return { items, resourceVersion: String(this.opts.cache.currentRevision()) };
  }

  /** Paged and exact-revision lists read the datastore at one revision, as etcd-backed kube-apiserver does. */
  private async listFromStore(r: ResourceType, namespace: string | undefined, filter: ObjectFilter, opts: ListOptions): Promise<ListResult> {
    const prefix = listPrefix(r, namespace);
    let revision = 0;
    let startKey: string | undefined;
    if (opts.continueToken) {
      const token = decodeContinue(opts.continueToken);
      revision = token.rv;
      startKey = prefix + token.start;
    } else if (opts.resourceVersionMatch === 'Exact' && opts.resourceVersion) {
      revision = parseResourceVersion(opts.resourceVersion);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: CacheEntry[] = [];
    let more = false;
    let lastKey: string | undefined;
    try {
      for (;;) {
        const batch = limit ? Math.max(limit - items.length, Math.min(limit * 2, 1000)) : 0;
        const res = await this.opts.store.range(prefix, { limit: batch, startKey, revision: revision || undefined });
        if (!revision) revision = res.revision;
        for (const kv of res.kvs) {
          if (limit && items.length >= limit) {
            more = true;
            break;
          }
          lastKey = kv.key;
          const obj = decode(kv);
          if (filter(obj)) items.push(CacheEntry.of(kv.key, obj, kv.modRevision));
        }
        if (more || !res.more || res.kvs.length === 0) {
          more = more || (res.more && limit > 0 && items.length >= limit);
          break;
        }
        startKey = res.kvs[res.kvs.length - 1].key + '\u0000';
        if (limit && items.length >= limit) {
          more = true;
          break;
        }
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        throw errors.resourceExpired(opts.continueToken
          ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
          : `too old resource version: ${revision} (${err.compacted})`);
      }
      throw err;
    }
    const result: ListResult = { items, resourceVersion: String(revision) };
    if (more && lastKey !== undefined) result.continueToken = encodeContinue(revision, lastKey.slice(prefix.length) + '\u0000');
    return result;
  }

  /** Creates obj, which the store takes over and fills in (callers pass a fresh object). */
  async create(r: ResourceType, namespace: string | undefined, obj: KObject, ctx: WriteContext = {}): Promise<KObject> {
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (r.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (tracksGeneration(r)) meta.generation = 1;
    else delete meta.generation;
    prepareForCreate(r, obj);
    this.opts.hooks.defaults(this.storageTypeOf(r), obj);
    this.opts.hooks.prepareForCreate(this.storageTypeOf(r), obj);
    // Admission may mutate (as Kubernetes' mutating plugins do), so validation comes after it.
    await this.admit({ operation: 'CREATE', resource: r, namespace, name: meta.name ?? '', object: obj, user: ctx.user, dryRun: !!ctx.dryRun });
    this.validate(r, obj);
    if (ctx.dryRun) return obj;
    try {
      const text = encode(obj);
      const kv = await this.opts.store.create(objectKey(r, namespace, meta.name as string), text);
      meta.resourceVersion = String(kv.modRevision);
      this.remember(obj, text);
      return obj;
    } catch (err) {
      if (err instanceof KeyExistsError) throw errors.alreadyExists(r.group, r.plural, meta.name as string);
      throw err;
    }
  }

  private validate(r: ResourceType, obj: KObject, old?: KObject): void {
    this.throwIfInvalid(r, obj, this.opts.hooks.validate(this.storageTypeOf(r), obj, old));
  }

  private throwIfInvalid(r: ResourceType, obj: KObject, errs: FieldError[]): void {
    if (errs.length === 0) return;
    const name = obj.metadata.name ?? '';
    throw errors.invalid(r.group, r.kind, name, this.opts.hooks.invalidMessage(r, name, errs), errs.map((e) => ({ reason: e.reason, message: e.message, field: e.field })));
  }

  private async admit(req: AdmissionRequest): Promise<void> {
    for (const plugin of this.opts.hooks.admission) await plugin(req);
  }

  /**
   * Read-modify-write with optimistic concurrency. `mutate` gets a copy of the current
   * object (undefined if absent) and returns the desired one; on a lost race it runs
   * again on the newer object, unless the desired object named a resourceVersion, which
   * then is stale: 409 Conflict.
   */
  async update(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    mutate: (current: KObject | undefined) => KObject | Promise<KObject>,
    ctx: WriteContext & { subresource?: string; allowCreate?: boolean } = {},
  ): Promise<{ obj: KObject; created: boolean }> {
    const key = objectKey(r, namespace, name);
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const kv = await this.opts.store.get(key);
      const current = kv ? decode(kv) : undefined;
      if (!current && !ctx.allowCreate) throw errors.notFound(r.group, r.plural, name);
      const desired = await mutate(current ? clone(current) : undefined);
      if (!current || !kv) {
        try {
          return { obj: await this.create(r, namespace, desired, ctx), created: true };
        } catch (err) {
          if (err instanceof ApiError && err.reason === 'AlreadyExists') continue;
          throw err;
        }
      }
      const wantedRv = desired.metadata?.resourceVersion;
      if (wantedRv && wantedRv !== current.metadata.resourceVersion) {
        throw errors.conflict(r.group, r.plural, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const next = this.mergeForUpdate(r, current, desired, ctx.subresource);
      const st = this.storageTypeOf(r);
      if (ctx.subresource === undefined) {
        this.opts.hooks.prepareForUpdate(st, next, current);
        this.opts.hooks.defaults(st, next);
      }
      await this.admit({ operation: 'UPDATE', resource: r, subresource: ctx.subresource, namespace, name, object: next, oldObject: current, user: ctx.user, dryRun: !!ctx.dryRun });
      if (ctx.subresource === 'status') this.throwIfInvalid(r, next, this.opts.hooks.validateStatus(st, next, current));
      else this.validate(r, next, current);
      if (readyToGo(r, next)) {
        if (ctx.dryRun) return { obj: next, created: false };
        try {
          await this.opts.store.delete(key, kv.modRevision);
          return { obj: next, created: false };
        } catch (err) {
          if (err instanceof RevisionMismatchError || err instanceof KeyNotFoundError) continue;
          throw err;
        }
      }
      if (encode(next) === encode(current)) return { obj: current, created: false };
      if (ctx.dryRun) return { obj: next, created: false };
      try {
        const text = encode(next);
        const written = await this.opts.store.update(key, text, kv.modRevision);
        next.metadata.resourceVersion = String(written.modRevision);
        this.remember(next, text);
        return { obj: next, created: false };
      } catch (err) {
        if (err instanceof RevisionMismatchError) {
          if (wantedRv) throw errors.conflict(r.group, r.plural, name, 'the object has been modified; please apply your changes to the latest version and try again');
          continue;
        }
        if (err instanceof KeyNotFoundError) throw errors.notFound(r.group, r.plural, name);
        throw err;
      }
    }
    throw errors.conflict(r.group, r.plural, name, 'too many concurrent updates; please try again');
  }

  /** The object an update stores: what the caller may change, over what it may not. */
  private mergeForUpdate(r: ResourceType, current: KObject, desired: KObject, subresource: string | undefined): KObject {
    if (desired.metadata?.name !== undefined && desired.metadata.name !== current.metadata.name) {
      throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${current.metadata.name})`);
    }
    let next: KObject;
    if (subresource === 'status') {
      // Status writers may touch metadata (a controller's annotations) but not the spec.
      next = { ...clone(current), metadata: { ...desired.metadata }, status: desired.status };
      if (next.status === undefined) delete next.status;
      keepOnStatusWrite(r, next, current);
    } else {
      next = { ...desired, metadata: { ...desired.metadata } };
      // The main resource cannot change status; the server's own subresources
      // (binding, scale, finalize) build the whole object themselves.
      if (r.status && subresource === undefined) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
    }
    const meta = next.metadata;
    const old = current.metadata;
    meta.name = old.name;
    if (r.namespaced) meta.namespace = old.namespace;
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (old[f] === undefined) delete meta[f];
      else (meta as Record<string, unknown>)[f] = old[f];
    }
    delete meta.generateName;
    if (old.generateName !== undefined) meta.generateName = old.generateName;
    if (tracksGeneration(r) && specOf(next) !== specOf(current)) meta.generation = (old.generation ?? 0) + 1;
    if (meta.finalizers?.length === 0) delete meta.finalizers;
    return next;
  }

  async delete(r: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}, ctx: WriteContext = {}): Promise<{ obj: KObject; deleted: boolean }> {
    const key = objectKey(r, namespace, name);
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const kv = await this.opts.store.get(key);
      if (!kv) throw errors.notFound(r.group, r.plural, name);
      const current = decode(kv);
      checkPreconditions(r, current, options.preconditions);
      await this.admit({ operation: 'DELETE', resource: r, namespace, name, oldObject: current, user: ctx.user, dryRun: !!ctx.dryRun });
      const finalizers = [...(current.metadata.finalizers ?? [])];
      if (this.opts.garbageCollector) {
        const extra = options.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : options.propagationPolicy === 'Orphan' ? 'orphan' : undefined;
        if (extra && !finalizers.includes(extra)) finalizers.push(extra);
      }
      const grace = gracePeriodFor(r, current, options.gracePeriodSeconds);
      const pending = finalizers.length > 0 || grace > 0 || specFinalizers(r, current).length > 0;
      try {
        if (!pending) {
          if (!ctx.dryRun) await this.opts.store.delete(key, kv.modRevision);
          return { obj: current, deleted: true };
        }
        const next = clone(current);
        const meta = next.metadata;
        const deadline = new Date(this.now().getTime() + grace * 1000);
        const alreadyDeleting = meta.deletionTimestamp !== undefined;
        if (!alreadyDeleting || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
          meta.deletionTimestamp = rfc3339(deadline);
          meta.deletionGracePeriodSeconds = grace;
        }
        if (finalizers.length > 0) meta.finalizers = finalizers;
        if (r.group === '' && r.kind === 'Namespace') next.status = { ...(next.status as object), phase: 'Terminating' };
        if (tracksGeneration(r) && !alreadyDeleting) meta.generation = (meta.generation ?? 0) + 1;
        if (encode(next) === encode(current) || ctx.dryRun) return { obj: next, deleted: false };
        const written = await this.opts.store.update(key, encode(next), kv.modRevision);
        meta.resourceVersion = String(written.modRevision);
        return { obj: next, deleted: false };
      } catch (err) {
        if (err instanceof RevisionMismatchError || err instanceof KeyNotFoundError) continue;
        throw err;
      }
    }
    throw errors.conflict(r.group, r.plural, name, 'too many concurrent updates; please try again');
  }
}

/** One page of a key-ordered snapshot: up to limit matching entries from startKey on, within prefix. */
function page(entries: readonly CacheEntry[], rev: number, prefix: string, startKey: string, filter: ObjectFilter, limit: number, countRemaining: boolean): ListResult {
  const end = lowerBound(entries, prefix + '\uffff');
  let i = lowerBound(entries, startKey);
  const items: CacheEntry[] = [];
  for (; i < end && (!limit || items.length < limit); i++) if (filter(entries[i].obj)) items.push(entries[i]);
  const result: ListResult = { items, resourceVersion: String(rev) };
  if (i < end && items.length > 0) {
    result.continueToken = encodeContinue(rev, items[items.length - 1].key.slice(prefix.length) + '\u0000');
    if (countRemaining) result.remainingItemCount = end - i;
  }
  return result;
}

/**
 * What a status write may not change besides the spec, as Kubernetes' status strategies
 * say: a pod's owners (old kubelets corrupted them), a workload's labels.
 */
function keepOnStatusWrite(r: ResourceType, next: KObject, current: KObject): void {
  const keep = (field: 'ownerReferences' | 'labels') => {
    if (current.metadata[field] === undefined) delete next.metadata[field];
    else (next.metadata as Record<string, unknown>)[field] = current.metadata[field];
  };
  if (r.group === '' && r.kind === 'Pod') keep('ownerReferences');
  if (r.group === 'apps' || (r.group === 'batch' && r.kind === 'Job')) keep('labels');
}

/** An object marked for deletion whose finalizers are all gone, with no grace left to wait, goes now. */
function readyToGo(r: ResourceType, obj: KObject): boolean {
  const meta = obj.metadata;
  return meta.deletionTimestamp !== undefined && !(meta.finalizers?.length) && specFinalizers(r, obj).length === 0 && !(meta.deletionGracePeriodSeconds ?? 0);
}

function checkPreconditions(r: ResourceType, obj: KObject, pre: DeleteOptions['preconditions']): void {
  if (!pre) return;
  const name = obj.metadata.name ?? '';
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw errors.conflict(r.group, r.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw errors.conflict(r.group, r.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
}

export function generateName(base: string): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  let s = '';
  for (let i = 0; i < 5; i++) s += nameSuffixAlphabet[randomInt(nameSuffixAlphabet.length)];
  return prefix + s;
}

export function parseResourceVersion(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw errors.badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return n;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { v?: string; rv?: number; start?: string };
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
