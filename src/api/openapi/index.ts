// OpenAPI v2 and v3 documents generated from the resource registry and the schemas.

export { openapiV2, defaultInfo, type OpenAPIInfo } from './v2.js';
export { openapiV3Root, openapiV3RootFrom, openapiV3GroupVersion, type V3Root } from './v3.js';
export { OpenAPIDocuments, type SerializedDocument, type BinaryDocument } from './documents.js';
export { encodeOpenAPIV2Proto, openapiV2ProtoMediaType, openapiV2ProtoAccept, wantsOpenAPIV2Proto } from './v2-proto.js';
export { documentHash } from './hash.js';
export { groupVersionPaths, groupIdentifier, tagOf, prefixOf, type Operation, type PathItem, type Action, type HttpMethod } from './operations.js';
export { toV3, definitionToV3, reachable } from './schema-v3.js';
