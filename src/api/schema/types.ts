// The shape of a type's schema: the OpenAPI v2 (JSON Schema subset) form that
// Kubernetes publishes, with its extensions. One set of definitions feeds OpenAPI v2
// and v3, `kubectl explain`, unknown-field detection, strategic merge patch (patch
// strategies and merge keys) and server-side apply (list types and map keys).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  type?: SchemaType;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: (string | number | boolean)[];
  default?: unknown;
  /** '#/definitions/<name>' */
  $ref?: string;
  /** 'merge', 'retainKeys', 'merge,retainKeys' or 'replace'. */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
}

/** Definitions keyed by their OpenAPI name, e.g. 'io.k8s.api.core.v1.Pod'. */
export type Definitions = Record<string, Schema>;

/** Where callers get schemas from: the built-in definitions, or a test's hand-made ones. */
export interface SchemaSource {
  definitions: Definitions;
  /** The definition name of a kind's top-level object, or undefined if unknown. */
  definitionFor(gvk: GroupVersionKind): string | undefined;
}
