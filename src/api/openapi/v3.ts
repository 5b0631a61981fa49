// The OpenAPI 3.0 documents of /openapi/v3: a root that lists one document per
// group-version, and that document, with only the schemas its paths reach.
//
// kubectl (1.27+) reads these for `explain` (it looks up the kind by its
// x-kubernetes-group-version-kind in components.schemas), for the strategic-merge
// metadata of client-side apply, and to decide whether the server validates fields:
// it takes a PATCH operation tagged with the kind's GVK and looks for a query
// parameter named fieldValidation among that operation's own parameters.

import type { ResourceRegistry } from '../resources.js';
import { builtinSchemas } from '../schema/index.js';
import type { SchemaSource } from '../schema/types.js';
import { documentHash } from './hash.js';
import { groupVersionKeys, groupVersionPaths, type Operation, type PathItem } from './operations.js';
import { parameterSpecs, pathParamSpecs } from './parameters.js';
import { definitionToV3, reachable } from './schema-v3.js';
import { defaultInfo, objectMediaTypes, patchMediaTypes, producesOf, type OpenAPIInfo } from './v2.js';

type Json = Record<string, unknown>;

export interface V3Root {
  paths: Record<string, { serverRelativeURL: string }>;
}

/**
 * The root at /openapi/v3. `hashOf` gives each group-version document's hash
 * (OpenAPIDocuments passes its cached ones); by default each document is built from
 * the built-in schemas and hashed.
 */
export function openapiV3Root(registry: ResourceRegistry, hashOf?: (group: string, version: string) => string): V3Root {
  const hash = hashOf ?? ((g: string, v: string) => documentHash(JSON.stringify(openapiV3GroupVersion(registry, builtinSchemas, g, v))));
  const paths: V3Root['paths'] = {};
  for (const { key, group, version } of groupVersionKeys(registry)) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash(group, version)}` };
  }
  return { paths };
}

/** Convenience for callers without a cache: hashes computed from the documents themselves. */
export function openapiV3RootFrom(registry: ResourceRegistry, source: SchemaSource, info: OpenAPIInfo = defaultInfo): V3Root {
  return openapiV3Root(registry, (g, v) => documentHash(JSON.stringify(openapiV3GroupVersion(registry, source, g, v, info))));
}

/** The document of one group-version, or undefined when it is not served. */
export function openapiV3GroupVersion(registry: ResourceRegistry, source: SchemaSource, group: string, version: string, info: OpenAPIInfo = defaultInfo): Json | undefined {
  if (registry.inGroupVersion(group, version).length === 0) return undefined;
  const items = groupVersionPaths(registry, group, version, source.definitionFor);
  const roots = new Set<string>();
  const paths: Json = {};
  for (const item of items) {
    paths[item.path] = pathItemV3(item);
    for (const op of item.operations) {
      for (const n of [op.body, op.response, ...Object.values(op.alsoReturns ?? {})]) if (n && n !== 'string') roots.add(n);
    }
  }
  const schemas: Json = {};
  for (const name of reachable(source.definitions, roots)) schemas[name] = definitionToV3(name, source.definitions[name]);
  return {
    openapi: '3.0.0',
    info: { ...info },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

function pathItemV3(item: PathItem): Json {
  const out: Json = {};
  for (const op of item.operations) out[op.method] = operationV3(op);
  out.parameters = [
    ...item.pathParams.map((p) => ({ name: p, in: 'path', description: pathParamSpecs[p].description, required: true, schema: { type: 'string', uniqueItems: true } })),
    { name: 'pretty', in: 'query', description: parameterSpecs.pretty.description, schema: { type: 'string', uniqueItems: true } },
  ];
  return out;
}

const schemaOf = (name: string): Json => (name === 'string' ? { type: 'string' } : { $ref: `#/components/schemas/${name}` });

function content(types: string[], name: string): Json {
  return Object.fromEntries(types.map((t) => [t, { schema: schemaOf(name) }]));
}

function operationV3(op: Operation): Json {
  const out: Json = { tags: [op.tag], description: op.description, operationId: op.operationId };
  out.parameters = op.query.map((q) => ({ name: q, in: 'query', description: parameterSpecs[q].description, schema: { type: parameterSpecs[q].type, uniqueItems: true } }));
  if (op.body) out.requestBody = { content: content(op.patchBody ? patchMediaTypes : ['*/*'], op.body), required: op.method !== 'delete' };
  const produces = producesOf(op);
  const responses: Json = { '200': { description: 'OK', content: content(produces, op.response) } };
  for (const [code, def] of Object.entries(op.alsoReturns ?? {})) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', content: content(produces, def) };
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = { ...op.gvk };
  return out;
}
