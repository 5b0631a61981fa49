// The REST operations of every resource, in a neutral form that the v2 and v3
// writers both render: the same paths, verbs, actions and query parameters
// kube-apiserver publishes, so that clients reading the OpenAPI (kubectl's
// fieldValidation probe, explain, client generators) see what they expect.

import { groupVersion, type ResourceRegistry, type ResourceType } from '../resources.js';
import type { GroupVersionKind } from '../schema/types.js';
import { bodyKindOf, subresourceOps, type SubOp } from './subresource-ops.js';
import { queryParams, type ParamName } from './parameters.js';

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

export interface PathItem {
  path: string;
  /** Path parameters in order: 'namespace', 'name', 'path'. */
  pathParams: ('namespace' | 'name' | 'path')[];
  operations: Operation[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core", as operation IDs spell groups. */
export function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
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

export interface DefinitionLookup {
  (gvk: GroupVersionKind): string | undefined;
}

/** Every path of one group-version, in a stable order. */
export function groupVersionPaths(registry: ResourceRegistry, group: string, version: string, definitionFor: DefinitionLookup): PathItem[] {
  const out: PathItem[] = [];
  for (const r of registry.inGroupVersion(group, version)) out.push(...resourcePaths(r, definitionFor));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function resourcePaths(r: ResourceType, definitionFor: DefinitionLookup): PathItem[] {
  const prefix = prefixOf(r.group, r.version);
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const def = definitionFor(gvk) ?? `${META}.Status`;
  const listDef = definitionFor({ ...gvk, kind: r.listKind }) ?? def;
  const verbs = new Set((r as { verbs?: string[] }).verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const ns = r.namespaced ? 'Namespaced' : '';
  const id = `${groupIdentifier(r.group)}${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}`;
  const tag = tagOf(r.group, r.version);
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const item = `${collection}/{name}`;
  const nsParams: ('namespace' | 'name')[] = r.namespaced ? ['namespace'] : [];
  const op = (o: Omit<Operation, 'gvk' | 'tag'> & { gvk?: GroupVersionKind }): Operation => ({ gvk, tag, ...o });
  const paths: PathItem[] = [];

  const collOps: Operation[] = [];
  if (verbs.has('list')) collOps.push(op({ method: 'get', operationId: `list${id}${ns}${r.kind}`, description: `list or watch objects of kind ${r.kind}`, action: 'list', query: queryParams.list, response: listDef }));
  if (verbs.has('create')) collOps.push(op({ method: 'post', operationId: `create${id}${ns}${r.kind}`, description: `create a ${r.kind}`, action: 'post', query: queryParams.write, body: def, response: def, alsoReturns: { '201': def, '202': def } }));
  if (verbs.has('deletecollection')) collOps.push(op({ method: 'delete', operationId: `deletecollection${id}${ns}${r.kind}`, description: `delete collection of ${r.kind}`, action: 'deletecollection', query: queryParams.deleteCollection, body: `${META}.DeleteOptions`, response: `${META}.Status` }));
  if (collOps.length > 0) paths.push({ path: collection, pathParams: nsParams, operations: collOps });

  const itemOps: Operation[] = [];
  if (verbs.has('get')) itemOps.push(op({ method: 'get', operationId: `read${id}${ns}${r.kind}`, description: `read the specified ${r.kind}`, action: 'get', query: [], response: def }));
  if (verbs.has('update')) itemOps.push(op({ method: 'put', operationId: `replace${id}${ns}${r.kind}`, description: `replace the specified ${r.kind}`, action: 'put', query: queryParams.write, body: def, response: def, alsoReturns: { '201': def } }));
  if (verbs.has('delete')) itemOps.push(op({ method: 'delete', operationId: `delete${id}${ns}${r.kind}`, description: `delete a ${r.kind}`, action: 'delete', query: queryParams.delete, body: `${META}.DeleteOptions`, response: `${META}.Status`, alsoReturns: { '202': `${META}.Status` } }));
  if (verbs.has('patch')) itemOps.push(op({ method: 'patch', operationId: `patch${id}${ns}${r.kind}`, description: `partially update the specified ${r.kind}`, action: 'patch', query: queryParams.patch, body: `${META}.Patch`, patchBody: true, response: def, alsoReturns: { '201': def } }));
  if (itemOps.length > 0) paths.push({ path: item, pathParams: [...nsParams, 'name'], operations: itemOps });

  if (verbs.has('watch')) {
    const watchEvent = `${META}.WatchEvent`;
    const watchColl = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.plural}` : `${prefix}/watch/${r.plural}`;
    paths.push({ path: watchColl, pathParams: nsParams, operations: [op({ method: 'get', operationId: `watch${id}${ns}${r.kind}List`, description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`, action: 'watchlist', query: queryParams.list, response: watchEvent })] });
    paths.push({ path: `${watchColl}/{name}`, pathParams: [...nsParams, 'name'], operations: [op({ method: 'get', operationId: `watch${id}${ns}${r.kind}`, description: `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`, action: 'watch', query: queryParams.list, response: watchEvent })] });
    if (r.namespaced) {
      paths.push({ path: `${prefix}/watch/${r.plural}`, pathParams: [], operations: [op({ method: 'get', operationId: `watch${id}${r.kind}ListForAllNamespaces`, description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`, action: 'watchlist', query: queryParams.list, response: watchEvent })] });
    }
  }
  if (r.namespaced && verbs.has('list')) {
    paths.push({ path: `${prefix}/${r.plural}`, pathParams: [], operations: [op({ method: 'get', operationId: `list${id}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, action: 'list', query: queryParams.list, response: listDef })] });
  }

  for (const sub of subresourceOps(r)) paths.push(...subresourcePaths(r, sub, item, [...nsParams, 'name'], id, ns, tag, def, definitionFor));
  return paths;
}

function subresourcePaths(
  r: ResourceType, sub: SubOp, item: string, params: ('namespace' | 'name')[], id: string, ns: string, tag: string, parentDef: string, definitionFor: DefinitionLookup,
): PathItem[] {
  const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const kind = bodyKindOf(r, sub);
  const def = sub.textResponse ? 'string' : definitionFor(kind) ?? parentDef;
  const ops: Operation[] = sub.methods.map((m) => {
    const base = { gvk: kind, tag, response: def };
    switch (m) {
      case 'get':
        return { ...base, method: m, operationId: sub.connect ? `connectGet${id}${ns}${r.kind}${suffix}` : `read${id}${ns}${r.kind}${suffix}`, description: `${sub.connect ? 'connect GET requests to' : 'read'} ${sub.name} of the specified ${r.kind}`, action: sub.connect ? 'connect' : 'get', query: sub.query };
      case 'put':
        return { ...base, method: m, operationId: sub.connect ? `connectPut${id}${ns}${r.kind}${suffix}` : `replace${id}${ns}${r.kind}${suffix}`, description: `replace ${sub.name} of the specified ${r.kind}`, action: sub.connect ? 'connect' : 'put', query: sub.connect ? sub.query : queryParams.write, body: sub.connect ? undefined : def, alsoReturns: sub.connect ? undefined : { '201': def } };
      case 'patch':
        return { ...base, method: m, operationId: sub.connect ? `connectPatch${id}${ns}${r.kind}${suffix}` : `patch${id}${ns}${r.kind}${suffix}`, description: `partially update ${sub.name} of the specified ${r.kind}`, action: sub.connect ? 'connect' : 'patch', query: sub.connect ? sub.query : queryParams.patch, body: sub.connect ? undefined : `${META}.Patch`, patchBody: !sub.connect, alsoReturns: sub.connect ? undefined : { '201': def } };
      case 'post':
        return { ...base, method: m, operationId: sub.connect ? `connectPost${id}${ns}${r.kind}${suffix}` : `create${id}${ns}${r.kind}${suffix}`, description: `${sub.connect ? 'connect POST requests to' : 'create'} ${sub.name} of a ${r.kind}`, action: sub.connect ? 'connect' : 'post', query: sub.connect ? sub.query : queryParams.write, body: sub.connect ? undefined : def, alsoReturns: sub.connect ? undefined : { '201': def, '202': def } };
      default:
        return { ...base, method: m, operationId: `connect${m.charAt(0).toUpperCase()}${m.slice(1)}${id}${ns}${r.kind}${suffix}`, description: `connect ${m.toUpperCase()} requests to ${sub.name} of ${r.kind}`, action: 'connect', query: sub.query };
    }
  });
  const out: PathItem[] = [{ path: `${item}/${sub.name}`, pathParams: params, operations: ops }];
  if (sub.withPath) {
    out.push({
      path: `${item}/${sub.name}/{path}`,
      pathParams: [...params, 'path'],
      operations: ops.map((o) => ({ ...o, operationId: `${o.operationId}WithPath` })),
    });
  }
  return out;
}

/** The group-versions that have paths, as the v3 root lists them: 'api/v1', 'apis/apps/v1'. */
export function groupVersionKeys(registry: ResourceRegistry): { key: string; group: string; version: string }[] {
  return registry.groups().flatMap((g) => g.versions.map((version) => ({
    key: g.group === '' ? `api/${version}` : `apis/${g.group}/${version}`,
    group: g.group,
    version,
  })));
}

export { groupVersion };
