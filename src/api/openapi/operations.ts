// The REST operations of every resource, in a neutral form that the v2 and v3
// writers both render: the same paths, verbs, actions and query parameters
// kube-apiserver publishes, so that clients reading the OpenAPI (kubectl's
// fieldValidation probe, explain, client generators) see what they expect.

import { allVerbs, type ResourceRegistry, type ResourceType } from '../resources.js';
import type { GroupVersionKind } from '../schema/types.js';
import { capitalize, META } from './names.js';
import { queryParams, type ParamName } from './parameters.js';
import { subresourcePaths } from './subresource-paths.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

/** x-kubernetes-action: what the operation does in Kubernetes' terms. */
export type Action = 'get' | 'list' | 'watch' | 'watchlist' | 'put' | 'post' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface Operation {
  method: HttpMethod;
  operationId: string;
  description: string;
  action: Action;
  gvk: GroupVersionKind;
  /** Query parameters, by name; rendered from parameters.ts. */
  query: ParamName[];
  /** Definition name of the request body, if any. */
  body?: string;
  /** True when the body is a patch document (several content types). */
  patchBody?: boolean;
  /** Definition name of the 200 response, or 'string' for text (logs, connect). */
  response: string;
  /** Extra success codes and their body (201 Created, 202 Accepted). */
  alsoReturns?: Partial<Record<'201' | '202', string>>;
  tag: string;
}

export type PathParam = 'namespace' | 'name' | 'path';

export interface PathItem {
  path: string;
  /** Path parameters in order. */
  pathParams: PathParam[];
  operations: Operation[];
}

const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const WATCH_EVENT = `${META}.WatchEvent`;
const watchNote = "deprecated: use the 'watch' parameter with a list operation instead";

/** "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core", as operation IDs spell groups. */
export function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map(capitalize)
    .join('');
}

/** The OpenAPI tag of a group-version: core_v1, apps_v1, rbacAuthorization_v1. */
export function tagOf(group: string, version: string): string {
  const id = groupIdentifier(group);
  return `${id.charAt(0).toLowerCase()}${id.slice(1)}_${version}`;
}

/** '/api/v1' or '/apis/apps/v1'. */
export function prefixOf(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export type DefinitionLookup = (gvk: GroupVersionKind) => string | undefined;

/** Every path of one group-version, in a stable order. */
export function groupVersionPaths(registry: ResourceRegistry, group: string, version: string, definitionFor: DefinitionLookup): PathItem[] {
  const out: PathItem[] = [];
  for (const r of registry.inGroupVersion(group, version)) out.push(...resourcePaths(r, definitionFor));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** What the operations of one resource share. */
export interface ResourceContext {
  r: ResourceType;
  gvk: GroupVersionKind;
  tag: string;
  /** Operation ID parts: `${verb}${gv}${ns}${kind}`, e.g. read + CoreV1 + Namespaced + Pod. */
  gv: string;
  ns: string;
  /** Definition names of the object and its list. */
  def: string;
  listDef: string;
  /** The object's path and its path parameters. */
  item: string;
  itemParams: PathParam[];
}

function resourcePaths(r: ResourceType, definitionFor: DefinitionLookup): PathItem[] {
  const prefix = prefixOf(r.group, r.version);
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const def = definitionFor(gvk) ?? STATUS;
  const nsParams: PathParam[] = r.namespaced ? ['namespace'] : [];
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const c: ResourceContext = {
    r,
    gvk,
    tag: tagOf(r.group, r.version),
    gv: `${groupIdentifier(r.group)}${capitalize(r.version)}`,
    ns: r.namespaced ? 'Namespaced' : '',
    def,
    listDef: definitionFor({ ...gvk, kind: r.listKind }) ?? def,
    item: `${collection}/{name}`,
    itemParams: [...nsParams, 'name'],
  };
  const verbs = new Set((r as { verbs?: string[] }).verbs ?? allVerbs);
  const id = (verb: string, suffix = ''): string => `${verb}${c.gv}${c.ns}${r.kind}${suffix}`;
  const op = (o: Omit<Operation, 'gvk' | 'tag'>): Operation => ({ gvk, tag: c.tag, ...o });
  const list = (operationId: string): Operation =>
    op({ method: 'get', operationId, description: `list or watch objects of kind ${r.kind}`, action: 'list', query: queryParams.list, response: c.listDef });
  const watch = (operationId: string, action: 'watch' | 'watchlist'): Operation => op({
    method: 'get',
    operationId,
    description: action === 'watch' ? `watch changes to an object of kind ${r.kind}. ${watchNote}, filtered to a single item with the 'fieldSelector' parameter.` : `watch individual changes to a list of ${r.kind}. ${watchNote}.`,
    action,
    query: queryParams.list,
    response: WATCH_EVENT,
  });

  const collectionOps = [
    verbs.has('list') && list(id('list')),
    verbs.has('create') && op({ method: 'post', operationId: id('create'), description: `create a ${r.kind}`, action: 'post', query: queryParams.write, body: def, response: def, alsoReturns: { '201': def, '202': def } }),
    verbs.has('deletecollection') && op({ method: 'delete', operationId: id('deletecollection'), description: `delete collection of ${r.kind}`, action: 'deletecollection', query: queryParams.deleteCollection, body: DELETE_OPTIONS, response: STATUS }),
  ].filter((o): o is Operation => o !== false);
  const itemOps = [
    verbs.has('get') && op({ method: 'get', operationId: id('read'), description: `read the specified ${r.kind}`, action: 'get', query: [], response: def }),
    verbs.has('update') && op({ method: 'put', operationId: id('replace'), description: `replace the specified ${r.kind}`, action: 'put', query: queryParams.write, body: def, response: def, alsoReturns: { '201': def } }),
    verbs.has('delete') && op({ method: 'delete', operationId: id('delete'), description: `delete a ${r.kind}`, action: 'delete', query: queryParams.delete, body: DELETE_OPTIONS, response: STATUS, alsoReturns: { '202': STATUS } }),
    verbs.has('patch') && op({ method: 'patch', operationId: id('patch'), description: `partially update the specified ${r.kind}`, action: 'patch', query: queryParams.patch, body: `${META}.Patch`, patchBody: true, response: def, alsoReturns: { '201': def } }),
  ].filter((o): o is Operation => o !== false);

  const paths: PathItem[] = [];
  if (collectionOps.length > 0) paths.push({ path: collection, pathParams: nsParams, operations: collectionOps });
  if (itemOps.length > 0) paths.push({ path: c.item, pathParams: c.itemParams, operations: itemOps });
  if (verbs.has('watch')) {
    const watchCollection = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.plural}` : `${prefix}/watch/${r.plural}`;
    paths.push({ path: watchCollection, pathParams: nsParams, operations: [watch(id('watch', 'List'), 'watchlist')] });
    paths.push({ path: `${watchCollection}/{name}`, pathParams: c.itemParams, operations: [watch(id('watch'), 'watch')] });
    if (r.namespaced) {
      paths.push({ path: `${prefix}/watch/${r.plural}`, pathParams: [], operations: [watch(`watch${c.gv}${r.kind}ListForAllNamespaces`, 'watchlist')] });
    }
  }
  if (r.namespaced && verbs.has('list')) {
    paths.push({ path: `${prefix}/${r.plural}`, pathParams: [], operations: [list(`list${c.gv}${r.kind}ForAllNamespaces`)] });
  }
  paths.push(...subresourcePaths(c, definitionFor));
  return paths;
}

/** The group-versions that have paths, as the v3 root lists them: 'api/v1', 'apis/apps/v1'. */
export function groupVersionKeys(registry: ResourceRegistry): { key: string; group: string; version: string }[] {
  return registry.groups().flatMap((g) => g.versions.map((version) => ({
    key: g.group === '' ? `api/${version}` : `apis/${g.group}/${version}`,
    group: g.group,
    version,
  })));
}
