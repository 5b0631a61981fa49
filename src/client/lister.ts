// The informer's cache: objects by `namespace/name`, plus named indexes (pods by node,
// objects by namespace) kept up to date on every change. Controllers read it through the
// Lister view and never mutate what it returns: the objects are shared.

import { objectKey, type KObject } from './types.js';

/** Maps an object to the index values it is filed under (none, one or several). */
export type IndexFunc<T extends KObject> = (obj: T) => string[];

export interface Lister<T extends KObject> {
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  /** '' as namespace for cluster-scoped objects. */
  get(namespace: string, name: string): T | undefined;
  getByKey(key: string): T | undefined;
  /** Objects filed under value in the named index; throws UnknownIndexError for a missing index. */
  byIndex(index: string, value: string): T[];
  keys(): string[];
}

export class UnknownIndexError extends Error {
  override name = 'UnknownIndexError';
  constructor(index: string) {
    super(`no index named ${index}`);
  }
}

export const namespaceIndex = 'namespace';

export class Cache<T extends KObject> implements Lister<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers: Map<string, IndexFunc<T>>;
  /** index name -> value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = new Map(Object.entries(indexers));
    if (!this.indexers.has(namespaceIndex)) this.indexers.set(namespaceIndex, (o) => [o.metadata.namespace ?? '']);
    for (const name of this.indexers.keys()) this.indices.set(name, new Map());
  }

  /**
   * Adds indexes not already present and files every cached object under them, so that
   * controllers sharing one informer can each bring the indexes they read.
   */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) continue;
      this.indexers.set(name, fn);
      const idx = new Map<string, Set<string>>();
      this.indices.set(name, idx);
      for (const [key, obj] of this.items) {
        for (const v of fn(obj)) {
          let set = idx.get(v);
          if (!set) idx.set(v, (set = new Set()));
          set.add(key);
        }
      }
    }
  }

  /** Inserts or replaces; answers the previous object under the same key. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(namespaceIndex, namespace);
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  byIndex(index: string, value: string): T[] {
    const idx = this.indices.get(index);
    if (!idx) throw new UnknownIndexError(index);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  size(): number {
    return this.items.size;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) idx.delete(v);
      }
    }
  }
}

/** An index function for pods by spec.nodeName (unscheduled pods are filed under ''). */
export function podsByNodeName(pod: KObject): string[] {
  const spec = pod.spec as { nodeName?: unknown } | undefined;
  return [typeof spec?.nodeName === 'string' ? spec.nodeName : ''];
}
