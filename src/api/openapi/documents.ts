// The OpenAPI documents serialized once and kept: the v2 document is several
// megabytes and every kubectl invocation may ask for it, so building it per request
// would dominate the server's CPU. Documents are built lazily on first use.

import type { ResourceRegistry } from '../resources.js';
import type { SchemaSource } from '../schema/types.js';
import { documentHash } from './hash.js';
import { openapiV2, defaultInfo, type OpenAPIInfo } from './v2.js';
import { encodeOpenAPIV2Proto } from './v2-proto.js';
import { openapiV3GroupVersion, openapiV3Root } from './v3.js';

export interface SerializedDocument {
  /** The JSON text. */
  json: string;
  /** Upper-case hex SHA-512 of json: the ETag (quoted when sent) and the v3 ?hash=. */
  hash: string;
}

export interface BinaryDocument {
  bytes: Uint8Array;
  hash: string;
}

export class OpenAPIDocuments {
  private v2Doc?: SerializedDocument;
  private v2ProtoDoc?: BinaryDocument;
  private rootDoc?: SerializedDocument;
  private readonly gvDocs = new Map<string, SerializedDocument | undefined>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly source: SchemaSource,
    private readonly info: OpenAPIInfo = defaultInfo,
  ) {}

  /** GET /openapi/v2 (JSON). */
  v2(): SerializedDocument {
    this.v2Doc ??= serialize(openapiV2(this.registry, this.source, this.info));
    return this.v2Doc;
  }

  /**
   * GET /openapi/v2 with Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf
   * (what kubectl asks for first; answer with that Content-Type).
   */
  v2Proto(): BinaryDocument {
    if (this.v2ProtoDoc === undefined) {
      const bytes = encodeOpenAPIV2Proto(JSON.parse(this.v2().json) as Record<string, unknown>);
      this.v2ProtoDoc = { bytes, hash: documentHash(bytes) };
    }
    return this.v2ProtoDoc;
  }

  /** GET /openapi/v3. */
  v3Root(): SerializedDocument {
    this.rootDoc ??= serialize(openapiV3Root(this.registry, (g, v) => this.v3(g, v)?.hash ?? ''));
    return this.rootDoc;
  }

  /** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; undefined is 404. */
  v3(group: string, version: string): SerializedDocument | undefined {
    const key = `${group}/${version}`;
    if (!this.gvDocs.has(key)) {
      const doc = openapiV3GroupVersion(this.registry, this.source, group, version, this.info);
      this.gvDocs.set(key, doc === undefined ? undefined : serialize(doc));
    }
    return this.gvDocs.get(key);
  }

  /** Resolves the path after /openapi/v3/ ('api/v1', 'apis/apps/v1') to its document. */
  v3ByPath(path: string): SerializedDocument | undefined {
    const parts = path.replace(/^\/+|\/+$/g, '').split('/');
    if (parts.length === 2 && parts[0] === 'api') return this.v3('', parts[1]);
    if (parts.length === 3 && parts[0] === 'apis') return this.v3(parts[1], parts[2]);
    return undefined;
  }
}

function serialize(doc: unknown): SerializedDocument {
  const json = JSON.stringify(doc);
  return { json, hash: documentHash(json) };
}
