// The OpenAPI documents of the built-in kinds, built once on first request.

import type { ResourceRegistry } from '../../api/resources.js';
import { OpenAPIDocuments } from '../../api/openapi/index.js';
import { openapiV2ProtoMediaType, wantsOpenAPIV2Proto } from '../../api/openapi/v2-proto.js';
import { builtinSchemas } from '../../api/schema/index.js';
import type { OpenApiDocuments } from '../server.js';

export function builtinOpenApi(registry: ResourceRegistry): OpenApiDocuments {
  const docs = new OpenAPIDocuments(registry, builtinSchemas);
  return {
    v2: () => docs.v2().json,
    v2Proto: () => ({ bytes: docs.v2Proto().bytes, mediaType: openapiV2ProtoMediaType }),
    wantsV2Proto: wantsOpenAPIV2Proto,
    v3Root: () => docs.v3Root().json,
    v3: (path) => docs.v3ByPath(path)?.json,
  };
}
