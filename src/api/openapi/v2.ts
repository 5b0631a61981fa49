// The swagger 2.0 document served at /openapi/v2: every path of every group-version
// and every definition.

import type { ResourceRegistry } from '../resources.js';
import type { SchemaSource } from '../schema/types.js';
import { groupVersionKeys, groupVersionPaths, type Operation, type PathItem } from './operations.js';
import { parameterSpecs, pathParamSpecs } from './parameters.js';

export interface OpenAPIInfo {
  title: string;
  /** Kubernetes puts its git version here (v1.31.0). Default 'unversioned'. */
  version: string;
}

export const defaultInfo: OpenAPIInfo = { title: 'Kubernetes', version: 'unversioned' };

export const objectMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const watchMediaTypes = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
export const patchMediaTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

type Json = Record<string, unknown>;

export function openapiV2(registry: ResourceRegistry, source: SchemaSource, info: OpenAPIInfo = defaultInfo): Json {
  const paths: Json = {};
  for (const { group, version } of groupVersionKeys(registry)) {
    for (const item of groupVersionPaths(registry, group, version, source.definitionFor)) paths[item.path] = pathItemV2(item);
  }
  return {
    swagger: '2.0',
    info: { ...info },
    paths,
    definitions: source.definitions,
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer token authentication' } },
    security: [{ BearerToken: [] }],
  };
}

function pathItemV2(item: PathItem): Json {
  const out: Json = {};
  for (const op of item.operations) out[op.method] = operationV2(op);
  out.parameters = [
    ...item.pathParams.map((p) => ({ uniqueItems: true, type: 'string', description: pathParamSpecs[p].description, name: p, in: 'path', required: true })),
    { uniqueItems: true, type: 'string', description: parameterSpecs.pretty.description, name: 'pretty', in: 'query' },
  ];
  return out;
}

const ref = (name: string): Json => (name === 'string' ? { type: 'string' } : { $ref: `#/definitions/${name}` });

function operationV2(op: Operation): Json {
  const parameters: Json[] = [];
  if (op.body) parameters.push({ name: 'body', in: 'body', required: op.method !== 'delete', schema: ref(op.body) });
  for (const q of op.query) parameters.push({ uniqueItems: true, type: parameterSpecs[q].type, description: parameterSpecs[q].description, name: q, in: 'query' });
  const responses: Json = { '200': { description: 'OK', schema: ref(op.response) } };
  for (const [code, def] of Object.entries(op.alsoReturns ?? {})) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', schema: ref(def) };
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: op.description,
    consumes: op.patchBody ? patchMediaTypes : ['*/*'],
    produces: producesOf(op),
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    parameters,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { ...op.gvk },
  };
}

export function producesOf(op: Operation): string[] {
  if (op.response === 'string') return ['*/*'];
  if (op.action === 'list' || op.action === 'watch' || op.action === 'watchlist') return [...objectMediaTypes, ...watchMediaTypes];
  return objectMediaTypes;
}
