// The shapes of pod.spec.volumes entries the volume manager understands (the fields it
// reads, as the API defines them), and the place it reads referenced objects from.

import type { NodeAllocatable, FieldRef, ResourceFieldRef } from './downward.js';
import type { TokenSpec } from './tokens.js';
import type { Pod } from '../types.js';

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface ConfigMapSource {
  name?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface SecretSource {
  secretName?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface DownwardApiFile {
  path: string;
  fieldRef?: FieldRef;
  resourceFieldRef?: ResourceFieldRef;
  mode?: number;
}

export interface DownwardApiSource {
  items?: DownwardApiFile[];
  defaultMode?: number;
}

export interface ServiceAccountTokenProjection {
  audience?: string;
  expirationSeconds?: number;
  path: string;
}

export interface ProjectionSource {
  configMap?: Omit<ConfigMapSource, 'defaultMode'>;
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardApiFile[] };
  serviceAccountToken?: ServiceAccountTokenProjection;
}

export interface ProjectedSource {
  sources?: ProjectionSource[] | null;
  defaultMode?: number;
}

export interface EmptyDirSource {
  /** '' (disk) or 'Memory'; 'HugePages' is refused. */
  medium?: string;
  sizeLimit?: string;
}

export interface HostPathSource {
  path: string;
  type?: string;
}

export interface PvcSource {
  claimName: string;
  readOnly?: boolean;
}

/** One entry of pod.spec.volumes, with the sources this manager supports. */
export interface VolumeSpec {
  name: string;
  emptyDir?: EmptyDirSource;
  hostPath?: HostPathSource;
  configMap?: ConfigMapSource;
  secret?: SecretSource;
  downwardAPI?: DownwardApiSource;
  projected?: ProjectedSource;
  persistentVolumeClaim?: PvcSource;
  /** Generic ephemeral volume: only its presence matters here (the claim is <pod>-<volume>). */
  ephemeral?: Record<string, unknown>;
}

/** Key -> bytes of a ConfigMap (data and binaryData) or Secret (data, decoded). */
export type KeyedData = Map<string, Buffer>;

/** Where projections read from: the API server in production, anything in tests. */
export interface ObjectSource {
  /** undefined when the object does not exist. */
  configMap(namespace: string, name: string): Promise<KeyedData | undefined>;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  token(pod: Pod, serviceAccount: string, spec: TokenSpec): Promise<string>;
  nodeAllocatable?: NodeAllocatable;
}
