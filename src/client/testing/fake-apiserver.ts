// A small in-memory Kubernetes API server over plain HTTP, for unit tests of the client
// and of controllers: discovery, list (paged), watch (chunked JSON lines, 410 for a
// compacted resourceVersion), get, create, update (resourceVersion preconditions), merge
// patch, delete (finalizers hold objects with a deletionTimestamp, as the real server
// does), deletecollection, and the namespace finalize and status subresources. It is a
// test fixture, not an implementation: the real server lives in src/apiserver/.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = { apiVersion?: string; kind?: string; metadata: Record<string, unknown> & { name?: string; namespace?: string; resourceVersion?: string; finalizers?: string[]; deletionTimestamp?: string }; [k: string]: unknown };

export interface FakeResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

export const coreResources: FakeResource[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
];

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface LogEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: FakeResource;
  obj: Obj;
}

interface Watcher {
  resource: FakeResource;
  namespace?: string;
  query: URLSearchParams;
  res: http.ServerResponse;
}

/** Answer true after writing a response to take over a request (fault injection). */
export type Intercept = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean;

export class FakeApiServer {
  readonly requests: string[] = [];
  intercept?: Intercept;
  private readonly objects = new Map<string, Obj>();
  private readonly log: LogEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private compactedRv = 0;
  private server?: http.Server;

  constructor(readonly resources: FakeResource[] = coreResources) {}

  /** The request handler, for serving in-process (InProcessTransport) instead of over HTTP. */
  readonly handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => this.handle(req, res, body));
  };

  async start(): Promise<string> {
    this.server = http.createServer(this.handler);
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Makes every resourceVersion seen so far too old to watch from (410 Expired). */
  compact(): void {
    this.compactedRv = this.rv;
  }

  /** Cuts every watch connection without ending the response. */
  breakWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  /** Ends every watch response cleanly, as a server-side timeout does. */
  endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  /** Stores an object directly, as if created (fills defaults; emits ADDED or MODIFIED). */
  put(resource: string, obj: Obj): Obj {
    const r = this.find(resource);
    return this.write(r, obj, this.objects.has(this.key(r, obj.metadata.namespace, obj.metadata.name!)) ? 'MODIFIED' : 'ADDED');
  }

  getObject(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(this.key(this.find(resource), namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  listObjects(resource: string, namespace?: string): Obj[] {
    const r = this.find(resource);
    return [...this.objects.entries()].filter(([k]) => k.startsWith(this.prefix(r, namespace))).map(([, o]) => structuredClone(o));
  }

  /** Removes an object outright (emits DELETED). */
  remove(resource: string, namespace: string | undefined, name: string): void {
    const r = this.find(resource);
    const o = this.objects.get(this.key(r, namespace, name));
    if (o) this.drop(r, o);
  }

  private find(resource: string): FakeResource {
    const r = this.resources.find((x) => x.resource === resource);
    if (!r) throw new Error(`fake apiserver: no resource ${resource}`);
    return r;
  }

  private prefix(r: FakeResource, ns?: string): string {
    return `${r.group}/${r.resource}/${ns ? `${ns}/` : ''}`;
  }

  private key(r: FakeResource, ns: string | undefined, name: string): string {
    return `${r.group}/${r.resource}/${r.namespaced ? `${ns}/` : ''}${name}`;
  }

  private write(r: FakeResource, input: Obj, type: LogEntry['type']): Obj {
    const obj = structuredClone(input);
    obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    obj.kind = r.kind;
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.uid ??= `uid-${this.rv}`;
    obj.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (r.resource === 'namespaces' && type === 'ADDED') {
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object | undefined) };
      obj.status = { phase: 'Active' };
    }
    this.objects.set(this.key(r, obj.metadata.namespace, obj.metadata.name!), obj);
    this.emit({ rv: this.rv, type, resource: r, obj });
    return obj;
  }

  private drop(r: FakeResource, obj: Obj): void {
    this.objects.delete(this.key(r, obj.metadata.namespace, obj.metadata.name!));
    const gone = structuredClone(obj);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, type: 'DELETED', resource: r, obj: gone });
  }

  private emit(e: LogEntry): void {
    this.log.push(e);
    for (const w of this.watchers) if (this.matches(w, e)) w.res.write(JSON.stringify({ type: e.type, object: e.obj }) + '\n');
  }

  private matches(w: Watcher, e: LogEntry): boolean {
    return w.resource === e.resource && (!w.namespace || w.namespace === e.obj.metadata.namespace) && selected(e.obj, w.query);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.intercept?.(req, res, url)) return;
    try {
      this.route(req.method ?? 'GET', url, body ? (JSON.parse(body) as Obj) : undefined, res);
    } catch (err) {
      if (err instanceof FakeStatus) return sendStatus(res, err.code, err.reason, err.message);
      sendStatus(res, 500, 'InternalError', (err as Error).message);
    }
  }

  private route(method: string, url: URL, body: Obj | undefined, res: http.ServerResponse): void {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'api' && parts.length === 1) return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (parts[0] === 'apis' && parts.length === 1) return sendJson(res, 200, this.groupList());
    const gvLen = parts[0] === 'api' ? 2 : 3;
    const group = parts[0] === 'api' ? '' : parts[1];
    const version = parts[gvLen - 1];
    let rest = parts.slice(gvLen);
    if (rest.length === 0) return sendJson(res, 200, this.resourceList(group, version));
    let namespace: string | undefined;
    // namespaces/NS/finalize and namespaces/NS/status are subresources, not a scope.
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'finalize' || rest[2] === 'status'))) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const r = this.resources.find((x) => x.group === group && x.version === version && x.resource === rest[0]);
    if (!r) throw new FakeStatus(404, 'NotFound', `the server could not find the requested resource`);
    const name = rest[1];
    const sub = rest[2];
    if (name === undefined) return this.collection(method, url, r, namespace, body, res);
    return this.item(method, r, namespace, name, sub, body, res);
  }

  private collection(method: string, url: URL, r: FakeResource, ns: string | undefined, body: Obj | undefined, res: http.ServerResponse): void {
    const q = url.searchParams;
    if (method === 'GET' && (q.get('watch') === 'true' || q.get('watch') === '1')) return this.watch(r, ns, q, res);
    if (method === 'GET') return sendJson(res, 200, this.list(r, ns, q));
    if (method === 'POST') {
      if (!body) throw new FakeStatus(400, 'BadRequest', 'no body');
      body.metadata.namespace = r.namespaced ? ns : undefined;
      if (r.namespaced && ns) {
        const nsObj = this.objects.get(this.key(this.find('namespaces'), undefined, ns));
        if (nsObj?.metadata.deletionTimestamp) throw new FakeStatus(403, 'Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
      }
      if (this.objects.has(this.key(r, ns, body.metadata.name!))) throw new FakeStatus(409, 'AlreadyExists', `${r.resource} "${body.metadata.name}" already exists`);
      return sendJson(res, 201, this.write(r, body, 'ADDED'));
    }
    if (method === 'DELETE') {
      for (const o of this.listObjects(r.resource, ns)) this.deleteOne(r, o);
      return sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: 'v1', metadata: {}, items: [] });
    }
    throw new FakeStatus(405, 'MethodNotAllowed', method);
  }

  private item(method: string, r: FakeResource, ns: string | undefined, name: string, sub: string | undefined, body: Obj | undefined, res: http.ServerResponse): void {
    const k = this.key(r, ns, name);
    const cur = this.objects.get(k);
    if (!cur) throw new FakeStatus(404, 'NotFound', `${r.resource} "${name}" not found`);
    if (method === 'GET') return sendJson(res, 200, cur);
    if (method === 'DELETE') return sendJson(res, 200, this.deleteOne(r, cur));
    if (!body) throw new FakeStatus(400, 'BadRequest', 'no body');
    let next: Obj;
    if (method === 'PATCH') next = mergePatch(structuredClone(cur), body) as Obj;
    else if (method === 'PUT') {
      if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw new FakeStatus(409, 'Conflict', `Operation cannot be fulfilled on ${r.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      next = structuredClone(cur);
      if (sub === 'finalize') next.spec = body.spec;
      else if (sub === 'status') next.status = body.status;
      else next = { ...body, metadata: { ...body.metadata, deletionTimestamp: cur.metadata.deletionTimestamp, uid: cur.metadata.uid } };
    } else throw new FakeStatus(405, 'MethodNotAllowed', method);
    const written = this.write(r, next, 'MODIFIED');
    const finalizers = r.resource === 'namespaces' ? ((written.spec as { finalizers?: string[] })?.finalizers ?? []) : [];
    if (written.metadata.deletionTimestamp && (written.metadata.finalizers ?? []).length === 0 && finalizers.length === 0) this.drop(r, written);
    sendJson(res, 200, written);
  }

  private deleteOne(r: FakeResource, cur: Obj): Obj {
    const specFinalizers = r.resource === 'namespaces' ? ((cur.spec as { finalizers?: string[] })?.finalizers ?? []) : [];
    if ((cur.metadata.finalizers ?? []).length === 0 && specFinalizers.length === 0) {
      this.drop(r, cur);
      return cur;
    }
    if (cur.metadata.deletionTimestamp) return cur;
    const next = structuredClone(cur);
    next.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (r.resource === 'namespaces') next.status = { phase: 'Terminating' };
    return this.write(r, next, 'MODIFIED');
  }

  private list(r: FakeResource, ns: string | undefined, q: URLSearchParams): unknown {
    let items = this.listObjects(r.resource, ns).sort((a, b) => this.key(r, a.metadata.namespace, a.metadata.name!).localeCompare(this.key(r, b.metadata.namespace, b.metadata.name!)));
    items = items.filter((o) => selected(o, q));
    let start = 0;
    let rv = String(this.rv);
    const cont = q.get('continue');
    if (cont) {
      const c = JSON.parse(Buffer.from(cont, 'base64').toString()) as { start: number; rv: string };
      if (Number(c.rv) < this.compactedRv) throw new FakeStatus(410, 'Expired', 'The provided continue parameter is too old');
      start = c.start;
      rv = c.rv;
    }
    const limit = Number(q.get('limit') ?? 0);
    const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
    const more = limit > 0 && start + limit < items.length;
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (more) metadata.continue = Buffer.from(JSON.stringify({ start: start + limit, rv })).toString('base64');
    // Like the real server, items leave their apiVersion and kind to the list.
    const bare = page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    return { kind: `${r.kind}List`, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata, items: bare };
  }

  private watch(r: FakeResource, ns: string | undefined, q: URLSearchParams, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const from = q.get('resourceVersion') ?? '';
    const w: Watcher = { resource: r, namespace: ns, query: q, res };
    if (from && from !== '0' && Number(from) < this.compactedRv) {
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from} (${this.compactedRv})` } }) + '\n');
      return;
    }
    if (!from || from === '0') for (const o of this.listObjects(r.resource, ns).filter((x) => selected(x, q))) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
    else for (const e of this.log) if (e.rv > Number(from) && this.matches(w, e)) res.write(JSON.stringify({ type: e.type, object: e.obj }) + '\n');
    this.watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.watchers.delete(w);
    });
  }

  private groupList(): unknown {
    const groups = [...new Set(this.resources.filter((r) => r.group).map((r) => `${r.group}/${r.version}`))].map((gv) => {
      const [name, version] = gv.split('/');
      return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  private resourceList(group: string, version: string): unknown {
    const rs = this.resources.filter((r) => r.group === group && r.version === version);
    if (rs.length === 0) throw new FakeStatus(404, 'NotFound', 'no such group version');
    const resources = rs.flatMap((r) => [
      { name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? allVerbs },
      { name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] },
    ]);
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
  }
}

/**
 * Equality-based label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`) and the field
 * selectors metadata.name / metadata.namespace (`=`, `!=`): enough for tests. Unlike the
 * real server, a watch does not turn an object that stops matching into a DELETED event.
 */
function selected(o: Obj, q: URLSearchParams): boolean {
  const labels = (o.metadata.labels ?? {}) as Record<string, string>;
  for (const term of (q.get('labelSelector') ?? '').split(',').filter(Boolean)) {
    const m = /^\s*(!?)([^=!\s]+)\s*(?:(==|=|!=)\s*(\S*))?\s*$/.exec(term);
    if (!m) return false;
    const [, not, key, op, value] = m;
    if (!op) {
      if ((key in labels) === (not === '!')) return false;
    } else if (op === '!=' ? labels[key] === value : labels[key] !== value) return false;
  }
  for (const term of (q.get('fieldSelector') ?? '').split(',').filter(Boolean)) {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) return false;
    const [, field, op, value] = m;
    const actual = field === 'metadata.name' ? o.metadata.name : field === 'metadata.namespace' ? o.metadata.namespace : undefined;
    if (op === '!=' ? actual === value : actual !== value) return false;
  }
  return true;
}

class FakeStatus extends Error {
  override name = 'FakeStatus';
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: http.ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** RFC 7386 merge patch; good enough for the strategic patches the client sends to events. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
