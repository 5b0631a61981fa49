// The paths of a resource's subresources: plain object endpoints (status, scale,
// binding, eviction, token) with the usual read/replace/patch/create operations, and
// "connect" endpoints (exec, attach, port-forward, proxy) whose every method streams.

import type { DefinitionLookup, HttpMethod, Operation, PathItem, ResourceContext } from './operations.js';
import { capitalize, META } from './names.js';
import { queryParams } from './parameters.js';
import { bodyKindOf, subresourceOps, type SubOp } from './subresource-ops.js';

export function subresourcePaths(c: ResourceContext, definitionFor: DefinitionLookup): PathItem[] {
  return subresourceOps(c.r).flatMap((sub) => pathsOf(c, sub, definitionFor));
}

function pathsOf(c: ResourceContext, sub: SubOp, definitionFor: DefinitionLookup): PathItem[] {
  const kind = bodyKindOf(c.r, sub);
  const def = sub.textResponse ? 'string' : definitionFor(kind) ?? c.def;
  const id = (verb: string): string => `${verb}${c.gv}${c.ns}${c.r.kind}${capitalize(sub.name)}`;
  const ops = sub.methods.map((m): Operation => {
    const base = { method: m, gvk: kind, tag: c.tag, response: def };
    if (sub.connect) {
      return { ...base, operationId: id(`connect${capitalize(m)}`), description: `connect ${m.toUpperCase()} requests to ${sub.name} of ${c.r.kind}`, action: 'connect', query: sub.query };
    }
    return { ...base, ...plainOperation(m, sub, def, id), description: `${verbText(m)} ${sub.name} of the specified ${c.r.kind}` };
  });
  const out: PathItem[] = [{ path: `${c.item}/${sub.name}`, pathParams: c.itemParams, operations: ops }];
  if (sub.withPath) {
    out.push({ path: `${c.item}/${sub.name}/{path}`, pathParams: [...c.itemParams, 'path'], operations: ops.map((o) => ({ ...o, operationId: `${o.operationId}WithPath` })) });
  }
  return out;
}

function verbText(m: HttpMethod): string {
  return m === 'get' ? 'read' : m === 'put' ? 'replace' : m === 'patch' ? 'partially update' : 'create';
}

type PlainFields = Pick<Operation, 'operationId' | 'action' | 'query' | 'body' | 'patchBody' | 'alsoReturns'>;

function plainOperation(m: HttpMethod, sub: SubOp, def: string, id: (verb: string) => string): PlainFields {
  switch (m) {
    case 'get':
      return { operationId: id('read'), action: 'get', query: sub.query };
    case 'put':
      return { operationId: id('replace'), action: 'put', query: queryParams.write, body: def, alsoReturns: { '201': def } };
    case 'patch':
      return { operationId: id('patch'), action: 'patch', query: queryParams.patch, body: `${META}.Patch`, patchBody: true, alsoReturns: { '201': def } };
    default:
      return { operationId: id('create'), action: 'post', query: queryParams.write, body: def, alsoReturns: { '201': def, '202': def } };
  }
}
